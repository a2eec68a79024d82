import django_tables2 as tables
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


class BusinessTable(tables.Table):
    """Members, without personal data: no NIK, no phone, no birth date."""

    name = tables.TemplateColumn(
        template_name="registry/partials/_business_name.html", verbose_name=_("Nama usaha"), order_by=("name", "pk")
    )
    owner = tables.Column(_("Pemilik"), accessor="owner__name", order_by=("owner__name", "pk"))
    desa = tables.Column(_("Desa"), accessor="desa__name", attrs=WIDE_ONLY, orderable=False)
    kecamatan = tables.Column(_("Kecamatan"), accessor="kecamatan__name", order_by=("kecamatan__name", "name"))
    category = tables.Column(_("Kategori"), attrs=WIDE_ONLY)
    size_class = tables.Column(_("Skala"), attrs=WIDE_ONLY)
    verification = tables.TemplateColumn(
        template_name="registry/partials/_business_verification.html", verbose_name=_("Verifikasi")
    )
    created_at = tables.DateColumn(format="d-m-Y", verbose_name=_("Didaftarkan"), attrs=WIDE_ONLY)

    class Meta:
        model = Business
        fields = ["name", "owner", "desa", "kecamatan", "category", "size_class", "verification", "created_at"]
        empty_text = _("Belum ada usaha yang cocok dengan pencarian atau filter ini.")
        attrs = {"class": "table table-hover align-middle"}
        order_by = ("name",)
        # The rows are written out in this template (keep it in step with the columns above).
        template_name = "registry/partials/_business_table.html"


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
