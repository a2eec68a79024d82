import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from programs.models import (
    BankReferral,
    CurationSubmission,
    Enrollment,
    ExportFacilitation,
    MentoringVisit,
    Placement,
    Training,
)
from registry.tables import WIDE_ONLY, with_phone_details
from registry.templatetags.umkm import rupiah


class BankReferralTable(tables.Table):
    """Referrals without personal data: a bank officer may see every column."""

    business = tables.Column(_("Usaha"), order_by=("business__name",))
    kecamatan = tables.Column(_("Kecamatan"), accessor="business__kecamatan__name", attrs=WIDE_ONLY, orderable=False)
    kabupaten = tables.Column(
        _("Kabupaten/kota"), accessor="business__kecamatan__kabupaten__name", attrs=WIDE_ONLY, orderable=False
    )
    # The list's queryset annotates has_officer: a bank nobody at the bank reads for this kabupaten says so.
    bank = tables.TemplateColumn(
        template_name="programs/partials/_referral_bank.html",
        verbose_name=_("Bank"),
        attrs=WIDE_ONLY,
        order_by=("bank__short_name",),
    )
    credit_product = tables.Column(_("Produk"), attrs=WIDE_ONLY)
    amount_requested = tables.Column(_("Diajukan"), attrs={"td": {"class": "text-end text-nowrap"}})
    status = tables.TemplateColumn(template_name="programs/partials/_referral_status.html", verbose_name=_("Status"))
    created_at = tables.DateColumn(format="d-m-Y", verbose_name=_("Dibuat"), attrs=WIDE_ONLY)

    class Meta:
        model = BankReferral
        fields = [
            "business",
            "kecamatan",
            "kabupaten",
            "bank",
            "credit_product",
            "amount_requested",
            "status",
            "created_at",
        ]
        empty_text = _("Belum ada rujukan.")
        attrs = {"class": "table table-hover align-middle"}

    # Render methods, not TemplateColumns with code: django-tables2 compiles a column's template code again for
    # every row.
    def render_business(self, value, record):
        """The business, linked to the referral; on a phone its kecamatan and kabupaten under it."""
        kecamatan = record.business.kecamatan
        link = format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)
        return with_phone_details(link, kecamatan.name, kecamatan.kabupaten.name)

    def render_amount_requested(self, value):
        return rupiah(value)


class TrainingTable(tables.Table):
    title = tables.Column(pgettext_lazy("satu", "Pelatihan"), linkify=True)
    kind = tables.Column(_("Jenis"), attrs=WIDE_ONLY)
    start_on = tables.DateColumn(format="d-m-Y", verbose_name=_("Mulai"))
    venue = tables.Column(_("Tempat"), attrs=WIDE_ONLY, orderable=False)
    seats = tables.Column(_("Peserta"), empty_values=(), attrs=WIDE_ONLY, orderable=False)
    state = tables.Column(_("Keadaan"), empty_values=(), orderable=False)

    class Meta:
        model = Training
        fields = ["title", "kind", "start_on", "venue", "seats", "state"]
        empty_text = _("Belum ada pelatihan.")
        attrs = {"class": "table table-hover align-middle"}

    def render_seats(self, record):
        return f"{record.seats_taken}/{record.capacity}"

    def render_state(self, record):
        if record.rescheduled_at and not record.is_cancelled:
            return f"{record.get_state_display()} ({gettext('dijadwalkan ulang')})"
        return record.get_state_display()


class EnrollmentTable(tables.Table):
    training = tables.Column(
        pgettext_lazy("satu", "Pelatihan"),
        linkify=lambda record: record.training.get_absolute_url(),
        order_by=("training__start_on",),
    )
    business = tables.Column(
        _("Usaha"), linkify=lambda record: record.business.get_absolute_url(), order_by=("business__name",)
    )
    kecamatan = tables.Column(_("Kecamatan"), accessor="business__kecamatan__name", attrs=WIDE_ONLY, orderable=False)
    status = tables.Column(_("Status"))
    pre_score = tables.Column(_("Pre"), attrs=WIDE_ONLY)
    post_score = tables.Column(_("Post"), attrs=WIDE_ONLY)
    completed_at = tables.DateColumn(format="d-m-Y", verbose_name=_("Lulus"), attrs=WIDE_ONLY)

    class Meta:
        model = Enrollment
        fields = ["training", "business", "kecamatan", "status", "pre_score", "post_score", "completed_at"]
        empty_text = _("Belum ada peserta.")
        attrs = {"class": "table table-hover align-middle"}


class CurationSubmissionTable(tables.Table):
    product = tables.Column(_("Produk"), linkify=lambda record: record.get_absolute_url(), order_by=("product__name",))
    business = tables.Column(_("Usaha"), accessor="product__business__name", attrs=WIDE_ONLY, orderable=False)
    call = tables.Column(_("Kurasi"), attrs=WIDE_ONLY, order_by=("call__title",))
    total_score = tables.Column(_("Nilai"))
    decision = tables.Column(_("Keputusan"))
    missing_documents = tables.Column(
        _("Dokumen kurang"), accessor="get_missing_documents_display", attrs=WIDE_ONLY, orderable=False
    )

    class Meta:
        model = CurationSubmission
        fields = ["product", "business", "call", "total_score", "decision", "missing_documents"]
        empty_text = _("Belum ada produk yang diajukan.")
        attrs = {"class": "table table-hover align-middle"}


class MentoringVisitTable(tables.Table):
    visited_on = tables.DateColumn(format="d-m-Y", verbose_name=_("Tanggal"), linkify=True)
    business = tables.Column(
        _("Usaha"), linkify=lambda record: record.business.get_absolute_url(), order_by=("business__name",)
    )
    topic = tables.Column(_("Topik"), attrs=WIDE_ONLY)
    organiser = tables.Column(_("Dinas"), attrs=WIDE_ONLY, orderable=False)
    follow_up_on = tables.DateColumn(format="d-m-Y", verbose_name=_("Tindak lanjut"), attrs=WIDE_ONLY)
    follow_up_done = tables.BooleanColumn(verbose_name=_("Selesai"), yesno="ya,belum")

    class Meta:
        model = MentoringVisit
        fields = ["visited_on", "business", "topic", "organiser", "follow_up_on", "follow_up_done"]
        empty_text = _("Belum ada kunjungan pendampingan.")
        attrs = {"class": "table table-hover align-middle"}


class PlacementTable(tables.Table):
    product = tables.Column(
        _("Produk"),
        accessor="submission__product__name",
        linkify=lambda record: record.submission.get_absolute_url(),
        order_by=("submission__product__name",),
    )
    business = tables.Column(
        _("Usaha"), accessor="submission__product__business__name", attrs=WIDE_ONLY, orderable=False
    )
    channel = tables.Column(_("Saluran"))
    retailer = tables.Column(_("Peritel"), attrs=WIDE_ONLY)
    partner = tables.Column(_("Mitra/toko"), attrs=WIDE_ONLY)
    starts_on = tables.DateColumn(format="d-m-Y", verbose_name=_("Mulai"), attrs=WIDE_ONLY)
    status = tables.Column(_("Status"))

    class Meta:
        model = Placement
        fields = ["product", "business", "channel", "retailer", "partner", "starts_on", "status"]
        empty_text = _("Belum ada produk yang ditempatkan.")
        attrs = {"class": "table table-hover align-middle"}


class ExportFacilitationTable(tables.Table):
    year = tables.Column(_("Tahun"), linkify=True)
    business = tables.Column(
        _("Usaha"), linkify=lambda record: record.business.get_absolute_url(), order_by=("business__name",)
    )
    country = tables.Column(_("Negara"), accessor="country_name", order_by=("country",))
    buyer = tables.Column(_("Pembeli"), attrs=WIDE_ONLY)
    value = tables.Column(pgettext_lazy("uang", "Nilai"), attrs={"td": {"class": "text-nowrap"}}, order_by=("value",))

    class Meta:
        model = ExportFacilitation
        fields = ["year", "business", "country", "buyer", "value"]
        empty_text = _("Belum ada data ekspor.")
        attrs = {"class": "table table-hover align-middle"}

    def render_value(self, value):
        return rupiah(value)
