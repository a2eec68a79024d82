import copy
from html import escape
from urllib.parse import urlencode

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tables2.templatetags.django_tables2 import table_page_range

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


def verification_badge(state):
    """A verification state (Business.Verification) as a coloured badge (lists and the detail page)."""
    label = escape(str(Business.Verification(state).label))
    badge = _BADGE.get(state, "text-bg-secondary")
    return mark_safe(f'<span class="badge {badge}">{label}</span>')  # noqa: S308 - escaped  # nosec B308, B703


def name_badges():
    """The "Unggulan" and "Binaan" badges that follow a business's name, in the current language."""
    return tuple(
        f' <span class="badge {css}">{escape(gettext(label))}</span>'
        for css, label in (("text-bg-warning", "Unggulan"), ("text-bg-info", "Binaan"))
    )


def business_name_cell(name, url, *, flagship, guided):
    """A business's name linked to its page, with its badges."""
    flagship_badge, guided_badge = name_badges()
    link = f'<a href="{escape(url)}">{escape(name)}</a>'
    badges = (flagship_badge if flagship else "") + (guided_badge if guided else "")
    return mark_safe(link + badges)  # noqa: S308 - every value is escaped  # nosec B308, B703


_WIDE = ' class="d-none d-sm-table-cell"'


class BusinessTable(tables.Table):
    """Members, without personal data: no NIK, no phone, no birth date."""

    # Every order ends with a unique column (pages do not overlap) and is served by an index at a million
    # rows: the owner's (name, id), the business's (kecamatan, name), (category, name, id) and so on.
    # Kecamatan sort in their official (Kemendagri code) order, as in the kecamatan filter.
    name = tables.Column(_("Nama usaha"), order_by=("name", "pk"))
    owner = tables.Column(_("Pemilik"), accessor="owner__name", order_by=("owner__name", "owner_id", "pk"))
    desa = tables.Column(_("Desa"), accessor="desa__name", attrs=WIDE_ONLY, orderable=False)
    kecamatan = tables.Column(_("Kecamatan"), accessor="kecamatan__name", order_by=("kecamatan_id", "name", "pk"))
    category = tables.Column(_("Kategori"), attrs=WIDE_ONLY, order_by=("category", "name", "pk"))
    size_class = tables.Column(_("Skala"), attrs=WIDE_ONLY, order_by=("size_class", "name", "pk"))
    verification = tables.Column(_("Verifikasi"), order_by=("verification", "created_at", "pk"))
    created_at = tables.DateColumn(
        format="d-m-Y", verbose_name=_("Didaftarkan"), attrs=WIDE_ONLY, order_by=("created_at", "pk")
    )

    class Meta:
        model = Business
        fields = ["name", "owner", "desa", "kecamatan", "category", "size_class", "verification", "created_at"]
        empty_text = _("Belum ada usaha yang cocok dengan pencarian atau filter ini.")
        attrs = {"class": "table table-hover align-middle"}
        order_by = ("name",)
        # The table is written by page_html() (keep its rows in step with the columns above).
        template_name = "registry/partials/_business_table.html"

    # The rows the list reads (BusinessListView, through as_rows): values, not model instances.
    ROW_FIELDS = ["pk", "name", "category", "size_class", "verification", "is_flagship", "guided_by", "created_at"]
    ROW_NAMES = {"owner_name": "owner__name", "desa_name": "desa__name", "kecamatan_name": "kecamatan__name"}

    def render_name(self, record):
        url = record.get_absolute_url()
        return business_name_cell(record.name, url, flagship=record.is_flagship, guided=record.guided_by)

    def render_verification(self, record):
        return verification_badge(record.verification)

    def page_html(self):
        """The table and its pager as django-tables2's bootstrap5 template writes them, written in Python:
        its template loop asks every cell for its column's attributes and renderer. Every value is escaped."""
        head = "".join(
            f'<th {column.attrs["th"].as_html()} scope="col">{self._header(column)}</th>' for column in self.columns
        )
        body = self._rows_html() or f'<tr><td colspan="{len(self.columns)}">{escape(str(self.empty_text))}</td></tr>'
        table = f"<table {self.attrs.as_html()}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        html = f'<div class="table-container">{table}{self._pager_html()}</div>'
        return mark_safe(html)  # noqa: S308 - every value above is escaped  # nosec B308, B703

    def _link(self, **changes):
        params = dict(self.request.GET)  # as django-tables2's querystring_replace
        params.update(changes)
        return escape("?" + urlencode(params, doseq=True))

    def _header(self, column):
        header = escape(str(column.header))
        if not column.orderable:
            return header
        return f'<a href="{self._link(**{self.prefixed_order_by_field: column.order_by_alias.next})}">{header}</a>'

    def _pager_html(self):
        page = getattr(self, "page", None)
        if not page or not (page.has_previous() or page.has_next()):
            return ""
        field, items = self.prefixed_page_field, []
        if page.has_previous():
            previous = self._link(**{field: page.previous_page_number()})
            items.append(
                f'<li class="previous page-item"><a href="{previous}" class="page-link">'
                f'<span aria-hidden="true">&laquo;</span> {escape(gettext("previous"))}</a></li>'
            )
        for number in table_page_range(page, self.paginator):
            active = " active" if number == page.number else ""
            href = "" if number == "..." else f' href="{self._link(**{field: number})}"'
            items.append(f'<li class="page-item{active}"><a class="page-link"{href}>{number}</a></li>')
        if page.has_next():
            following = self._link(**{field: page.next_page_number()})
            items.append(
                f'<li class="next page-item"><a href="{following}" class="page-link">'
                f'{escape(gettext("next"))} <span aria-hidden="true">&raquo;</span></a></li>'
            )
        navigation = escape(gettext("Navigasi halaman"))
        pages = f'<ul class="pagination justify-content-center">{"".join(items)}</ul>'
        return f'<nav aria-label="{navigation}">{pages}</nav>'

    def _rows_html(self):
        """This page's rows (dicts of ROW_FIELDS and ROW_NAMES). What repeats from row to row (labels,
        badges, the detail URL) is written once per page."""
        labels = {
            name: {key: escape(str(label)) for key, label in Business._meta.get_field(name).flatchoices}
            for name in ("category", "size_class")
        }
        labels["size_class"][""] = "—"
        badges = {state: verification_badge(state) for state in Business.Verification.values}
        flagship, guided = name_badges()
        # One reverse() for the page, not one per row: the detail URL with a placeholder for the id.
        detail_url = reverse("registry:business_detail", args=[2**31 - 1]).replace(str(2**31 - 1), "{}")
        zone = timezone.get_current_timezone()
        html = []
        for row in self.paginated_rows:
            business = row.record
            name = f'<a href="{detail_url.format(business["pk"])}">{escape(business["name"])}</a>'
            name += (flagship if business["is_flagship"] else "") + (guided if business["guided_by"] else "")
            cells = (
                (name, ""),
                (escape(business["owner_name"]), ""),
                (escape(business["desa_name"]), _WIDE),
                (escape(business["kecamatan_name"]), ""),
                (labels["category"].get(business["category"]) or escape(business["category"]), _WIDE),
                (labels["size_class"].get(business["size_class"], "—"), _WIDE),
                (badges[business["verification"]], ""),
                (business["created_at"].astimezone(zone).strftime("%d-%m-%Y"), _WIDE),
            )
            html.append("<tr>" + "".join(f"<td{attrs}>{cell}</td>" for cell, attrs in cells) + "</tr>")
        return "".join(html)


class _CopiedColumns(dict):
    """A table class's declared columns. Each table copies them (django-tables2 deep-copies, about half a
    millisecond for this one): a shallow copy of each column is enough, none keeps per-table state in a
    nested object (attributes are read into new dicts)."""

    def __deepcopy__(self, memo):
        return {name: copy.copy(column) for name, column in self.items()}


BusinessTable.base_columns = _CopiedColumns(BusinessTable.base_columns)


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
