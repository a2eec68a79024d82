import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from registry.models import Desa, Kecamatan


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
