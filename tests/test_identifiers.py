import datetime

import pytest
from lokal import parse_nik

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
