from html import escape

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry.models import Business, Desa, Kecamatan, Product

# A column's attrs that hide it below Bootstrap's small breakpoint (576 px). On a phone a list keeps the columns a
# person acts on (the name, the amount, the state, the button) and gives way to the rest, which the row's own page
# shows (with_phone_details folds the most needed under the first cell); a list that scrolled sideways hid the state.
WIDE_ONLY = {"th": {"class": "d-none d-sm-table-cell"}, "td": {"class": "d-none d-sm-table-cell"}}


def with_phone_details(main, *details):
    """A cell's `main` content with `details` under it on a phone only (" · " between them): what its row's
    WIDE_ONLY columns show from 576 px, so that a phone keeps who and where (a referral's kabupaten, an
    inquiry's buyer) without a column for each."""
    shown = [str(detail) for detail in details if detail]
    if not shown:
        return main
    return format_html('{}<div class="d-sm-none small text-body-secondary">{}</div>', main, " · ".join(shown))


class KecamatanTable(tables.Table):
    name = tables.Column(_("Kecamatan"), linkify=True)
    code = tables.Column(_("Kode"), attrs=WIDE_ONLY)
    kabupaten = tables.Column(_("Kabupaten/kota"), attrs=WIDE_ONLY)
    desa_count = tables.Column(_("Desa/kelurahan"), orderable=False, attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Kecamatan
        fields = ["code", "name", "kabupaten", "desa_count"]
        empty_text = _("Tidak ada kecamatan di wilayah Anda.")
        attrs = {"class": "table table-hover align-middle"}


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
    badge = _BADGE.get(state, "text-bg-secondary")
    # text-wrap: "Menunggu verifikasi" breaks in two on a phone rather than push the column off the screen.
    return format_html('<span class="badge text-wrap {}">{}</span>', badge, Business.Verification(state).label)


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


class BusinessTable(tables.Table):
    """Members, without personal data: no NIK, no phone, no birth date (the verification queue's columns;
    the business list itself is registry/partials/_business_table.html)."""

    # Every order ends with a unique column (pages do not overlap) and is served by an index at a million
    # rows: the owner's (name, id), the business's (kecamatan, name), (category, name, id) and so on.
    # Kecamatan sort in their official (Kemendagri code) order, as in the kecamatan filter.
    name = tables.Column(_("Nama usaha"), order_by=("name", "pk"))
    owner = tables.Column(_("Pemilik"), accessor="owner__name", order_by=("owner__name", "owner_id", "pk"))
    desa = tables.Column(_("Desa"), accessor="desa__name", attrs=WIDE_ONLY, orderable=False)
    kecamatan = tables.Column(
        _("Kecamatan"), accessor="kecamatan__name", attrs=WIDE_ONLY, order_by=("kecamatan_id", "name", "pk")
    )
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

    def render_name(self, record):
        url = record.get_absolute_url()
        return business_name_cell(record.name, url, flagship=record.is_flagship, guided=record.guided_by)

    def render_verification(self, record):
        return verification_badge(record.verification)


class BusinessQueueTable(BusinessTable):
    """The waiting registrations, each with a checkbox for bulk decisions."""

    business = tables.CheckBoxColumn(
        accessor="pk", attrs={"th__input": {"aria-label": _("Pilih semua")}, "td__input": {"aria-label": _("Pilih")}}
    )
    # Every row of the queue is waiting: on a phone its state gives way to the owner's name (a 360 px screen).
    verification = tables.Column(_("Verifikasi"), attrs=WIDE_ONLY)

    class Meta(BusinessTable.Meta):
        sequence = ("business", "...")
        order_by = ("created_at",)
        orderable = False


class ProductTable(tables.Table):
    photo = tables.TemplateColumn(
        template_name="registry/partials/_product_photo.html", verbose_name=_("Foto"), orderable=False
    )
    name = tables.Column(_("Produk"), order_by=("name", "pk"))
    business = tables.Column(_("Usaha"), linkify=lambda record: record.business.get_absolute_url())
    # Not sortable: no index serves them at a million products (the filters choose a kecamatan or a category).
    kecamatan = tables.Column(_("Kecamatan"), accessor="business__kecamatan__name", attrs=WIDE_ONLY, orderable=False)
    category = tables.Column(_("Kategori"), attrs=WIDE_ONLY, orderable=False)
    price = tables.Column(_("Harga"), order_by=("price", "pk"))

    class Meta:
        model = Product
        fields = ["photo", "name", "business", "kecamatan", "category", "price"]
        empty_text = _("Belum ada produk yang cocok dengan pencarian atau filter ini.")
        attrs = {"class": "table table-hover align-middle"}

    def render_price(self, value, record):
        """Rp 15.000/pak, the amount kept on one line ("Rp" and the number never part on a phone); a product
        without a price shows the column's default. (A TemplateColumn's code was compiled again for every row.)"""
        from registry.templatetags.umkm import rupiah  # that module imports this one

        amount = format_html('<span class="text-nowrap">{}</span>', rupiah(value))
        return format_html("{}<wbr>/{}", amount, record.unit) if record.unit else amount
