"""The buyer-inquiry worklist's filters and table (the dashboard's filters, plus status and buyer kind)."""

import django_filters
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from programs.models import Inquiry
from registry.filtersets import AreaScopeFilterSet


class InquiryFilterSet(AreaScopeFilterSet):
    """Inquiries; the dashboard's period is the day the inquiry came in."""

    business_path = "business"
    status = django_filters.ChoiceFilter(choices=Inquiry.Status.choices, label=_("Status"))
    buyer_kind = django_filters.ChoiceFilter(choices=Inquiry.BuyerKind.choices, label=_("Jenis pembeli"))
    source = django_filters.ChoiceFilter(choices=Inquiry.Source.choices, label=_("Asal"))

    class Meta:
        model = Inquiry
        fields = ["status", "buyer_kind", "source", "kecamatan", "category"]


class InquiryTable(tables.Table):
    created_at = tables.DateTimeColumn(
        format="d-m-Y H:i",
        verbose_name=_("Masuk"),
        linkify=lambda record: record.get_absolute_url(),
    )
    product = tables.Column(_("Produk"), accessor="product__name", default="—", order_by=("product__name",))
    business = tables.Column(_("Usaha"), accessor="business__name", order_by=("business__name",))
    kecamatan = tables.Column(_("Kecamatan"), accessor="business__kecamatan__name", orderable=False)
    buyer_kind = tables.Column(_("Jenis pembeli"))
    buyer_organisation = tables.Column(_("Perusahaan atau instansi"), default="—", orderable=False)
    quantity = tables.Column(_("Jumlah"))
    status = tables.Column(_("Status"))

    class Meta:
        model = Inquiry
        fields = [
            "created_at",
            "product",
            "business",
            "kecamatan",
            "buyer_kind",
            "buyer_organisation",
            "quantity",
            "status",
        ]
        empty_text = _("Belum ada permintaan pembeli.")
        attrs = {"class": "table table-hover align-middle"}
