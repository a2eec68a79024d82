import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from programs.models import BankReferral, Training


class BankReferralTable(tables.Table):
    """Referrals without personal data: a bank officer may see every column."""

    business = tables.Column(_("Usaha"), linkify=lambda record: record.get_absolute_url(), order_by=("business__name",))
    kecamatan = tables.Column(_("Kecamatan"), accessor="business__kecamatan__name", orderable=False)
    bank = tables.Column(_("Bank"), accessor="bank__short_name", order_by=("bank__short_name",))
    credit_product = tables.Column(_("Produk"))
    amount_requested = tables.TemplateColumn(
        "{% load umkm %}{{ record.amount_requested|rupiah }}",
        verbose_name=_("Diajukan"),
        attrs={"td": {"class": "text-end"}},
    )
    status = tables.TemplateColumn(template_name="programs/partials/_referral_status.html", verbose_name=_("Status"))
    created_at = tables.DateColumn(format="d-m-Y", verbose_name=_("Dibuat"))

    class Meta:
        model = BankReferral
        fields = ["business", "kecamatan", "bank", "credit_product", "amount_requested", "status", "created_at"]
        empty_text = _("Belum ada rujukan.")
        attrs = {"class": "table table-hover align-middle"}


class TrainingTable(tables.Table):
    title = tables.Column(_("Pelatihan"), linkify=True)
    kind = tables.Column(_("Jenis"))
    start_on = tables.DateColumn(format="d-m-Y", verbose_name=_("Mulai"))
    venue = tables.Column(_("Tempat"), orderable=False)
    seats = tables.TemplateColumn(
        "{{ record.confirmed_count }}/{{ record.capacity }}", verbose_name=_("Peserta"), orderable=False
    )

    class Meta:
        model = Training
        fields = ["title", "kind", "start_on", "venue", "seats"]
        empty_text = _("Belum ada pelatihan.")
        attrs = {"class": "table table-hover align-middle"}
