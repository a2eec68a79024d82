"""Bringing in the spreadsheets a dinas already keeps: read a sheet, map its columns, check every row,
then write the valid rows (or nothing), as an idempotent upsert.

Rows are keyed by the NIB when the sheet has one, else by the owner's NIK and the business name, so
importing the same file twice changes nothing. Messages are Indonesian and name the row and column.
This module is the service; the upload, mapping and preview pages come on top of it.
"""

import csv
import datetime
import difflib
import io
import re
from dataclasses import dataclass, field

from charset_normalizer import from_bytes
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.functional import cached_property
from openpyxl import load_workbook

from registry.identifiers import nik_birth_date
from registry.models import Business, Category, Desa, Kecamatan, Owner, Source, YearlyFigure
from registry.validators import normalize_nib, normalize_nik, normalize_phone, parse_amount

# target field -> (label, header names people use for it, normalised). The snake_case names of the
# national SIDT extract (nik_pengusaha, nama_pengusaha, kontak_hp, nama_usaha, kode_kbli,
# omzet_tahunan, modal_pendirian, ...) normalise to the same words, so such a sheet maps itself.
FIELDS = {
    "owner_name": ("Nama pemilik", ["nama pemilik", "pemilik", "nama pengusaha", "nama pelaku usaha"]),
    "nik": ("NIK", ["nik", "nik pemilik", "nik pengusaha", "no ktp", "nomor ktp"]),
    "sex": ("Jenis kelamin", ["jenis kelamin", "jk", "l p", "gender", "kelamin"]),
    "birth_date": ("Tanggal lahir", ["tanggal lahir", "tgl lahir", "tgl lhr"]),
    "phone": ("Nomor HP", ["no hp", "nomor hp", "hp", "telepon", "no telp", "no wa", "whatsapp", "kontak hp"]),
    "business_name": ("Nama usaha", ["nama usaha", "usaha", "nama umkm", "umkm"]),
    "category": ("Kategori", ["kategori", "jenis usaha", "sektor"]),
    "kecamatan": ("Kecamatan", ["kecamatan", "kec"]),
    "desa": ("Desa/kelurahan", ["desa", "kelurahan", "desa kelurahan", "desa kel", "kel desa"]),
    "address": ("Alamat usaha", ["alamat", "alamat usaha"]),
    "nib": ("NIB", ["nib", "nomor induk berusaha"]),
    "kbli": ("KBLI", ["kbli", "kode kbli"]),
    "revenue": ("Omzet setahun", ["omzet", "omset", "omzet tahunan", "omzet per tahun", "omset per tahun"]),
    "capital": ("Modal", ["modal", "modal usaha", "modal pendirian"]),
    "year": ("Tahun data", ["tahun", "tahun data"]),
}
REQUIRED = ["owner_name", "nik", "business_name", "kecamatan", "desa"]
SEXES = {"l": "L", "lk": "L", "laki laki": "L", "laki": "L", "pria": "L", "p": "P", "pr": "P", "perempuan": "P"}
SEXES |= {"wanita": "P"}
CATEGORIES = {re.sub(r"[^a-z]", "", label.lower()): value for value, label in Category.choices}
CATEGORIES |= {value: value for value in Category.values}


def normal(text):
    """Lower case, letters and digits only: "Balong Bendo", "BALONGBENDO" and "balongbendo." match."""
    return re.sub(r"[^a-z0-9]", "", str(text or "").lower())


def header_name(text):
    return " ".join(re.sub(r"[^a-z0-9]+", " ", str(text or "").lower()).split())


#
# Reading
#


def read_sheet(content, filename):
    """Return (headers, rows) of the first sheet of an .xlsx or a .csv; blank lines are dropped, and each
    row is (sheet row number, [cell texts])."""
    if filename.lower().endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
            raise ValidationError("Berkas Excel tidak dapat dibaca. Simpan ulang sebagai .xlsx.") from error
        lines = ([_cell(value) for value in row] for row in workbook.active.iter_rows(values_only=True))
    elif filename.lower().endswith(".csv"):
        best = from_bytes(content).best()
        if best is None:
            raise ValidationError("Berkas CSV tidak dapat dibaca sebagai teks.")
        text = str(best)
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
        lines = csv.reader(io.StringIO(text), dialect)
    else:
        raise ValidationError("Unggah berkas .xlsx atau .csv.")
    headers, rows = None, []
    for number, line in enumerate(lines, start=1):
        cells = [str(cell).strip() if cell is not None else "" for cell in line]
        if not any(cells):
            continue
        if headers is None:
            headers = cells
        else:
            rows.append((number, cells))
    if headers is None:
        raise ValidationError("Berkas kosong: tidak ada baris judul kolom.")
    return headers, rows


def _cell(value):
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def guess_mapping(headers, remembered=None):
    """{column index: field} from remembered header names first, then from the usual names."""
    remembered = remembered or {}
    mapping = {}
    for index, header in enumerate(headers):
        name = header_name(header)
        target = remembered.get(name) or next((f for f, (_, names) in FIELDS.items() if name in names), None)
        if target and target not in mapping.values():
            mapping[index] = target
    return mapping


#
# Checking
#


@dataclass
class RowResult:
    number: int
    cells: list
    values: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors


class Area:
    """The user's kecamatan and their desa, looked up by tolerant names."""

    def __init__(self, user):
        self.kecamatan = {normal(k.name): k for k in Kecamatan.objects.visible_to(user)}
        self.desa = {}
        for desa in Desa.objects.filter(kecamatan__in=list(self.kecamatan.values())):
            self.desa.setdefault(desa.kecamatan_id, {})[normal(desa.name)] = desa

    @cached_property
    def outside(self):
        """Names of every other kecamatan: read only when a row names one that is not the user's."""
        others = Kecamatan.objects.exclude(pk__in=[k.pk for k in self.kecamatan.values()])
        return {normal(name) for name in others.values_list("name", flat=True)}

    def find_kecamatan(self, name):
        key = normal(name)
        if key in self.kecamatan:
            return self.kecamatan[key]
        if key in self.outside:
            raise ValidationError(f"Kecamatan {name} di luar wilayah kerja Anda.")
        raise ValidationError(f"Kecamatan {name!r} tidak dikenal{_suggest(key, self.kecamatan)}.")

    def find_desa(self, kecamatan, name):
        names = self.desa.get(kecamatan.pk, {})
        key = normal(name)
        if key in names:
            return names[key]
        raise ValidationError(f"Desa {name!r} tidak ada di Kecamatan {kecamatan.name}{_suggest(key, names)}.")


def _suggest(key, known):
    close = difflib.get_close_matches(key, list(known), n=2, cutoff=0.6)
    return f"; mungkin {' atau '.join(known[c].name for c in close)}" if close else ""


def check_rows(headers, rows, mapping, user):
    """Check every row against the registry's rules; return [RowResult] with Indonesian errors per row."""
    missing = [FIELDS[name][0] for name in REQUIRED if name not in mapping.values()]
    if missing:
        raise ValidationError(f"Kolom wajib belum dipetakan: {', '.join(missing)}.")
    area = Area(user)
    results, seen = [], {}
    for number, cells in rows:
        result = RowResult(number, cells)
        raw = {target: (cells[index] if index < len(cells) else "") for index, target in mapping.items()}
        for target, text in raw.items():
            if text.startswith("="):
                result.errors.append(f"{FIELDS[target][0]}: berisi rumus ({text[:30]}), bukan nilai.")
                raw[target] = ""
        _check_row(result, raw, area)
        if result.ok:
            key = result.values["nib"] or (result.values["nik"], normal(result.values["business_name"]))
            if key in seen:
                result.errors.append(f"Baris ganda: sama dengan baris {seen[key]}.")
            else:
                seen[key] = number
        results.append(result)
    return results


def _check_row(result, raw, area):
    values, errors = result.values, result.errors

    def take(target, check):
        text = raw.get(target, "").strip()
        try:
            values[target] = check(text)
        except ValidationError as error:
            errors.append(f"{FIELDS[target][0]}: {' '.join(error.messages)}")

    for target in ("owner_name", "business_name"):
        take(target, lambda text: text or _raise("wajib diisi."))
    take("nik", lambda text: normalize_nik(text) if text else _raise("wajib diisi."))
    take("sex", _sex)
    take("birth_date", _date)
    take("phone", lambda text: normalize_phone(text) if text else "")
    take("nib", lambda text: normalize_nib(text) if text else "")
    take("category", _category)
    take("kbli", lambda text: text if not text or re.fullmatch(r"\d{5}", text) else _raise("harus 5 digit."))
    take("revenue", lambda text: parse_amount(text) if text else None)
    take("capital", lambda text: parse_amount(text) if text else None)
    take("year", _year)
    values["address"] = raw.get("address", "").strip()[:255]
    try:
        kecamatan = area.find_kecamatan(raw.get("kecamatan", ""))
        values["desa"] = area.find_desa(kecamatan, raw.get("desa", ""))
    except ValidationError as error:
        errors.append(" ".join(error.messages))
    if values.get("nik") and not errors:
        born, female = nik_birth_date(values["nik"])
        values["sex"] = values.get("sex") or ("P" if female else "L")
        values["birth_date"] = values.get("birth_date") or born


def _raise(message):
    raise ValidationError(message)


def _sex(text):
    if not text:
        return ""
    sex = SEXES.get(" ".join(re.sub(r"[^a-z]+", " ", text.lower()).split()))
    return sex or _raise("isi L atau P.")


def _date(text):
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text[:10], pattern).date()
        except ValueError:
            continue
    return _raise("tanggal tidak dikenali; tulis seperti 17-05-1984.")


def _category(text):
    if not text:
        return Category.LAINNYA
    return CATEGORIES.get(normal(text)) or _raise(f"pilih salah satu: {', '.join(Category.labels)}.")


def _year(text):
    this_year = datetime.date.today().year
    if not text:
        return this_year - 1
    if not text.isdigit() or not 1990 <= int(text) <= this_year:
        raise ValidationError("tahun tidak masuk akal.")
    return int(text)


#
# Writing
#


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0


def import_rows(results, *, by, filename, all_or_nothing):
    """Write the checked rows. All or nothing: any failed row means nothing is written. Otherwise the
    valid rows are written and the failed ones counted. Re-importing the same rows changes nothing."""
    failed = [result for result in results if not result.ok]
    summary = ImportSummary(failed=len(failed))
    if failed and all_or_nothing:
        return summary
    try:
        with transaction.atomic():
            for result in results:
                if not result.ok:
                    continue
                try:
                    with transaction.atomic():  # a row refused by the database undoes only that row
                        outcome = _upsert(result, by=by, source_ref=f"{filename} baris {result.number}")
                except (ValidationError, PermissionDenied, IntegrityError) as error:
                    result.errors.append(_message(error))
                    summary.failed += 1
                    if all_or_nothing:
                        raise _Abort from error
                    continue
                setattr(summary, outcome, getattr(summary, outcome) + 1)
    except _Abort:
        return ImportSummary(failed=summary.failed)
    return summary


class _Abort(Exception):
    """Rolls back an all-or-nothing import when a row fails while writing."""


def _message(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, IntegrityError):
        return "Bertabrakan dengan data yang sudah ada (misalnya NIB milik usaha lain)."
    return str(error)


def _upsert(result, *, by, source_ref):
    values = result.values
    desa = values["desa"]
    if not Kecamatan.objects.visible_to(by).filter(pk=desa.kecamatan_id).exists():
        raise PermissionDenied("Kecamatan ini di luar wilayah kerja Anda.")
    owner = Owner.all_objects.filter(nik=values["nik"]).first()
    changed = False
    owner_fields = {"name": values["owner_name"], "sex": values["sex"], "birth_date": values["birth_date"]}
    if values["phone"]:
        owner_fields["phone"] = values["phone"]
    if owner is None:
        owner = Owner(nik=values["nik"], created_by=by, source_ref=source_ref, **owner_fields)
        owner._history_user = by
        owner.save()
        changed = "created"
    elif not Owner.objects.visible_to(by).filter(pk=owner.pk).exists():
        raise PermissionDenied("Pemilik dengan NIK ini terdaftar di wilayah lain.")
    else:
        changed = _apply(owner, owner_fields, by) and "updated"
    lookup = {"nib": values["nib"]} if values["nib"] else {"owner": owner, "name__iexact": values["business_name"]}
    business = Business.objects.filter(**lookup).first()
    if business is not None and not Business.objects.visible_to(by).filter(pk=business.pk).exists():
        raise PermissionDenied("NIB ini milik usaha di luar wilayah kerja Anda.")
    business_fields = {
        "name": values["business_name"],
        "desa": desa,
        "category": values["category"],
        "kbli_code": values["kbli"],
        "nib": values["nib"],
        "address": values["address"],
    }
    if business is None:
        business = Business(
            owner=owner, registered_by=by, source=Source.IMPORT, source_ref=source_ref, **business_fields
        )
        business._history_user = by
        business.full_clean(exclude=["owner", "kecamatan"])
        business.save()
        changed = "created"
    else:
        business_fields = {key: value for key, value in business_fields.items() if value not in ("", None)}
        changed = (_apply(business, business_fields, by) and (changed or "updated")) or changed
    if values["revenue"] is not None or values["capital"] is not None:
        figure = YearlyFigure.objects.filter(business=business, year=values["year"]).first()
        numbers = {"revenue": values["revenue"], "capital": values["capital"]}
        if figure is None:
            YearlyFigure.objects.create(business=business, year=values["year"], reported_source="impor", **numbers)
            changed = changed or "updated"
        elif any(getattr(figure, key) != value for key, value in numbers.items() if value is not None):
            for key, value in numbers.items():
                if value is not None:
                    setattr(figure, key, value)
            figure.save()
            changed = changed or "updated"
    return changed or "unchanged"


def _apply(record, fields, by):
    """Set the fields that differ and save; return whether anything changed."""
    differing = {key: value for key, value in fields.items() if getattr(record, key) != value}
    if not differing:
        return False
    for key, value in differing.items():
        setattr(record, key, value)
    record._history_user = by
    record.save()
    return True


def failed_rows_csv(headers, results):
    """The rows that failed, as they were, with a last column saying why: to fix and upload again."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*headers, "Alasan"])
    for result in results:
        if not result.ok:
            writer.writerow([*result.cells, " ".join(result.errors)])
    return out.getvalue()
