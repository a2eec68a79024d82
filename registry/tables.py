from html import escape

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry.models import Business, Desa, Kecamatan, Product


class KecamatanTable(tables.Table):
    name = tables.Column(_("Kecamatan"), linkify=True)
    code = tables.Column(_("Kode"))
    kabupaten = tables.Column(_("Kabupaten/kota"))
    desa_count = tables.Column(_("Desa/kelurahan"), orderable=False, attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Kecamatan
        fields = ["code", "name", "kabupaten", "desa_count"]
        empty_text = _("Tidak ada kecamatan di wilayah Anda.")
        attrs = {"class": "table table-hover align-middle"}


# On a phone the code column gives way to the name: coordinators know their desa by name.
WIDE_ONLY = {"th": {"class": "d-none d-sm-table-cell"}, "td": {"class": "d-none d-sm-table-cell"}}


class DesaTable(tables.Table):
    code = tables.Column(_("Kode"), attrs=WIDE_ONLY)
    name = tables.Column(_("Nama"))
    kind = tables.Column(_("Jenis"))
    postal_code = tables.Column(_("Kode pos"))

    class Meta:
        model = Desa
        fields = ["code", "name", "kind", "postal_code"]
        empty_text = _("Belum ada desa/kelurahan untuk kecamatan ini.")
        attrs = {"class": "table table-sm align-middle"}
        orderable = False


_BADGE = {Business.Verification.VERIFIED: "text-bg-success", Business.Verification.REJECTED: "text-bg-danger"}


def verification_badge(business):
    """The verification state as a coloured badge (lists and the detail page)."""
    badge = _BADGE.get(business.verification, "text-bg-secondary")
    label = escape(str(Business.Verification(business.verification).label))
    return mark_safe(f'<span class="badge {badge}">{label}</span>')  # noqa: S308 - escaped  # nosec B308, B703


def business_name_cell(business, url=None):
    """The name linked to its page (`url`, when the caller has it), with the "Unggulan" and "Binaan" badges."""
    badges = [
        f' <span class="badge {css}">{escape(gettext(label))}</span>'
        for shown, css, label in (
            (business.is_flagship, "text-bg-warning", "Unggulan"),
            (business.guided_by, "text-bg-info", "Binaan"),
        )
        if shown
    ]
    link = f'<a href="{escape(url or business.get_absolute_url())}">{escape(business.name)}</a>'
    return mark_safe(link + "".join(badges))  # noqa: S308 - every value is escaped  # nosec B308, B703


_WIDE = ' class="d-none d-sm-table-cell"'


class BusinessTable(tables.Table):
    """Members, without personal data: no NIK, no phone, no birth date."""

    name = tables.Column(_("Nama usaha"), order_by=("name", "pk"))
    owner = tables.Column(_("Pemilik"), accessor="owner__name", order_by=("owner__name", "pk"))
    desa = tables.Column(_("Desa"), accessor="desa__name", attrs=WIDE_ONLY, orderable=False)
    kecamatan = tables.Column(_("Kecamatan"), accessor="kecamatan__name", order_by=("kecamatan__name", "name"))
    category = tables.Column(_("Kategori"), attrs=WIDE_ONLY)
    size_class = tables.Column(_("Skala"), attrs=WIDE_ONLY)
    verification = tables.Column(_("Verifikasi"))
    created_at = tables.DateColumn(
        format="d-m-Y", verbose_name=_("Didaftarkan"), attrs=WIDE_ONLY, order_by=("created_at", "pk")
    )

    class Meta:
        model = Business
        fields = ["name", "owner", "desa", "kecamatan", "category", "size_class", "verification", "created_at"]
        empty_text = _("Belum ada usaha yang cocok dengan pencarian atau filter ini.")
        attrs = {"class": "table table-hover align-middle"}
        order_by = ("name",)
        # The rows are written by rows_html() (keep it in step with the columns above).
        template_name = "registry/partials/_business_table.html"

    def render_name(self, record):
        return business_name_cell(record)

    def render_verification(self, record):
        return verification_badge(record)

    def rows_html(self):
        """This page's rows, written in Python: django-tables2's loop asks every column for its attributes
        and renderer, and even a template per row cost more than the list's query. Every value is escaped."""
        labels = {name: dict(Business._meta.get_field(name).flatchoices) for name in ("category", "size_class")}
        # One reverse() for the page, not one per row: the detail URL with a placeholder for the id.
        detail_url = reverse("registry:business_detail", args=[2**31 - 1]).replace(str(2**31 - 1), "{}")
        html = []
        for row in self.paginated_rows:
            business = row.record
            cells = (
                (business_name_cell(business, detail_url.format(business.pk)), ""),
                (escape(business.owner.name), ""),
                (escape(business.desa.name), _WIDE),
                (escape(business.kecamatan.name), ""),
                (escape(str(labels["category"].get(business.category, business.category))), _WIDE),
                (escape(str(labels["size_class"].get(business.size_class) or "—")), _WIDE),
                (verification_badge(business), ""),
                (timezone.localtime(business.created_at).strftime("%d-%m-%Y"), _WIDE),
            )
            html.append("<tr>" + "".join(f"<td{attrs}>{cell}</td>" for cell, attrs in cells) + "</tr>")
        return mark_safe("".join(html))  # noqa: S308 - every value above is escaped  # nosec B308, B703


class BusinessQueueTable(BusinessTable):
    """The waiting registrations, each with a checkbox for bulk decisions."""

    business = tables.CheckBoxColumn(
        accessor="pk", attrs={"th__input": {"aria-label": _("Pilih semua")}, "td__input": {"aria-label": _("Pilih")}}
    )

    class Meta(BusinessTable.Meta):
        template_name = "django_tables2/bootstrap5.html"
        sequence = ("business", "...")
        order_by = ("created_at",)
        orderable = False


class ProductTable(tables.Table):
    photo = tables.TemplateColumn(
        template_name="registry/partials/_product_photo.html", verbose_name=_("Foto"), orderable=False
    )
    name = tables.Column(_("Produk"), order_by=("name", "pk"))
    business = tables.Column(_("Usaha"), linkify=lambda record: record.business.get_absolute_url())
    kecamatan = tables.Column(_("Kecamatan"), accessor="business__kecamatan__name", attrs=WIDE_ONLY)
    category = tables.Column(_("Kategori"), attrs=WIDE_ONLY)
    price = tables.TemplateColumn(
        "{% load umkm %}{{ record.price|rupiah }}{% if record.unit %}/{{ record.unit }}{% endif %}",
        verbose_name=_("Harga"),
        order_by=("price", "pk"),
    )

    class Meta:
        model = Product
        fields = ["photo", "name", "business", "kecamatan", "category", "price"]
        empty_text = _("Belum ada produk yang cocok dengan pencarian atau filter ini.")
        attrs = {"class": "table table-hover align-middle"}
