"""The buyer-inquiry worklist's filters and table (the dashboard's filters, plus status and buyer kind)."""

import django_filters
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from programs.models import Inquiry
from registry.filtersets import YES_NO, AreaScopeFilterSet
from registry.tables import WIDE_ONLY, with_phone_details


class InquiryFilterSet(AreaScopeFilterSet):
    """Inquiries; the dashboard's period is the day the inquiry came in."""

    business_path = "business"
    status = django_filters.ChoiceFilter(choices=Inquiry.Status.choices, label=_("Status"))
    buyer_kind = django_filters.ChoiceFilter(choices=Inquiry.BuyerKind.choices, label=_("Jenis pembeli"))
    source = django_filters.ChoiceFilter(choices=Inquiry.Source.choices, label=_("Asal"))
    ordered = django_filters.BooleanFilter(
        field_name="order_value", lookup_expr="isnull", exclude=True, label=_("Menjadi pesanan"), widget=YES_NO
    )

    class Meta:
        model = Inquiry
        fields = ["status", "buyer_kind", "source", "ordered", "kecamatan", "category"]


class InquiryTable(tables.Table):
    created_at = tables.DateTimeColumn(
        format="d-m-Y H:i",
        verbose_name=_("Diterima"),
        linkify=lambda record: record.get_absolute_url(),
    )
    product = tables.Column(_("Produk"), accessor="product__name", empty_values=(), order_by=("product__name",))
    business = tables.Column(_("Usaha"), accessor="business__name", attrs=WIDE_ONLY, order_by=("business__name",))
    kecamatan = tables.Column(_("Kecamatan"), accessor="business__kecamatan__name", attrs=WIDE_ONLY, orderable=False)
    buyer_kind = tables.Column(_("Jenis pembeli"), attrs=WIDE_ONLY)
    buyer_organisation = tables.Column(_("Perusahaan atau instansi"), default="—", attrs=WIDE_ONLY, orderable=False)
    quantity = tables.Column(_("Jumlah yang dibutuhkan"), attrs=WIDE_ONLY)
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

    def render_product(self, value, record):
        """The product (an office's order at an event may name none); on a phone the business and the buyer
        under it, which their own columns show from 576 px."""
        buyer = record.buyer_organisation or record.get_buyer_kind_display()
        return with_phone_details(value or "—", record.business.name, buyer)
