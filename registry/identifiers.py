"""Indonesian identifiers: building and checking NIKs (16 digits: region, birth date, serial)."""

import datetime


def build_nik(kecamatan_code, birth_date, *, female, serial):
    """Return the NIK for a person first registered in `kecamatan_code` ("35.15.12").

    Women's birth day is written plus 40 (Dukcapil rule); `serial` is the 4-digit sequence.
    """
    region = kecamatan_code.replace(".", "")
    if len(region) != 6 or not region.isdigit():
        raise ValueError(f"Kode kecamatan {kecamatan_code!r} harus 6 digit, misalnya 35.15.12.")
    if not 1 <= serial <= 9999:
        raise ValueError("Nomor urut NIK harus 1 sampai 9999.")
    day = birth_date.day + (40 if female else 0)
    return f"{region}{day:02d}{birth_date:%m%y}{serial:04d}"


def nik_birth_date(nik, *, today=None):
    """Return (birth date, is_female) read from a NIK's digits 7-12, or None when they are no date.

    The NIK holds only two year digits: a year that would lie in the future belongs to the 1900s.
    """
    # isdigit() alone lets '²' and Arabic-Indic digits through; a NIK is ASCII 0-9 only.
    if not isinstance(nik, str) or len(nik) != 16 or not (nik.isascii() and nik.isdigit()):
        return None
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > 40
    if female:
        day -= 40
    today = today or datetime.date.today()
    century = 2000 if 2000 + year <= today.year else 1900
    try:
        return datetime.date(century + year, month, day), female
    except ValueError:
        return None
