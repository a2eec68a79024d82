"""Bringing in the files a dinas already keeps: the national SIDT extract and the kecamatan sheets typed
in Excel. Read a sheet (registry.sheets), map its columns, check every row, then write the valid rows
(or nothing), as an idempotent upsert.

Every value in a mapped column is stored, or its row says why not: a required value that is missing or
wrong refuses the row (an error); an optional value that is damaged or unknown is left unknown and the
row says so (a warning), so one bad cell never costs a whole record. Messages are Indonesian and say
what was typed and what is needed.

Identity follows the national systems: an owner (pelaku usaha) is one NIK and holds one NIB from OSS,
under which they may run several businesses. A row finds its business by the national record id, else
the NIB and the business name, else the owner's NIK and the business name. When one owner appears on
several rows with different details, the row with the newest `updated_at` wins, else the first row;
a blank cell never erases a value. Importing the same file twice writes nothing the second time.
"""

import contextlib
import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_update_with_history

from registry import sidt, vocabulary
from registry.bulk import insert, new
from registry.exports import neutralise
from registry.identifiers import nik_birth_date
from registry.models import (
    Business,
    Category,
    Kecamatan,
    Owner,
    Product,
    Source,
    YearlyFigure,
    follow_desa,
    hold_nibs,
    lost_to_a_deadlock,
    move_version,
)
from registry.places import Places, normal
from registry.sheets import header_words
from registry.sheets import read_sheet as _read_sheet
from registry.validators import (
    EXCEL_NIK_MESSAGE,
    mask_nik,
    mask_phone,
    normalize_nib,
    normalize_nik,
    parse_amount,
    parse_coordinate,
    parse_count,
    parse_year,
    split_phones,
)

# target field -> (label, header names people use for it, as header_words() writes them). The snake_case
# names of the national SIDT extract (nik_pengusaha, nama_pengusaha, kontak_hp, kab_usaha, ...) are
# among them, so such a file maps itself.
FIELDS = {
    "owner_name": (
        _("Nama pemilik"),
        ["nama pemilik", "pemilik", "nama pengusaha", "nama pelaku usaha", "nama pemilik usaha"],
    ),
    "nik": (_("NIK"), ["nik", "nik pemilik", "nik pengusaha", "no nik", "nomor nik", "nik ktp", "no ktp", "nomor ktp"]),
    "sex": (_("Jenis kelamin"), ["jenis kelamin", "jk", "l p", "gender", "kelamin", "jenis kelamin l p"]),
    "birth_date": (_("Tanggal lahir"), ["tanggal lahir", "tgl lahir", "tgl lhr", "tanggal lahir pemilik"]),
    "phone": (
        _("Nomor HP"),
        [
            "no hp",
            "nomor hp",
            "hp",
            "telepon",
            "no telp",
            "no wa",
            "whatsapp",
            "kontak hp",
            "no hp wa",
            "nomor hp wa",
            "hp wa",
            "wa",
            "no telp hp",
            "telp",
            "no telepon",
            "kontak",
        ],
    ),
    "education": (_("Pendidikan"), ["pendidikan", "pendidikan formal", "pendidikan terakhir"]),
    "disability": (_("Disabilitas"), ["disabilitas", "is disabilitas", "penyandang disabilitas"]),
    "owner_address": (_("Alamat pemilik"), ["alamat pemilik", "alamat pengusaha", "alamat rumah", "alamat ktp"]),
    "business_name": (_("Nama usaha"), ["nama usaha", "usaha", "nama umkm", "umkm", "nama ukm", "nama perusahaan"]),
    "national_id": (_("ID SIDT"), ["id data badan usaha", "id sidt", "id badan usaha"]),
    "category": (
        _("Kategori"),
        ["kategori", "jenis usaha", "sektor", "sektor usaha", "bidang usaha", "kategori usaha"],
    ),
    "legal_form": (_("Bentuk usaha"), ["bentuk usaha", "status badan usaha", "badan usaha", "bentuk badan usaha"]),
    "description": (_("Kegiatan utama"), ["kegiatan utama", "deskripsi usaha", "deskripsi", "keterangan usaha"]),
    "product": (_("Produk utama"), ["produk utama", "produk", "nama produk", "jenis produk"]),
    "province": (_("Provinsi"), ["provinsi", "prov", "propinsi", "prov usaha", "provinsi usaha"]),
    "kabupaten": (
        _("Kabupaten/kota"),
        ["kabupaten", "kab", "kab kota", "kabupaten kota", "kab usaha", "kabupaten usaha"],
    ),
    "kecamatan": (_("Kecamatan"), ["kecamatan", "kec", "kec usaha", "kecamatan usaha"]),
    "desa": (
        _("Desa/kelurahan"),
        [
            "desa",
            "kelurahan",
            "desa kelurahan",
            "desa kel",
            "kel desa",
            "kel usaha",
            "kelurahan desa",
            "desa usaha",
        ],
    ),
    "address": (_("Alamat usaha"), ["alamat", "alamat usaha", "alamat tempat usaha", "lokasi usaha"]),
    "latitude": (_("Lintang"), ["lintang", "latitude", "alamat latitude", "lat"]),
    "longitude": (_("Bujur"), ["bujur", "longitude", "alamat longitude", "long", "lng"]),
    "nib": (_("NIB"), ["nib", "nomor induk berusaha", "no nib"]),
    "kbli_section": (_("Kategori KBLI"), ["kategori kbli"]),
    "kbli": (_("KBLI"), ["kbli", "kode kbli"]),
    "start_year": (
        _("Tahun mulai"),
        ["tahun mulai", "tahun mulai operasi", "tahun berdiri", "tahun mulai usaha", "mulai usaha"],
    ),
    "workers_male": (
        _("Tenaga kerja laki-laki"),
        ["tenaga kerja laki laki", "tk laki laki", "karyawan laki laki", "tk l"],
    ),
    "workers_female": (
        _("Tenaga kerja perempuan"),
        ["tenaga kerja perempuan", "tk perempuan", "karyawan perempuan", "tk p"],
    ),
    "workers": (
        _("Tenaga kerja (jumlah)"),
        [
            "tk",
            "tenaga kerja",
            "jumlah tenaga kerja",
            "jml tk",
            "jumlah tk",
            "karyawan",
            "jumlah karyawan",
            "pekerja",
            "jumlah pekerja",
            "tenaga kerja orang",
        ],
    ),
    "revenue": (
        _("Omzet setahun"),
        [
            "omzet",
            "omset",
            "omzet tahunan",
            "omzet per tahun",
            "omset per tahun",
            "omzet tahun",
            "omset tahun",
            "omzet pertahun",
            "omset pertahun",
            "omzet setahun",
            "omset setahun",
            "omzet rp",
            "omset rp",
            "omzet tahun rp",
            "omzet per tahun rp",
            "penjualan per tahun",
        ],
    ),
    "capital": (_("Modal"), ["modal", "modal usaha", "modal pendirian", "modal rp", "modal usaha rp"]),
    "assets": (_("Aset"), ["aset", "asset", "aset rp", "asset rp", "nilai aset"]),
    "reported_size": (_("Skala dilaporkan"), ["skala", "skala usaha"]),
    "year": (_("Tahun data"), ["tahun", "tahun data"]),
}
REQUIRED = ["owner_name", "nik", "business_name", "kecamatan", "desa"]
# Every header name the mapping knows, and the SIDT's own: how the header row is found under title rows.
KNOWN_HEADERS = frozenset(
    [name for _, names in FIELDS.values() for name in names] + [header_words(c) for c in sidt.COLUMNS]
)
OWNER_VALUES = ["owner_name", "sex", "birth_date", "phone", "education", "disability", "owner_address"]
TEXT_LIMITS = {"owner_name": 150, "business_name": 200, "address": 255, "owner_address": 255, "product": 200}
TEXT_LIMITS |= {"description": 2000}


def header_name(text):
    return header_words(text)


# Rows one import may hold: a worker keeps every checked row in memory (about 10 KB a row of the national
# extract; 100,000 rows peak near 1 GB, docs/performance.md). Reading stops past it.
MAX_IMPORT_ROWS = 150_000


def read_sheet(content, filename, *, sheet=""):
    """The Sheet of an uploaded file (registry.sheets), its header row found among title rows; a sheet of more
    than MAX_IMPORT_ROWS rows is refused with an Indonesian message."""
    return _read_sheet(content, filename, sheet=sheet, known_headers=KNOWN_HEADERS, max_rows=MAX_IMPORT_ROWS)


def guess_mapping(headers, remembered=None):
    """{column index: field} from remembered header names first, then from the usual names."""
    remembered = remembered or {}
    mapping = {}
    for index, header in enumerate(headers):
        name = header_words(header)
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
    warnings: list = field(default_factory=list)
    refused: str = ""  # why the database side refused a row that passed the checks
    duplicate_of: int | None = None  # the line this row repeats
    outcome: str = ""  # after writing: created, updated or unchanged

    @property
    def ok(self):
        return not self.errors

    @property
    def status(self):
        """ok, error, duplicate or unchanged: what `import_sheet --json` reports for the row."""
        if self.duplicate_of is not None:
            return "duplicate"
        if self.errors:
            return "error"
        return "unchanged" if self.outcome == "unchanged" else "ok"


class _Unknown(Exception):
    """An optional value that is damaged or unknown: the row is kept, the value left unknown, with a warning."""


def require_columns(mapping):
    """Raise ValidationError naming the required fields the mapping leaves out."""
    missing = [FIELDS[name][0] for name in REQUIRED if name not in mapping.values()]
    if missing:
        raise ValidationError(
            _("Kolom wajib belum dipetakan: %(names)s.") % {"names": ", ".join(str(name) for name in missing)}
        )


CHECK_PROGRESS_ROWS = 2000


def check_rows(headers, rows, mapping, user, *, year=None, progress=None):
    """Check every row against the registry's rules; return [RowResult] with Indonesian errors (the row is
    refused) and warnings (a value is left unknown) per row. `year` is the year of the figures when the
    file has no year column (default: last year). `progress(rows checked)` is called every 2,000 rows."""
    require_columns(mapping)
    places = Places(user)
    kept = sidt.kept_columns(headers, mapping)
    checks = _checks(year or datetime.date.today().year - 1)
    results = []
    for done, (number, cells) in enumerate(rows):
        if progress and done and done % CHECK_PROGRESS_ROWS == 0:
            progress(done)
        result = RowResult(number, cells)
        raw = {target: (cells[index] if index < len(cells) else "").strip() for index, target in mapping.items()}
        if not any(raw.get(name) for name in ("nik", "owner_name", "business_name")):
            continue  # a total, a signature or a note under the table: no record here
        result.values["national_record"] = {name: cells[index] for index, name in kept.items() if index < len(cells)}
        _check_row(result, raw, places, checks)
        results.append(result)
    _excel_damaged_niks(results)
    _one_owner_per_nib(results)
    _repeated_rows(results)
    _owner_conflicts(results)
    return results


def _checks(default_year):
    """(target, check) for each value a row may hold. A check turns the cell's text into the value, or
    raises ValidationError (the row is refused) or _Unknown (the value is left unknown with a warning)."""
    return [
        ("owner_name", lambda text: text or _raise("wajib diisi.")),
        ("business_name", lambda text: text or _raise("wajib diisi.")),
        ("nik", lambda text: normalize_nik(text) if text else _raise("wajib diisi.")),
        ("sex", lambda text: _known(vocabulary.sex, text, "isi L atau P; diambil dari NIK.")),
        ("birth_date", _date),
        ("education", lambda text: _known(vocabulary.education, text, "tidak dikenali; dikosongkan.")),
        ("disability", lambda text: _known(vocabulary.disability, text, "isi ya atau tidak; dikosongkan.")),
        ("national_id", lambda text: text if len(text) <= 40 else _raise("paling panjang 40 huruf.")),
        ("nib", _nib),
        ("legal_form", lambda text: _known(vocabulary.legal_form, text, "tidak dikenali; dikosongkan.")),
        ("start_year", _start_year),
        ("workers_male", _count),
        ("workers_female", _count),
        ("workers", _count),
        ("revenue", _amount),
        ("capital", _amount),
        ("assets", _amount),
        ("reported_size", lambda text: _known(vocabulary.size_class, text, "isi Mikro, Kecil, Menengah atau Besar.")),
        ("year", lambda text: parse_year(text) if text else default_year),
    ]


def _check_row(result, raw, places, checks):
    values, errors, warnings = result.values, result.errors, result.warnings
    for target, text in raw.items():
        if text.startswith("="):
            errors.append(f"{FIELDS[target][0]}: berisi rumus ({text[:30]}), bukan nilai.")
            raw[target] = ""
    for target, check in checks:
        text = raw.get(target, "")
        try:
            values[target] = check(text)
        except ValidationError as error:
            values[target] = None
            errors.append(f"{FIELDS[target][0]}: {' '.join(error.messages)}")
        except _Unknown as unknown:
            values[target] = None
            warnings.append(f"{FIELDS[target][0]} {_quoted(text)}: {unknown}")
    for target in ("sex", "education", "legal_form", "reported_size", "nib"):
        values[target] = values[target] or ""
    _texts(values, raw, warnings)
    _phone(values, raw.get("phone", ""), warnings)
    _coordinates(values, raw, warnings)
    _kbli_and_category(values, raw, warnings)
    _workforce(values, warnings)
    try:
        values["desa"] = places.find(
            province=raw.get("province", ""),
            kabupaten=raw.get("kabupaten", ""),
            kecamatan=raw.get("kecamatan", ""),
            desa=raw.get("desa", ""),
        )
    except ValidationError as error:
        values["desa"] = None
        errors.append(" ".join(error.messages))
    if values["nik"]:
        born, female = nik_birth_date(values["nik"]) or (None, None)
        if values["sex"] and born and (values["sex"] == "P") != female:
            warnings.append("Jenis kelamin berbeda dengan NIK; disimpan seperti yang diisi.")
        values["sex"] = values["sex"] or ("P" if female else "L")
        values["birth_date"] = values["birth_date"] or born


def _quoted(text):
    return repr(text[:40])


def _raise(message):
    raise ValidationError(message)


def _known(parse, text, message):
    """A vocabulary's value for `text`; a word it does not know is left unknown, with `message`."""
    try:
        return parse(text)
    except ValueError:
        raise _Unknown(message) from None


MONTHS = ["januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september", "oktober"]
MONTHS += ["november", "desember"]
NOTHING_YET = {"belum ada", "belum punya", "tidak ada", "tidak punya", "belum", "proses", "dalam proses"}


def _date(text):
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d"):
        try:
            return datetime.datetime.strptime(text[:10], pattern).date()
        except ValueError:
            continue
    # "17 April 1966", "17 Agustus 1966": a date typed as words
    match = re.fullmatch(r"(\d{1,2})\s+([a-zA-Z]+)\s+(\d{4})", text.strip())
    month = match.group(2).lower()[:3] if match else ""
    numbers = [index for index, name in enumerate(MONTHS, start=1) if name.startswith(month)] if month else []
    if match and len(numbers) == 1:
        with contextlib.suppress(ValueError):
            return datetime.date(int(match.group(3)), numbers[0], int(match.group(1)))
    raise _Unknown("tanggal tidak dikenali (tulis seperti 17-05-1984); diambil dari NIK.")


def _nib(text):
    if not text or header_words(text) in NOTHING_YET:
        return ""  # "belum ada": no NIB yet, said in words
    try:
        return normalize_nib(text)
    except ValidationError as error:
        raise _Unknown(f"{' '.join(error.messages)} NIB tidak disimpan.") from None


def _start_year(text):
    if not text or text.strip("0") == "":
        return None  # "0" is how an extract writes an unknown year
    try:
        return parse_year(text)
    except ValidationError as error:
        raise _Unknown(f"{' '.join(error.messages)} Dikosongkan.") from None


def _count(text):
    if not text or text in ("-", "\u2013"):
        return None
    try:
        return parse_count(text)
    except ValidationError as error:
        raise _Unknown(f"{' '.join(error.messages)} Dikosongkan.") from None


def _amount(text):
    return parse_amount(text) if text and text not in ("-", "\u2013") else None


def _texts(values, raw, warnings):
    """Names, addresses and descriptions as typed; one longer than its column is cut, and the row says so."""
    for target, limit in TEXT_LIMITS.items():
        text = " ".join(raw.get(target, "").split()) if target != "description" else raw.get(target, "").strip()
        if len(text) > limit:
            warnings.append(f"{FIELDS[target][0]} lebih dari {limit} huruf; dipotong.")
            text = text[:limit]
        if target in values and values[target] is None:
            continue  # a required name that failed its check keeps its error
        values[target] = text


def _phone(values, text, warnings):
    values["phone"] = ""
    if not text:
        return
    numbers, rest = split_phones(text)
    if numbers:
        values["phone"] = numbers[0]
    if len(numbers) > 1:
        others = ", ".join(mask_phone(n) for n in numbers[1:])
        warnings.append(f"Nomor HP: berisi {len(numbers)} nomor; disimpan yang pertama, tidak disimpan: {others}.")
    if rest and not numbers:
        warnings.append(f"Nomor HP {_quoted(text)}: tidak dikenali (contoh 0812-3456-7890); dikosongkan.")
    elif rest:
        warnings.append(f"Nomor HP: bagian {_quoted(' '.join(rest))} bukan nomor; diabaikan.")


def _coordinates(values, raw, warnings):
    for target, axis in (("latitude", "lat"), ("longitude", "lon")):
        text = raw.get(target, "")
        values[target] = None
        if not text:
            continue
        try:
            values[target] = parse_coordinate(text, axis=axis)
        except ValidationError as error:
            warnings.append(f"{FIELDS[target][0]} {_quoted(text)}: {' '.join(error.messages)} Dikosongkan.")
    if (values["latitude"] is None) != (values["longitude"] is None):
        if raw.get("latitude") and raw.get("longitude"):
            pass  # the damaged one already has its warning
        else:
            warnings.append("Lintang dan bujur: hanya satu yang diisi; keduanya dikosongkan.")
        values["latitude"] = values["longitude"] = None


def _kbli_and_category(values, raw, warnings):
    """The KBLI code (a 4-digit one that lost its leading zero is restored when the KBLI category says so),
    and the category: the category column's words, else the KBLI, else the words of the name and
    activity. A derived category is `category_guess`: it fills a new business, never overwrites one."""
    section = vocabulary.section_letter(raw.get("kbli_section", ""))
    code, warning = vocabulary.kbli_code(raw.get("kbli", ""), section)
    values["kbli"] = code
    if warning:
        warnings.append(warning)
    values["category"] = ""
    text = raw.get("category", "")
    if text:
        try:
            values["category"] = vocabulary.category_from_words(text)
        except ValueError:
            warnings.append(f"Kategori {_quoted(text)}: tidak dikenali; ditentukan dari KBLI atau nama usaha.")
    guess = ""
    if code:
        with contextlib.suppress(ValueError):
            guess = vocabulary.category_from_kbli(code)
    for target in ("business_name", "description", "product"):
        if not guess and values.get(target):
            with contextlib.suppress(ValueError):
                guess = vocabulary.category_from_words(values[target])
    values["category_guess"] = values["category"] or guess or Category.LAINNYA


def _workforce(values, warnings):
    """A national extract gives the workforce in eight columns; their sums are the portal's two counts."""
    record = values["national_record"]
    for target, names in (("workers_male", sidt.WORKERS_MALE), ("workers_female", sidt.WORKERS_FEMALE)):
        if values[target] is not None:
            continue
        try:
            values[target] = sidt.workers(record, names)
        except ValueError as error:
            warnings.append(f"Tenaga kerja ({error}): bukan bilangan bulat; dikosongkan.")
    if values["workers"] is None and values["workers_male"] is not None and values["workers_female"] is not None:
        values["workers"] = values["workers_male"] + values["workers_female"]


#
# Checks across rows
#


def _excel_damaged_niks(results):
    """A column whose NIKs nearly all end in 0 went through Excel as a number: 15 significant digits, the
    16th turned into 0. A real NIK ends in 0 one time in ten."""
    niks = [result for result in results if result.values.get("nik")]
    zeros = [result for result in niks if result.values["nik"].endswith("0")]
    if len(niks) >= 5 and len(zeros) >= 0.9 * len(niks):
        for result in zeros:
            result.errors.append(f"NIK: {EXCEL_NIK_MESSAGE}")


def _one_owner_per_nib(results):
    """OSS gives one NIB to one business actor: a NIB on rows of two NIKs, in the file or against the
    registry, is refused on the rows whose NIK does not hold it."""
    holders = {}
    for result in results:
        nib, nik = result.values.get("nib"), result.values.get("nik")
        if result.ok and nib:
            holders.setdefault(nib, (nik, result.number))
    registered = (
        dict(
            Business.all_objects.exclude(nib="")
            .filter(nib__in=list(holders))
            .values_list("nib", "owner__nik")
            .distinct()
        )
        if holders
        else {}
    )
    for result in results:
        nib, nik = result.values.get("nib"), result.values.get("nik")
        if not (result.ok and nib):
            continue
        if nib in registered and registered[nib] != nik:
            result.errors.append(
                f"NIB {nib} sudah terdaftar untuk pelaku usaha lain (NIK {mask_nik(registered[nib])})."
            )
        elif holders[nib][0] != nik:
            result.errors.append(
                f"NIB {nib} dipakai juga di baris {holders[nib][1]} dengan NIK lain. Satu NIB untuk satu pelaku usaha."
            )


def business_key(values):
    """The key a row's business is known by within one file: the national id, else the NIB and the business
    name, else the NIK and the business name."""
    name = normal(values["business_name"])
    if values.get("national_id"):
        return ("national", values["national_id"])
    if values.get("nib"):
        return ("nib", values["nib"], name)
    return ("name", values["nik"], name)


def _repeated_rows(results):
    """A row repeating an earlier row's business: the same values are skipped, different ones refused."""
    seen = {}
    for result in results:
        if not result.ok:
            continue
        key = business_key(result.values)
        if key not in seen:
            seen[key] = result
            continue
        first = seen[key]
        result.duplicate_of = first.number
        if result.values == first.values:
            result.warnings.append(f"Sama dengan baris {first.number}; dilewati.")
        else:
            result.errors.append(f"Baris ganda: usaha yang sama dengan baris {first.number}, isinya berbeda.")


def _owner_conflicts(results):
    """One owner on several rows: each detail is taken from the newest row that fills it (by the extract's
    `updated_at`, else the first row), so every row writes the same owner and a second import writes
    nothing. Rows whose details lost say so."""
    by_nik = {}
    for result in results:
        if result.ok and result.duplicate_of is None:
            by_nik.setdefault(result.values["nik"], []).append(result)
    for nik, group in by_nik.items():
        if len(group) < 2:
            continue
        ranked = sorted(group, key=_recency, reverse=True)
        chosen = {}
        for target in OWNER_VALUES:
            filled = [r for r in ranked if r.values.get(target) not in ("", None)]
            chosen[target] = filled[0].values[target] if filled else group[0].values.get(target)
        winner = ranked[0]
        rule = "updated_at terbaru" if _recency(winner)[0] else "baris pertama"
        for result in group:
            differing = [
                FIELDS[t][0].lower()
                for t in OWNER_VALUES
                if result.values.get(t) not in ("", None) and result.values.get(t) != chosen[t]
            ]
            if differing:
                result.warnings.append(
                    f"Data pemilik NIK {mask_nik(nik)} berbeda antar baris ({', '.join(differing)}); "
                    f"dipakai baris {winner.number} ({rule})."
                )
            result.values.update(chosen)


def _recency(result):
    """(updated_at, -line): newest first, then the earliest line."""
    text = str(result.values["national_record"].get("updated_at", "")).strip()
    moment = None
    with contextlib.suppress(ValueError, TypeError):
        moment = parse_datetime(text.replace(" ", "T", 1)) if text else None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    stamp = moment.timestamp() if moment else 0
    return (stamp, -result.number)


#
# Writing
#


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0  # rows repeating an earlier row exactly

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
    repeated = [result for result in results if result.ok and result.duplicate_of is not None]
    summary = ImportSummary(failed=len(failed), skipped=len(repeated))
    if failed and all_or_nothing:
        return summary
    valid = [result for result in results if result.ok and result.duplicate_of is None]
    writer = _Writer(by, filename)
    try:
        with transaction.atomic() if all_or_nothing else contextlib.nullcontext():
            for start in range(0, len(valid), CHUNK_ROWS):
                chunk = valid[start : start + CHUNK_ROWS]
                writer.write(chunk, summary, all_or_nothing)
                if progress:
                    progress(start + len(chunk))
    except _Abort:
        for result in valid:
            result.outcome = ""
        return ImportSummary(failed=summary.failed, skipped=summary.skipped)
    return summary


class _Abort(Exception):
    """Rolls back an all-or-nothing import when a row fails while writing."""


class _RowRefused(Exception):
    """One row cannot be written (another area's record, a deleted one); the message says why."""


class _Writer:
    """Upserts chunks of checked rows: owners by NIK; businesses by national id, else NIB and name, else
    owner and name."""

    OWNER_FIELDS = ["name", "sex", "birth_date", "phone", "education", "has_disability", "address"]
    BUSINESS_FIELDS = [
        "name", "desa", "category", "kbli_code", "nib", "national_id", "address", "description", "start_year",
        "latitude", "longitude", "workers_male", "workers_female", "national_record", "legal_form",
    ]  # fmt: skip
    FIGURE_FIELDS = ["revenue", "capital", "assets", "workers", "reported_size_class"]

    def __init__(self, by, filename):
        self.by, self.filename = by, filename
        self.kecamatan = set(Kecamatan.objects.visible_to(by).values_list("pk", flat=True))

    def write(self, chunk, summary, all_or_nothing):
        # A chunk that is a transaction of its own ("valid rows" mode) holds its NIBs first, as a registration
        # does (hold_nibs), so the two never deadlock in the one-NIB-one-owner check. Inside a longer
        # transaction (all or nothing) it does not: the locks would last to the end and a large file would
        # fill PostgreSQL's lock table; there, a deadlock is taken as a collision, as a refused row is.
        own_transaction = not transaction.get_connection().in_atomic_block
        try:
            with transaction.atomic():
                if own_transaction:
                    hold_nibs([result.values.get("nib") for result in chunk])
                outcomes = self._write(chunk)
        except (IntegrityError, OperationalError) as error:
            if isinstance(error, OperationalError) and not lost_to_a_deadlock(error):
                raise
            if len(chunk) == 1:  # a row the database refuses (another user just took its NIB, say)
                return self._refuse(chunk[0], summary, all_or_nothing, _COLLISION)
            for result in chunk:  # find the row: write them one by one
                self.write([result], summary, all_or_nothing)
            return
        for result, outcome in zip(chunk, outcomes, strict=True):
            if isinstance(outcome, _RowRefused):
                self._refuse(result, summary, all_or_nothing, str(outcome))
            else:
                result.outcome = outcome
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
                index.setdefault(("nib", business.nib, normal(business.name)), business)
            index.setdefault(("name", business.owner_id, normal(business.name)), business)
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
            "category": values["category"],  # only a category the file states changes a business
            "legal_form": values["legal_form"],
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
                raise _RowRefused("Usaha dengan ID SIDT atau NIB ini terdaftar di luar wilayah kerja Anda.")

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
            business_fields["category"] = values["category_guess"]
            business = new(Business, owner=owner, registered_by=self.by, **provenance, **_filled(business_fields))
            follow_desa(business)
            business.product_names = set()
            for key in _keys(values, owner):
                businesses.setdefault(key, business)
            plan.new_businesses.append(business)
            outcome = "created"
        elif business.pk is not None and _change(business, _filled(business_fields)):
            follow_desa(business)
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
            "workers": values["workers"],
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
            business = businesses.get(key)
            # A business that carries another national record id is another national record.
            if business is not None and not (
                values["national_id"] and business.national_id not in ("", values["national_id"])
            ):
                return business
        return None


def _keys(values, owner):
    """How a row finds its business, in order: the national record id, the NIB and the business name, the
    owner and the business name."""
    name = normal(values["business_name"])
    keys = [("national", values["national_id"])] if values["national_id"] else []
    if values["nib"]:
        keys.append(("nib", values["nib"], name))
    keys.append(("name", owner.pk or owner.nik, name))
    return keys


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


_COLLISION = "Bertabrakan dengan data yang sudah ada (misalnya NIB milik pelaku usaha lain, atau ID SIDT usaha lain)."


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
        figures_of = {}
        for figure in self.new_figures:
            figure.classify()
            figures_of.setdefault(id(figure.business), []).append(figure)
        for business in self.new_businesses:  # the model's rule, before the bulk insert skips save()
            business.size_class = YearlyFigure.newest_size_class(figures_of.get(id(business), []))
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
                move_version(record)  # an edit form open on this record now sees it moved on
        fields = [*fields, "updated_at", *(["version"] if versioned else [])]
        bulk_update_with_history(list(records.values()), model, fields, default_user=by)


def failed_rows_csv(headers, results):
    """The rows that failed, as they were, with a last column saying why: to fix and upload again. Text a
    spreadsheet would run as a formula is neutralised; numbers and phone numbers are written as they are."""
    out = io.StringIO()
    write_failed_rows(headers, results, out)
    return out.getvalue()


def write_failed_rows(headers, results, out):
    """failed_rows_csv written into the text stream `out` (a worker writes it to a file, row by row)."""
    writer = csv.writer(out)
    writer.writerow([*headers, "Alasan"])
    for result in results:
        if not result.ok:
            writer.writerow([neutralise(cell) for cell in [*result.cells, " ".join(result.errors)]])
