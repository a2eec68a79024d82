"""Reading the files a dinas receives: CSV in any width and length and the usual encodings, and Excel
workbooks whose data sits under title rows, notes and blank rows, on any sheet.

`read_sheet()` returns the header row it found and the data rows under it, each with its line number in
the file (the number a person sees in Excel), so every message can point at the line to fix. Nothing
here knows what the columns mean beyond recognising a header row (`looks_like_header`).
"""

import codecs
import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

# How far down a sheet the header row may sit (title rows, notes, a logo's blank rows).
HEADER_SEARCH_LINES = 30
DELIMITERS = [",", ";", "\t", "|"]
MAX_FIELD_CHARS = 100_000


@dataclass
class Sheet:
    """The header row and the data rows of one sheet; `headers, rows = sheet` unpacks the two."""

    headers: list
    rows: list  # [(line number in the file, [cell texts])]
    header_line: int = 1
    sheet_names: list = field(default_factory=list)  # a workbook's sheets, in order ([] for CSV)
    sheet_name: str = ""
    skipped: list = field(default_factory=list)  # [(line number, why)] of lines above the header

    def __iter__(self):
        return iter((self.headers, self.rows))


def header_words(text):
    """Lower case words of a header: "NO HP/WA" -> "no hp wa", "Kel./Desa" -> "kel desa"."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", str(text or "").lower()).split())


def read_sheet(content, filename, *, sheet="", known_headers=frozenset(), max_rows=None):
    """Return the Sheet of an .xlsx (the named sheet, else the first that holds data) or a .csv.

    `known_headers` (header words) find the header row: the line among the first 30 with the most known
    names; without two known names, the first line with at least two filled cells. Raises
    ValidationError with an Indonesian message for a file that cannot be read, or that holds more than
    `max_rows` filled lines under the header (reading stops there: memory stays bounded)."""
    name = filename.lower()
    limit = _Limit(max_rows)
    if name.endswith(".xlsx"):
        return limit.check(_read_workbook(content, sheet, known_headers, limit))
    if name.endswith((".csv", ".txt")):
        lines = _csv_lines(_decode(content), limit)
        return limit.check(_find_header(lines, known_headers))
    raise ValidationError(_("Unggah berkas .xlsx atau .csv."))


def workbook_sheets(content):
    """The names of a workbook's sheets, read without reading their cells; [] for a file that is none."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True)
    except Exception:  # not a workbook: the reading itself says why
        return []
    names = list(workbook.sheetnames)
    workbook.close()
    return names


#
# CSV
#


def _decode(content):
    """Text of a CSV: UTF-8 (with or without BOM), UTF-16 as Excel's "Unicode text" saves it, else
    Windows-1252 (Excel's "CSV" on an Indonesian Windows), else Latin-1, which reads any byte."""
    if content.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "cp1252", "latin-1"]
    for encoding in encodings:
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("Berkas CSV tidak dapat dibaca sebagai teks. Simpan ulang sebagai CSV UTF-8."))
    # A NUL is never data; csv refuses it, and PostgreSQL cannot store it in text.
    return text.replace("\x00", "")


class _Limit:
    """Counts the filled lines read; refuses a sheet of more than `rows` data rows (None: no limit)."""

    def __init__(self, rows):
        self.rows, self.filled = rows, 0

    def count(self, cells):
        if self.rows is not None and any(str(cell).strip() for cell in cells if cell is not None):
            self.filled += 1
            # The header and the lines above it are among the first HEADER_SEARCH_LINES + 2.
            if self.filled > self.rows + HEADER_SEARCH_LINES + 2:
                raise self.error()

    def check(self, sheet):
        if self.rows is not None and len(sheet.rows) > self.rows:
            raise self.error()
        return sheet

    def error(self):
        limit = f"{self.rows:,}".replace(",", ".")
        return ValidationError(
            _(
                "Berkas berisi lebih dari %(limit)s baris; satu impor paling banyak %(limit2)s baris. Pecah "
                "menjadi beberapa berkas."
            )
            % {"limit": limit, "limit2": limit}
        )


def _csv_lines(text, limit):
    """Every record of the CSV as (line number, cells), with the delimiter that splits it most evenly."""
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines = []
    try:
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            # A record that spans lines (a quoted newline) is numbered by its first line.
            limit.count(cells)
            lines.append((reader.line_num - _extra_lines(cells), cells))
    except csv.Error as error:
        raise ValidationError(
            _("Baris %(reader_line_num)s tidak dapat dibaca sebagai CSV (%(error)s). Periksa tanda kutip di baris itu.")
            % {"reader_line_num": reader.line_num, "error": error}
        ) from error
    return lines


def _extra_lines(cells):
    return sum(cell.count("\n") for cell in cells)


def _delimiter(text):
    """The delimiter under which the first records have one number of cells most often (title rows aside).

    Sniffing a sample breaks on long rows and quoted newlines; parsing the first records with each
    candidate does not."""
    sample = text[:200_000]
    best, best_score = ",", (-1, 0)
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        widths = []
        try:
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    widths.append(len(cells))
                if len(widths) >= 50:
                    break
        except csv.Error:
            continue
        if not widths:
            continue
        width = max(set(widths), key=widths.count)
        score = (widths.count(width) if width > 1 else 0, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


csv.field_size_limit(MAX_FIELD_CHARS)


#
# Excel
#


def _read_workbook(content, sheet, known_headers, limit):
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationError(_("Berkas Excel tidak dapat dibaca. Simpan ulang sebagai .xlsx.")) from error
    try:
        names = list(workbook.sheetnames)
        if sheet and sheet not in names:
            raise ValidationError(
                _("Lembar kerja %(sheet)s tidak ada. Pilih salah satu: %(names)s.")
                % {"sheet": repr(sheet), "names": ", ".join(names)}
            )
        candidates = [sheet] if sheet else names
        found = None
        for name in candidates:
            limit.filled = 0  # each sheet is counted on its own
            try:
                lines = []
                for number, row in enumerate(workbook[name].iter_rows(values_only=True), start=1):
                    cells = [_cell(value) for value in row]
                    limit.count(cells)
                    lines.append((number, cells))
            except ValidationError:
                raise
            except Exception as error:  # a damaged sheet part
                raise ValidationError(
                    _("Lembar kerja %(name)s rusak dan tidak dapat dibaca.") % {"name": repr(name)}
                ) from error
            try:
                result = _find_header(lines, known_headers)
            except ValidationError:
                continue  # an empty sheet: try the next one
            # The first sheet with a recognised header wins; else the first sheet with any data.
            if found is None or (not found[1] and result.score >= 2):
                found = (name, result.score >= 2, result)
            if result.score >= 2:
                break
        if found is None:
            raise ValidationError(_("Berkas kosong: tidak ada baris judul kolom di lembar mana pun."))
        name, result = found[0], found[2]
        result.sheet_names, result.sheet_name = names, name
        return result
    finally:
        workbook.close()


def _cell(value):
    """A cell's text as the person typed it. A number cell of 16 digits or more ending in 0 is shown as
    Excel shows it (3.51512570584001E+15): Excel keeps 15 significant digits, so a NIK typed as a number
    lost its last digit, and the NIK check says so instead of storing a wrong NIK. (A program that writes
    exact 16-digit numbers leaves a last digit other than 0 one time in ten only; those are kept.)"""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{float(value):.14E}" if abs(value) >= 10**15 and value % 10 == 0 else str(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer():
            return f"{value:.14E}" if abs(value) >= 1e15 else str(int(value))
        return repr(value)
    return str(value)


#
# The header row
#


@dataclass
class _Found(Sheet):
    score: int = 0


def _find_header(lines, known_headers):
    """Split (line number, cells) into the header row and the data under it."""
    lines = [(number, [str(cell).strip() for cell in cells]) for number, cells in lines]
    filled = [(number, cells) for number, cells in lines if any(cells)]
    if not filled:
        raise ValidationError(_("Berkas kosong: tidak ada baris judul kolom."))
    top = filled[:HEADER_SEARCH_LINES]
    scores = [sum(1 for cell in cells if header_words(cell) in known_headers) for _, cells in top]
    best = max(scores)
    if best >= 2:
        index = scores.index(best)
    else:
        index = next((i for i, (_, cells) in enumerate(top) if sum(1 for c in cells if c) >= 2), 0)
    header_line, headers = top[index]
    skipped = [(number, "di atas baris judul kolom") for number, _cells in filled[:index]]
    rows = [(number, cells) for number, cells in filled[index + 1 :]]
    if rows and _column_numbers(rows[0][1]):
        skipped.append((rows[0][0], "nomor kolom di bawah judul"))
        rows = rows[1:]
    # Trailing empty header cells (Excel's used range often runs past the table) are dropped.
    while headers and not headers[-1]:
        headers = headers[:-1]
    return _Found(headers=headers, rows=rows, header_line=header_line, skipped=skipped, score=best)


def _column_numbers(cells):
    """Whether a row is the "(1) (2) (3)" numbering that government templates put under the header."""
    numbers = [re.fullmatch(r"\(?(\d{1,2})\)?", cell) for cell in cells if cell]
    if len(numbers) < 3 or not all(numbers):
        return False
    values = [int(match.group(1)) for match in numbers]
    return values == sorted(values) and len(set(values)) == len(values)
