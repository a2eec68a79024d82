"""Bringing in the spreadsheets a dinas already keeps: read a sheet, map its columns, check every row,
then write the valid rows (or nothing), as an idempotent upsert.

Rows are keyed by the NIB when the sheet has one, else by the owner's NIK and the business name, so
importing the same file twice changes nothing. Messages are Indonesian and name the row and column.
This module is the service; the upload, mapping and preview pages come on top of it.
"""

import contextlib
import csv
import datetime
import difflib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from charset_normalizer import from_bytes
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import cached_property
from openpyxl import load_workbook
from simple_history.utils import bulk_update_with_history

from registry import sidt
from registry.bulk import insert, new
from registry.identifiers import nik_birth_date
from registry.models import Business, Category, Desa, Kecamatan, Owner, Product, Source, YearlyFigure
from registry.sizing import SizeClass
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
    "education": ("Pendidikan", ["pendidikan", "pendidikan formal", "pendidikan terakhir"]),
    "disability": ("Disabilitas", ["disabilitas", "is disabilitas", "penyandang disabilitas"]),
    "owner_address": ("Alamat pemilik", ["alamat pemilik", "alamat pengusaha", "alamat rumah"]),
    "business_name": ("Nama usaha", ["nama usaha", "usaha", "nama umkm", "umkm"]),
    "national_id": ("ID SIDT", ["id data badan usaha", "id sidt", "id badan usaha"]),
    "category": ("Kategori", ["kategori", "jenis usaha", "sektor"]),
    "description": ("Kegiatan utama", ["kegiatan utama", "deskripsi usaha", "deskripsi"]),
    "product": ("Produk utama", ["produk utama", "produk", "nama produk"]),
    "kecamatan": ("Kecamatan", ["kecamatan", "kec", "kec usaha", "kecamatan usaha"]),
    "desa": ("Desa/kelurahan", ["desa", "kelurahan", "desa kelurahan", "desa kel", "kel desa", "kel usaha"]),
    "address": ("Alamat usaha", ["alamat", "alamat usaha"]),
    "latitude": ("Lintang", ["lintang", "latitude", "alamat latitude"]),
    "longitude": ("Bujur", ["bujur", "longitude", "alamat longitude"]),
    "nib": ("NIB", ["nib", "nomor induk berusaha"]),
    "kbli": ("KBLI", ["kbli", "kode kbli"]),
    "start_year": ("Tahun mulai", ["tahun mulai", "tahun mulai operasi", "tahun berdiri"]),
    "workers_male": ("Tenaga kerja laki-laki", ["tenaga kerja laki laki", "tk laki laki", "karyawan laki laki"]),
    "workers_female": ("Tenaga kerja perempuan", ["tenaga kerja perempuan", "tk perempuan", "karyawan perempuan"]),
    "revenue": ("Omzet setahun", ["omzet", "omset", "omzet tahunan", "omzet per tahun", "omset per tahun"]),
    "capital": ("Modal", ["modal", "modal usaha", "modal pendirian"]),
    "assets": ("Aset", ["aset", "asset"]),
    "reported_size": ("Skala dilaporkan", ["skala", "skala usaha"]),
    "year": ("Tahun data", ["tahun", "tahun data"]),
}
REQUIRED = ["owner_name", "nik", "business_name", "kecamatan", "desa"]
SEXES = {"l": "L", "lk": "L", "laki laki": "L", "laki": "L", "pria": "L", "p": "P", "pr": "P", "perempuan": "P"}
SEXES |= {"wanita": "P"}
CATEGORIES = {re.sub(r"[^a-z]", "", label.lower()): value for value, label in Category.choices}
CATEGORIES |= {value: value for value in Category.values}
EDUCATION = {"tidak sekolah": "none", "belum sekolah": "none", "tidak belum sekolah": "none", "sd": "sd"}
EDUCATION |= {"smp": "smp", "sltp": "smp", "sma": "sma", "smk": "sma", "slta": "sma", "sma smk": "sma"}
EDUCATION |= {"d1": "diploma", "d2": "diploma", "d3": "diploma", "diploma": "diploma", "d4": "s1", "s1": "s1"}
EDUCATION |= {"s2": "s2", "s3": "s3"}
YES_NO = {"ya": True, "y": True, "1": True, "true": True, "tidak": False, "t": False, "0": False, "false": False}


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
    refused: str = ""  # why the database side refused a row that passed the checks

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
    kept = sidt.kept_columns(headers, mapping)
    checks, blank = _checks(), {}
    results, seen = [], {}
    for number, cells in rows:
        result = RowResult(number, cells)
        raw = {target: (cells[index] if index < len(cells) else "") for index, target in mapping.items()}
        for target, text in raw.items():
            if text.startswith("="):
                result.errors.append(f"{FIELDS[target][0]}: berisi rumus ({text[:30]}), bukan nilai.")
                raw[target] = ""
        result.values["national_record"] = {name: cells[index] for index, name in kept.items() if index < len(cells)}
        _check_row(result, raw, area, checks, blank)
        if result.ok:
            values = result.values
            key = values["national_id"] or values["nib"] or (values["nik"], normal(values["business_name"]))
            if key in seen:
                result.errors.append(f"Baris ganda: sama dengan baris {seen[key]}.")
            else:
                seen[key] = number
        results.append(result)
    return results


def _checks():
    """(target, check) for each value a row may hold; a check turns the cell's text into the value or raises
    ValidationError. Made once per sheet (the default year is last year's)."""
    last_year = datetime.date.today().year - 1
    return [
        ("owner_name", lambda text: text[:150] or _raise("wajib diisi.")),
        ("business_name", lambda text: text[:150] or _raise("wajib diisi.")),
        ("nik", lambda text: normalize_nik(text) if text else _raise("wajib diisi.")),
        ("sex", _sex),
        ("birth_date", _date),
        ("phone", lambda text: normalize_phone(text) if text else ""),
        ("education", lambda text: EDUCATION.get(header_name(text), "")),
        ("disability", _yes_no),
        ("national_id", lambda text: text if len(text) <= 40 else _raise("paling panjang 40 huruf.")),
        ("nib", lambda text: normalize_nib(text) if text else ""),
        ("category", _category),
        ("kbli", lambda text: text if not text or re.fullmatch(r"\d{5}", text) else _raise("harus 5 digit.")),
        ("start_year", lambda text: _year(text) if text else None),
        ("latitude", lambda text: _degrees(text, 90)),
        ("longitude", lambda text: _degrees(text, 180)),
        ("workers_male", _count),
        ("workers_female", _count),
        ("revenue", lambda text: parse_amount(text) if text else None),
        ("capital", lambda text: parse_amount(text) if text else None),
        ("assets", lambda text: parse_amount(text) if text else None),
        ("reported_size", _size),
        ("year", lambda text: _year(text) if text else last_year),
    ]


def _check_row(result, raw, area, checks, blank):
    """Check one row's `raw` texts with `checks`; `blank` keeps what an empty cell gives per target (the same
    on every row, and most of a sheet's targets are empty or not in it at all)."""
    values, errors = result.values, result.errors
    for target, check in checks:
        text = raw.get(target, "").strip()
        outcome = blank.get(target) if not text else None
        if outcome is None:
            try:
                outcome = (True, check(text))
            except ValidationError as error:
                outcome = (False, f"{FIELDS[target][0]}: {' '.join(error.messages)}")
            if not text:
                blank[target] = outcome
        if outcome[0]:
            values[target] = outcome[1]
        else:
            errors.append(outcome[1])
    for target, limit in (("address", 255), ("owner_address", 255), ("description", 2000), ("product", 200)):
        values[target] = raw.get(target, "").strip()[:limit]
    if (values["latitude"] is None) != (values["longitude"] is None):
        errors.append("Lintang dan bujur: isi keduanya, atau kosongkan keduanya.")
    _workforce(values, errors)
    try:
        kecamatan = area.find_kecamatan(raw.get("kecamatan", ""))
        values["desa"] = area.find_desa(kecamatan, raw.get("desa", ""))
    except ValidationError as error:
        errors.append(" ".join(error.messages))
    if values.get("nik") and not errors:
        born, female = nik_birth_date(values["nik"])
        values["sex"] = values.get("sex") or ("P" if female else "L")
        values["birth_date"] = values.get("birth_date") or born


def _workforce(values, errors):
    """A national extract gives the workforce in eight columns; their sums are the portal's two counts."""
    record = values["national_record"]
    for target, names in (("workers_male", sidt.WORKERS_MALE), ("workers_female", sidt.WORKERS_FEMALE)):
        if values[target] is not None:
            continue
        try:
            values[target] = sidt.workers(record, names)
        except ValueError as error:
            errors.append(f"Tenaga kerja ({error}): harus bilangan bulat.")


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
    if not text.isdigit() or not 1900 <= int(text) <= datetime.date.today().year:
        raise ValidationError("tahun tidak masuk akal.")
    return int(text)


def _yes_no(text):
    if not text:
        return None
    answer = YES_NO.get(text.strip().lower())
    return answer if answer is not None else _raise("isi ya atau tidak.")


def _degrees(text, limit):
    if not text:
        return None
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        value = None
    if value is None or not -limit <= value <= limit:
        raise ValidationError(f"harus angka antara -{limit} dan {limit}.")
    return value.quantize(Decimal("0.000001"))


def _count(text):
    if not text:
        return None
    text = text.replace(".", "")
    return int(text) if text.isdigit() else _raise("harus bilangan bulat.")


def _size(text):
    if not text:
        return ""
    size = normal(text)
    for value in SizeClass.values:
        if size.startswith(value) or size == f"usaha{value}":
            return value
    return _raise("isi Mikro, Kecil, Menengah atau Besar.")


#
# Writing
#


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0

    def count(self, outcome):
        setattr(self, outcome, getattr(self, outcome) + 1)


CHUNK_ROWS = 1000


def import_rows(results, *, by, filename, all_or_nothing, progress=None):
    """Write the checked rows. All or nothing: any failed row means nothing is written. Otherwise the
    valid rows are written and the failed ones counted. Re-importing the same rows changes nothing.

    Rows are written a chunk at a time with a few queries per chunk (bulk inserts and updates, with
    their history), so 100,000 rows take seconds, not hours. `progress(rows done)` is called after each
    chunk. In "valid rows" mode each chunk commits on its own; a crash keeps the chunks done, and
    running the import again finishes it (the upsert skips what is already there)."""
    failed = [result for result in results if not result.ok]
    summary = ImportSummary(failed=len(failed))
    if failed and all_or_nothing:
        return summary
    valid = [result for result in results if result.ok]
    writer = _Writer(by, filename)
    try:
        with transaction.atomic() if all_or_nothing else contextlib.nullcontext():
            for start in range(0, len(valid), CHUNK_ROWS):
                chunk = valid[start : start + CHUNK_ROWS]
                writer.write(chunk, summary, all_or_nothing)
                if progress:
                    progress(start + len(chunk))
    except _Abort:
        return ImportSummary(failed=summary.failed)
    return summary


class _Abort(Exception):
    """Rolls back an all-or-nothing import when a row fails while writing."""


class _RowRefused(Exception):
    """One row cannot be written (another area's record, a deleted one); the message says why."""


class _Writer:
    """Upserts chunks of checked rows: owners by NIK, businesses by national id, NIB, or owner and name."""

    OWNER_FIELDS = ["name", "sex", "birth_date", "phone", "education", "has_disability", "address"]
    BUSINESS_FIELDS = [
        "name", "desa", "category", "kbli_code", "nib", "national_id", "address", "description", "start_year",
        "latitude", "longitude", "workers_male", "workers_female", "national_record",
    ]  # fmt: skip
    FIGURE_FIELDS = ["revenue", "capital", "assets", "reported_size_class"]

    def __init__(self, by, filename):
        self.by, self.filename = by, filename
        self.kecamatan = set(Kecamatan.objects.visible_to(by).values_list("pk", flat=True))

    def write(self, chunk, summary, all_or_nothing):
        try:
            with transaction.atomic():
                outcomes = self._write(chunk)
        except IntegrityError:
            if len(chunk) == 1:  # a row the database refuses (another user just took its NIB, say)
                return self._refuse(chunk[0], summary, all_or_nothing, _COLLISION)
            for result in chunk:  # find the row: write them one by one
                self.write([result], summary, all_or_nothing)
            return
        for result, outcome in zip(chunk, outcomes, strict=True):
            if isinstance(outcome, _RowRefused):
                self._refuse(result, summary, all_or_nothing, str(outcome))
            else:
                summary.count(outcome)

    def _refuse(self, result, summary, all_or_nothing, message):
        result.errors.append(message)
        result.refused = message
        summary.failed += 1
        if all_or_nothing:
            raise _Abort

    def _write(self, chunk):
        rows = [result.values for result in chunk]
        owners = self._owners(rows)
        businesses = self._businesses(rows, owners)
        plan = _Plan()
        outcomes = []
        for result, values in zip(chunk, rows, strict=True):
            try:
                outcomes.append(self._row(values, result.number, owners, businesses, plan))
            except _RowRefused as refused:
                outcomes.append(refused)
        plan.save(self.by)
        return outcomes

    def _owners(self, rows):
        found = {owner.nik: owner for owner in Owner.all_objects.filter(nik__in={row["nik"] for row in rows})}
        self.visible_owners = set(
            Owner.objects.visible_to(self.by).filter(pk__in=[o.pk for o in found.values()]).values_list("pk", flat=True)
        )
        return found

    def _businesses(self, rows, owners):
        national_ids = {row["national_id"] for row in rows} - {""}
        nibs = {row["nib"] for row in rows} - {""}
        ids = set()  # one index-served query per key (an OR of the three would scan the table)
        lookups = [  # the blank-excluding filters let PostgreSQL use the partial unique indexes
            (Business.all_objects.exclude(national_id=""), "national_id__in", national_ids),
            (Business.all_objects.exclude(nib=""), "nib__in", nibs),
            (Business.all_objects.all(), "owner__in", owners.values()),
        ]
        for rows_with, lookup, keys in lookups:
            if keys:
                ids.update(rows_with.filter(**{lookup: list(keys)}).values_list("pk", flat=True))
        found = Business.all_objects.filter(pk__in=ids).select_related("desa")
        if any(row["product"] for row in rows):
            found = found.prefetch_related("products")
        found = list(found) if ids else []
        self.visible_businesses = set(
            Business.objects.visible_to(self.by).filter(pk__in=[b.pk for b in found]).values_list("pk", flat=True)
        )
        self.figures = {
            (figure.business_id, figure.year): figure
            for figure in YearlyFigure.objects.filter(business__in=[b.pk for b in found])
        }
        index = {}
        for business in found:
            if business.national_id:
                index[("national", business.national_id)] = business
            if business.nib:
                index[("nib", business.nib)] = business
            index[("name", business.owner_id, business.name.lower())] = business
        return index

    def _row(self, values, number, owners, businesses, plan):
        source = Source.NATIONAL if values["national_id"] else Source.IMPORT
        provenance = {"source": source, "source_ref": f"{self.filename} baris {number}"[:200]}
        if values["desa"].kecamatan_id not in self.kecamatan:
            raise _RowRefused("Kecamatan ini di luar wilayah kerja Anda.")
        owner_fields = {
            "name": values["owner_name"],
            "sex": values["sex"],
            "birth_date": values["birth_date"],
            "phone": values["phone"],
            "education": values["education"],
            "has_disability": values["disability"],
            "address": values["owner_address"],
        }
        business_fields = {
            "name": values["business_name"],
            "desa": values["desa"],
            "category": values["category"],
            "kbli_code": values["kbli"],
            "nib": values["nib"],
            "national_id": values["national_id"],
            "address": values["address"],
            "description": values["description"],
            "start_year": values["start_year"],
            "latitude": values["latitude"],
            "longitude": values["longitude"],
            "workers_male": values["workers_male"],
            "workers_female": values["workers_female"],
            "national_record": values["national_record"],
        }
        owner = owners.get(values["nik"])
        if owner is not None and owner.pk is not None:
            if owner.is_deleted:
                raise _RowRefused("Pemilik dengan NIK ini sudah dihapus; minta admin memulihkannya.")
            if owner.pk not in self.visible_owners:
                raise _RowRefused("Pemilik dengan NIK ini terdaftar di wilayah lain.")
        new_owner = owner is None
        if new_owner:
            owner = new(Owner, nik=values["nik"], created_by=self.by, **provenance, **_filled(owner_fields))
        business = self._find(values, owner, businesses)
        if business is not None and business.pk is not None:
            if business.is_deleted:
                raise _RowRefused("Usaha ini sudah dihapus; minta admin memulihkannya.")
            if business.pk not in self.visible_businesses:
                raise _RowRefused("NIB ini milik usaha di luar wilayah kerja Anda.")

        # Nothing refuses the row past this point: put what it writes into the chunk's plan.
        outcome = "unchanged"
        if new_owner:
            owners[owner.nik] = owner
            plan.new_owners.append(owner)
            outcome = "created"
        elif owner.pk is not None and _change(owner, _filled(owner_fields)):
            plan.changed_owners[owner.pk] = owner
            outcome = "updated"
        if business is None:
            business = new(Business, owner=owner, registered_by=self.by, **provenance, **_filled(business_fields))
            business.kecamatan_id = business.desa.kecamatan_id
            business.product_names = set()
            for key in [*_keys(values, owner), _name_key(values, owner)]:
                businesses[key] = business
            plan.new_businesses.append(business)
            outcome = "created"
        elif business.pk is not None and _change(business, _filled(business_fields)):
            business.kecamatan_id = business.desa.kecamatan_id
            plan.changed_businesses[business.pk] = business
            outcome = "updated" if outcome == "unchanged" else outcome

        if values["product"] and values["product"].lower() not in _product_names(business):
            business.product_names.add(values["product"].lower())
            plan.new_products.append(
                new(Product, business=business, name=values["product"], category=business.category, **provenance)
            )
            outcome = "updated" if outcome == "unchanged" else outcome

        numbers = {
            "revenue": values["revenue"],
            "capital": values["capital"],
            "assets": values["assets"],
            "reported_size_class": values["reported_size"],
        }
        if any(value not in (None, "") for value in numbers.values()):
            figure = self.figures.get((business.pk, values["year"])) if business.pk else None
            if figure is None:
                figure = new(YearlyFigure, business=business, year=values["year"], **provenance, **_filled(numbers))
                figure.reported_source = "SIDT" if values["reported_size"] and values["national_id"] else "impor"
                plan.new_figures.append(figure)
                if business.pk:
                    self.figures[(business.pk, values["year"])] = figure
                outcome = "updated" if outcome == "unchanged" else outcome
            elif figure.pk and _change(figure, _filled(numbers)):
                plan.changed_figures[figure.pk] = figure
                outcome = "updated" if outcome == "unchanged" else outcome
        return outcome

    @staticmethod
    def _find(values, owner, businesses):
        for key in _keys(values, owner):
            if key in businesses:
                return businesses[key]
        return None


def _keys(values, owner):
    """How a row finds its business: the national id, else the NIB, else the owner and the business name."""
    keys = [("national", values["national_id"]), ("nib", values["nib"])]
    keys = [key for key in keys if key[1]]
    return keys or [_name_key(values, owner)]


def _name_key(values, owner):
    return ("name", owner.pk or owner.nik, values["business_name"].lower())


def _product_names(business):
    if not hasattr(business, "product_names"):
        business.product_names = {product.name.lower() for product in business.products.all()}
    return business.product_names


def _filled(fields):
    """Only what the sheet says: a blank cell never erases what the registry already holds."""
    return {key: value for key, value in fields.items() if value not in ("", None, {})}


def _change(record, fields):
    """Set the fields that differ; return whether anything did."""
    differing = {key: value for key, value in fields.items() if getattr(record, key) != value}
    for key, value in differing.items():
        setattr(record, key, value)
    return bool(differing)


_COLLISION = "Bertabrakan dengan data yang sudah ada (misalnya NIB milik usaha lain)."


@dataclass
class _Plan:
    """What one chunk writes, in bulk, with the history of every row."""

    new_owners: list = field(default_factory=list)
    changed_owners: dict = field(default_factory=dict)
    new_businesses: list = field(default_factory=list)
    changed_businesses: dict = field(default_factory=dict)
    new_products: list = field(default_factory=list)
    new_figures: list = field(default_factory=list)
    changed_figures: dict = field(default_factory=dict)

    def save(self, by):
        now = timezone.now()
        newest = {}
        for figure in self.new_figures:
            figure.classify()
            if figure.business.pk is None and figure.year >= newest.get(id(figure.business), (0, ""))[0]:
                newest[id(figure.business)] = (figure.year, figure.size_class)
        for business in self.new_businesses:  # a new business's class is its newest new figure's
            business.size_class = newest.get(id(business), (0, ""))[1]
        insert(Owner, self.new_owners, history_user=by)
        insert(Business, self.new_businesses, history_user=by)
        insert(Product, self.new_products, history_user=by)
        insert(YearlyFigure, self.new_figures, history_user=by)
        self._update(self.changed_owners, Owner, _Writer.OWNER_FIELDS, by, now, versioned=True)
        self._update(self.changed_businesses, Business, [*_Writer.BUSINESS_FIELDS, "kecamatan"], by, now, True)
        for figure in self.changed_figures.values():
            figure.classify()
        fields = [*_Writer.FIGURE_FIELDS, *YearlyFigure.CLASSIFIED_FIELDS]
        self._update(self.changed_figures, YearlyFigure, fields, by, now, versioned=False)
        new = {id(business) for business in self.new_businesses}  # classed above, before their insert
        figures = [*self.new_figures, *self.changed_figures.values()]
        sized = {figure.business_id for figure in figures if id(figure.business) not in new}
        if sized:
            YearlyFigure.update_business_size(sized)

    @staticmethod
    def _update(records, model, fields, by, now, versioned):
        if not records:
            return
        for record in records.values():
            record.updated_at = now
            if versioned:
                record.version += 1  # an edit form open on this record now sees it moved on
        fields = [*fields, "updated_at", *(["version"] if versioned else [])]
        bulk_update_with_history(list(records.values()), model, fields, default_user=by)


def failed_rows_csv(headers, results):
    """The rows that failed, as they were, with a last column saying why: to fix and upload again."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*headers, "Alasan"])
    for result in results:
        if not result.ok:
            writer.writerow([*result.cells, " ".join(result.errors)])
    return out.getvalue()
