"""One person's data and its processing trail (UU 27/2022): what is held, who saw it, what changed.

An admin answers a data subject's request, or the question "who saw this person's data", from here.
Exports are logged with their filters and row count, not per person, so the trail lists them apart.
"""

from django.db.models import Q
from django.utils.translation import gettext

from registry.models import AccessLog, Business, Owner

# The keys of the report's "pemilik" (kept in Indonesian: the JSON a data subject receives) and the Owner
# field each is read from, whose verbose name labels it on the admin's page.
OWNER_FIELDS = {
    "id": "id",
    "nama": "name",
    "nik": "nik",
    "jenis_kelamin": "sex",
    "tanggal_lahir": "birth_date",
    "nomor_hp": "phone",
    "alamat": "address",
    "desa": "desa",
    "pendidikan": "education",
    "penyandang_disabilitas": "has_disability",
    "didaftarkan": "created_at",
}


def _value(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def subject_report(owner):
    """A dict (JSON-ready) of the owner's data, their businesses, who opened them, and every change."""
    businesses = list(Business.objects.filter(owner=owner).select_related("kecamatan", "desa").order_by("pk"))
    business_ids = [str(business.pk) for business in businesses]
    views = AccessLog.objects.filter(
        Q(object_type="business", object_id__in=business_ids) | Q(object_type="owner", object_id=str(owner.pk))
    ).select_related("user")
    history = []
    for record in owner.history.select_related("history_user").order_by("history_date"):
        history.append(_change(gettext("pemilik"), record))
    for business in businesses:
        for record in business.history.select_related("history_user").order_by("history_date"):
            history.append(_change(gettext("usaha %(name)s") % {"name": business.name}, record))
    history.sort(key=lambda row: row["waktu"])
    return {
        "pemilik": {
            "id": owner.pk,
            "nama": owner.name,
            "nik": owner.nik,
            "jenis_kelamin": owner.get_sex_display(),
            "tanggal_lahir": _value(owner.birth_date),
            "nomor_hp": owner.phone,
            "alamat": owner.address,
            "desa": str(owner.desa) if owner.desa_id else "",
            "pendidikan": owner.get_education_display(),
            "penyandang_disabilitas": owner.has_disability,
            "didaftarkan": _value(owner.created_at),
        },
        "usaha": [
            {
                "id": business.pk,
                "nama": business.name,
                "nib": business.nib,
                "desa": business.desa.name,
                "kecamatan": business.kecamatan.name,
                "sumber_data": business.get_source_display(),
                "didaftarkan": _value(business.created_at),
            }
            for business in businesses
        ],
        "akses": [
            {
                "waktu": _value(log.created_at),
                "pengguna": log.user.get_username(),
                "tindakan": log.get_action_display(),
                "data": f"{log.object_type} {log.object_id}",
                "alasan": log.detail.get("reason", ""),
            }
            for log in views.order_by("created_at")
        ],
        "perubahan": history,
        "catatan": gettext(
            "Ekspor daftar dicatat per ekspor (filter dan jumlah baris), tidak per orang; lihat log akses."
        ),
    }


def owner_rows(report):
    """The report's personal data as (label, value) rows, each labelled by its Owner field's verbose name."""
    return [(Owner._meta.get_field(OWNER_FIELDS[key]).verbose_name, value) for key, value in report["pemilik"].items()]


def _change(what, record):
    changed = []
    if record.prev_record is not None:
        changed = sorted(change.field for change in record.diff_against(record.prev_record).changes)
    return {
        "waktu": _value(record.history_date),
        "data": what,
        "jenis": {"+": gettext("dibuat"), "~": gettext("diubah"), "-": gettext("dihapus")}[record.history_type],
        "oleh": record.history_user.get_username() if record.history_user else "",
        "kolom": changed,
    }


def owners_matching(query):
    """Owners by exact NIK or by name, for the admin's search box."""
    query = query.strip()
    if query.isdigit():
        return Owner.objects.filter(nik=query)
    return Owner.objects.filter(name__unaccent__icontains=query)
