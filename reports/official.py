"""Loading the counts provinces publish as open data: one number per kabupaten and year.

The tables come as `kode_provinsi, nama_provinsi, kode_kabupaten_kota, nama_kabupaten_kota, <measure>,
satuan, tahun` (REFERENCE.md, "Open-data aggregates"), as CSV (`,` or `;`, with or without a BOM) or
.xlsx. The number column is named for what it counts (`jumlah_umkm`) and becomes the measure.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from lokal import wilayah

from registry.imports import normal
from registry.models import Kabupaten
from reports.models import OfficialCount

CODE = "kode_kabupaten_kota"
NAME = "nama_kabupaten_kota"
PROVINCE_CODE = "kode_provinsi"
UNIT = "satuan"
YEAR = "tahun"
# Columns that describe a row; any other column holds the number. `id` is the row number some portals add.
DESCRIPTIVE = {"id", PROVINCE_CODE, "nama_provinsi", CODE, NAME, UNIT, YEAR}
FIRST_YEAR = 1990
# "3524" or "35.24"; "35.2" is refused: a spreadsheet that stored 35.20 as a number has lost a digit.
CODE_PATTERN = re.compile(r"^(\d{2})\.?(\d{2})$")
# 13652, or with thousands grouped the Indonesian or the English way: 13.652, 13,652, 13 652.
NUMBER_PATTERN = re.compile(r"^\d{1,3}(?:([.,\s])\d{3})?(?:\1\d{3})*$|^\d+$")
KIND_WORDS = {"kabupaten": Kabupaten.Kind.KABUPATEN, "kab": Kabupaten.Kind.KABUPATEN, "kota": Kabupaten.Kind.KOTA}


def column_key(header):
    """ "Jumlah UMKM", "jumlah_umkm" and "\ufeffjumlah-umkm" are all `jumlah_umkm`."""
    return slugify(str(header).replace("\ufeff", "")).replace("-", "_")


@dataclass
class LoadResult:
    """What a load did: rows written (new or changed), rows already equal, and rows not loaded, with why."""

    loaded: int = 0
    unchanged: int = 0
    refused: list = field(default_factory=list)

    def summary(self):
        return f"{self.loaded} loaded, {self.unchanged} unchanged, {len(self.refused)} refused"


@dataclass
class _Row:
    number: int
    kabupaten: Kabupaten
    year: int
    value: int
    unit: str


def measure_columns(headers):
    """(measure, {column key: index}); raise ValidationError when a required column is missing."""
    keys = [column_key(header) for header in headers]
    columns = {key: index for index, key in enumerate(keys) if key}
    missing = [key for key in (CODE, NAME, YEAR) if key not in columns]
    if missing:
        raise ValidationError(
            _("Kolom %(names)s tidak ada. Judul kolom yang dibaca: %(names2)s.")
            % {"names": ", ".join(missing), "names2": ", ".join(headers)}
        )
    measures = [key for key in columns if key not in DESCRIPTIVE]
    if len(measures) != 1:
        found = ", ".join(measures) or "tidak ada"
        raise ValidationError(
            _("Harus ada tepat satu kolom angka (misalnya jumlah_umkm); yang ada: %(found)s.") % {"found": found}
        )
    return measures[0], columns


def check_rows(lines, columns, measure, by):
    """([_Row], refused messages) of the rows to write; raise ValidationError listing every bad row."""
    known = {k.code: k for k in Kabupaten.objects.select_related("provinsi")}
    mine = set(Kabupaten.objects.visible_to(by).values_list("pk", flat=True))
    rows, refused, errors, seen = [], [], [], {}

    def cell(cells, key):
        index = columns.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    for number, cells in lines:
        try:
            code = _code(cell(cells, CODE), cell(cells, PROVINCE_CODE))
            name = cell(cells, NAME)
            if code not in mine:
                # Another area's row is not read further: its owner answers for it, not this user.
                if code in known or wilayah.get_wilayah(code) is not None:
                    where = "di luar wilayah Anda" if code in known else "belum dimuat di portal"
                    refused.append(f"Baris {number}: {name or code} ({code}) {where}; tidak dimuat.")
                    continue
                raise ValidationError(
                    _("kode kabupaten/kota %(code)s tidak dikenal dalam data Kemendagri.") % {"code": code}
                )
            kabupaten = known[code]
            _check_name(name, kabupaten)
            year = _year(cell(cells, YEAR))
            value = _number(cell(cells, measure))
        except ValidationError as error:
            errors.append(f"Baris {number}: {'; '.join(error.messages)}")
            continue
        if (code, year) in seen:
            errors.append(f"Baris {number}: {kabupaten.name} tahun {year} sudah ada di baris {seen[code, year]}.")
            continue
        seen[code, year] = number
        rows.append(_Row(number, kabupaten, year, value, cell(cells, UNIT)[:50]))
    if errors:
        raise ValidationError(errors)
    if not rows and not refused:
        raise ValidationError(_("Berkas tidak berisi baris data."))
    return rows, refused


def _code(text, province):
    """The dotted kabupaten code of "3524", "35.24" or 35.24 typed as a number; checked against kode_provinsi."""
    text = text.replace(" ", "")
    match = CODE_PATTERN.match(text)
    if not match:
        if re.fullmatch(r"\d{2}\.\d", text):
            raise ValidationError(
                _(
                    "kode kabupaten/kota “%(text)s” kehilangan angka nol di belakang (misalnya 35.20 tersimpan "
                    "sebagai angka 35.2). Simpan kolom kode sebagai teks."
                )
                % {"text": text}
            )
        raise ValidationError(
            _("kode kabupaten/kota “%(text)s” tidak sah: tulis 4 angka (3524) atau 35.24.") % {"text": text}
        )
    code = f"{match[1]}.{match[2]}"
    province = province.replace(" ", "").removesuffix(".0")
    if province and province != match[1]:
        raise ValidationError(
            _("kode provinsi %(province)s tidak cocok dengan kode kabupaten/kota %(code)s.")
            % {"province": province, "code": code}
        )
    return code


def _check_name(text, kabupaten):
    """The name must be the code's: "KABUPATEN LAMONGAN", "Kab. Lamongan" or "LAMONGAN" for 35.24."""
    words = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    kind = KIND_WORDS.get(words[0]) if words else None
    rest = normal("".join(words[1:] if kind else words))
    own = normal(re.sub(r"^(kabupaten|kota)\s+", "", kabupaten.name, flags=re.IGNORECASE))
    if not text:
        raise ValidationError(
            _("nama kabupaten/kota kosong (kode %(kabupaten_code)s adalah %(kabupaten_name)s).")
            % {"kabupaten_code": kabupaten.code, "kabupaten_name": kabupaten.name}
        )
    if rest != own or (kind and kind != kabupaten.kind):
        raise ValidationError(
            _("nama “%(text)s” tidak cocok dengan kode %(kabupaten_code)s (%(kabupaten_name)s).")
            % {"text": text, "kabupaten_code": kabupaten.code, "kabupaten_name": kabupaten.name}
        )


def _year(text):
    text = text.removesuffix(".0")
    last = timezone.localdate().year
    if not re.fullmatch(r"\d{4}", text) or not FIRST_YEAR <= int(text) <= last:
        raise ValidationError(
            _("tahun “%(text)s” tidak sah: tulis tahun %(FIRST_YEAR)s sampai %(last)s.")
            % {"text": text, "FIRST_YEAR": FIRST_YEAR, "last": last}
        )
    return int(text)


def _number(text):
    if not text:
        raise ValidationError(_("jumlah kosong."))
    if not NUMBER_PATTERN.match(text):
        raise ValidationError(_("jumlah “%(text)s” bukan bilangan bulat.") % {"text": text})
    return int(re.sub(r"\D", "", text))


def write_counts(rows, measure, *, source, by, result):
    """Insert new figures and update changed ones; equal ones are left as they are (who loaded them first)."""
    # Lock the figures this load may change: two loads at once must not both read "unchanged".
    existing = {
        (count.kabupaten_id, count.year): count
        for count in OfficialCount.objects.select_for_update().filter(
            measure=measure,
            kabupaten__in={row.kabupaten.pk for row in rows},
            year__in={row.year for row in rows},
        )
    }
    now = timezone.now()
    for row in rows:
        count = existing.get((row.kabupaten.pk, row.year))
        if count is not None and (count.value, count.unit) == (row.value, row.unit):
            result.unchanged += 1
            continue
        if count is None:
            count = OfficialCount(kabupaten=row.kabupaten, year=row.year, measure=measure)
        count.value, count.unit, count.source = row.value, row.unit, source
        count.loaded_by, count.loaded_at = by, now
        count.full_clean(validate_constraints=False)  # the unique constraint is the database's, under the lock
        count.save()
        result.loaded += 1


def end_of_year(year):
    """The first moment after 31 December of `year`, in the portal's time zone (WIB)."""
    return timezone.make_aware(datetime.datetime(year + 1, 1, 1))
