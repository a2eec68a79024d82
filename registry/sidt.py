"""The national UMKM extract (SIDT / Satu Data UMKM): its 49 columns, in and out.

Importing goes through registry.imports like any sheet: the SIDT's snake_case names map themselves to
the portal's fields, and the columns the portal has no field for (RT/RW, photo, the workforce split,
housekeeping) are kept verbatim in `Business.national_record`, so an export gives them back. Personal
columns are never kept there: they live on the owner, where they are masked and logged.
"""

from django.db.models import Prefetch
from django.utils import timezone, translation

from registry.kbli import SECTION_LABELS, section_of
from registry.models import Product, YearlyFigure
from umkm_portal.keyset import iterate_by_pk

COLUMNS = [
    "id_data_badan_usaha", "nik_pengusaha", "nama_pengusaha", "nib", "jenis_kelamin",
    "is_disabilitas", "tanggal_lahir", "pendidikan_formal", "kontak_hp", "prov_pengusaha",
    "kab_pengusaha", "kec_pengusaha", "kel_pengusaha", "alamat_pengusaha", "rt_pengusaha",
    "rw_pengusaha", "nama_usaha", "kegiatan_utama", "produk_utama", "kategori_kbli", "kode_kbli",
    "status_badan_usaha", "skala_usaha", "modal_pendirian", "bulan_mulai_operasi",
    "tahun_mulai_operasi", "omzet_tahunan", "asset", "prov_usaha", "kab_usaha", "kec_usaha",
    "kel_usaha", "alamat_usaha", "rt_usaha", "rw_usaha", "foto_usaha", "alamat_latitude",
    "alamat_longitude", "tk_dibayar_laki", "tk_dibayar_perempuan", "tk_dibayar_disabil_laki",
    "tk_dibayar_disabil_perempuan", "tk_not_dibayar_laki", "tk_not_dibayar_perempuan",
    "tk_not_dibayar_disabil_laki", "tk_not_dibayar_disabil_perempua", "pulled_at", "updated_at",
    "source_page",
]  # fmt: skip
# Identity columns: stored on the owner (masked, logged), never in national_record.
PERSONAL = {"nik_pengusaha", "nama_pengusaha", "jenis_kelamin", "tanggal_lahir", "kontak_hp", "is_disabilitas"}
WORKERS_MALE = ["tk_dibayar_laki", "tk_dibayar_disabil_laki", "tk_not_dibayar_laki", "tk_not_dibayar_disabil_laki"]
WORKERS_FEMALE = [
    "tk_dibayar_perempuan",
    "tk_dibayar_disabil_perempuan",
    "tk_not_dibayar_perempuan",
    "tk_not_dibayar_disabil_perempua",
]
_KNOWN = set(COLUMNS)


def kept_columns(headers, mapping):
    """{column index: SIDT name} of the SIDT columns the mapping leaves unused: kept as they are."""
    used = set(mapping)
    return {
        index: header
        for index, header in enumerate(headers)
        if header in _KNOWN and header not in PERSONAL and index not in used
    }


def workers(record, names):
    """The sum of the workforce columns `names` in a kept record, or None when the sheet has none.
    Raises ValueError naming the first column that is not a whole number."""
    present = [name for name in names if record.get(name, "") != ""]
    if not present:
        return None
    total = 0
    for name in present:
        text = str(record[name]).replace(".", "").strip()
        if not text.isdigit():
            raise ValueError(name)
        total += int(text)
    return total


#
# Export
#


def export_rows(businesses, *, full_identity):
    """The header, then one row of the 49 columns per business. The NIK and phone are masked unless
    `full_identity` (a dinas sending the extract back, with a logged reason)."""
    newest = YearlyFigure.objects.order_by("-year")
    businesses = businesses.select_related(
        "owner__desa__kecamatan__kabupaten__provinsi", "desa__kecamatan__kabupaten__provinsi"
    ).prefetch_related(
        Prefetch("yearly_figures", queryset=newest, to_attr="newest_figures"),
        Prefetch("products", queryset=Product.objects.order_by("pk"), to_attr="product_list"),
    )
    yield list(COLUMNS)
    for business in iterate_by_pk(businesses, chunk_size=1000):
        with translation.override("id"):  # the national system reads the Indonesian labels, whoever exports
            row = _row(business, full_identity)
            values = [str(row.get(name, "")) for name in COLUMNS]
        yield values  # outside the override: the reader of the rows keeps the user's language


def _row(business, full_identity):
    owner, record = business.owner, business.national_record or {}
    figures = business.newest_figures
    latest = figures[0] if figures else None
    first = figures[-1] if figures else None
    row = dict(record)
    row.update(
        {
            "id_data_badan_usaha": business.national_id,
            "nik_pengusaha": owner.nik if full_identity else owner.masked_nik,
            "nama_pengusaha": owner.name,
            "nib": business.nib,
            "jenis_kelamin": owner.get_sex_display(),
            "is_disabilitas": "Ya" if owner.has_disability else "Tidak",
            "tanggal_lahir": owner.birth_date.isoformat() if full_identity else "",
            "pendidikan_formal": owner.get_education_display() if owner.education else "",
            "kontak_hp": owner.phone if full_identity else owner.masked_phone,
            "alamat_pengusaha": owner.address or record.get("alamat_pengusaha", ""),
            "nama_usaha": business.name,
            "kegiatan_utama": business.description,
            "produk_utama": business.product_list[0].name if business.product_list else "",
            "kategori_kbli": _section(business),
            "kode_kbli": business.kbli_code,
            "status_badan_usaha": business.get_legal_form_display(),
            "skala_usaha": business.get_size_class_display() if business.size_class else "",
            "modal_pendirian": _amount(first.capital if first else None),
            "tahun_mulai_operasi": business.start_year or "",
            "omzet_tahunan": _amount(latest.revenue if latest else None),
            "asset": _amount(latest.assets if latest else None),
            "alamat_usaha": business.address,
            "alamat_latitude": business.latitude if business.latitude is not None else "",
            "alamat_longitude": business.longitude if business.longitude is not None else "",
            "updated_at": timezone.localtime(business.updated_at).isoformat(timespec="seconds"),
        }
    )
    row.update(_places("usaha", business.desa))
    if owner.desa_id:
        row.update(_places("pengusaha", owner.desa))
    row.update(_workforce(business, record))
    return row


def _places(suffix, desa):
    kecamatan = desa.kecamatan
    return {
        f"prov_{suffix}": kecamatan.kabupaten.provinsi.name,
        f"kab_{suffix}": kecamatan.kabupaten.name,
        f"kec_{suffix}": kecamatan.name,
        f"kel_{suffix}": desa.name,
    }


def _workforce(business, record):
    """The national split when it still adds up to the portal's counts; else the counts as paid workers."""
    try:
        split_male, split_female = workers(record, WORKERS_MALE), workers(record, WORKERS_FEMALE)
    except ValueError:
        split_male = split_female = None
    if (split_male, split_female) == (business.workers_male, business.workers_female):
        return {name: record.get(name, "") for name in WORKERS_MALE + WORKERS_FEMALE}
    counts = dict.fromkeys(WORKERS_MALE + WORKERS_FEMALE, 0)
    counts["tk_dibayar_laki"], counts["tk_dibayar_perempuan"] = business.workers_male, business.workers_female
    return counts


def _section(business):
    section = section_of(business.kbli_code, business.kbli_version)
    return section if len(section) == 1 else SECTION_LABELS.get(section, "")


def _amount(value):
    return "" if value is None else str(int(value))
