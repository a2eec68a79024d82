import datetime

import pytest
from django.core.exceptions import ValidationError

from registry.sizing import SizeClass, compute_size_class, rank
from registry.validators import (
    mask_nik,
    mask_phone,
    nik_warnings,
    normalize_bpom,
    normalize_nib,
    normalize_nik,
    normalize_phone,
    normalize_pirt,
    parse_amount,
    pirt_expiry_year,
)

TODAY = datetime.date(2026, 11, 22)


@pytest.mark.parametrize(
    "typed", ["3515124507850001", "3515 1245 0785 0001", "35.15.12.450785.0001", "3515-1245-0785-0001"]
)
def test_nik_in_any_common_writing_is_stored_as_16_digits(typed):
    assert normalize_nik(typed, today=TODAY) == "3515124507850001"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("351512450785001", "harus 16 digit; yang diisi 15"),
        ("35151245078500012", "harus 16 digit"),
        ("3515124507850O01", "hanya boleh berisi angka"),
        ("9915124507850001", "tidak ada dalam daftar Kemendagri"),
        ("3599124507850001", "tidak ada dalam daftar Kemendagri"),
        ("3515123207850001", "Tanggal lahir di NIK"),
        ("3515127207850001", "Tanggal lahir di NIK"),
        ("3515120013850001", "Tanggal lahir di NIK"),
        ("3515124507850000", "tidak boleh 0000"),
    ],
)
def test_bad_nik_gets_a_clear_indonesian_message(typed, message):
    with pytest.raises(ValidationError, match=message):
        normalize_nik(typed, today=TODAY)


def test_nik_of_a_woman_born_on_the_31st_is_valid():
    assert normalize_nik("3515127101900002", today=TODAY) == "3515127101900002"


def test_nik_disagreeing_sex_or_birth_date_warns_but_does_not_block():
    nik = "3515124507850001"  # a woman born 5 July 1985

    warnings = nik_warnings(nik, sex="L", birth_date=datetime.date(1985, 7, 6), today=TODAY)

    assert any("Jenis kelamin" in w for w in warnings)
    assert any("Tanggal lahir" in w and "05-07-1985" in w for w in warnings)
    assert nik_warnings(nik, sex="P", birth_date=datetime.date(1985, 7, 5), today=TODAY) == []


def test_masks_keep_only_region_and_serial():
    assert mask_nik("3515124507850001") == "3515********0001"
    assert mask_phone("+6281234567890") == "+62812****7890"


@pytest.mark.parametrize(
    "typed", ["0812-3456-7890", "+62 812 3456 7890", "62812 3456 7890", "081234567890", "(0812) 34567890"]
)
def test_phone_numbers_in_every_common_writing_become_e164(typed):
    assert normalize_phone(typed) == "+6281234567890"


@pytest.mark.parametrize("typed", ["12345", "nomor saya", "+1 555 0100 200"])
def test_bad_phone_is_refused_in_indonesian(typed):
    with pytest.raises(ValidationError, match="Nomor telepon tidak dikenali"):
        normalize_phone(typed)


def test_nib_is_13_digits():
    assert normalize_nib("9120 1234 5678 9") == "9120123456789"
    with pytest.raises(ValidationError, match="13 digit"):
        normalize_nib("91201234567")


def test_pirt_number_carries_its_expiry_year():
    number = normalize_pirt("2063515010123-28")

    assert number == "206351501012328"
    assert pirt_expiry_year(number) == 2028
    with pytest.raises(ValidationError, match="P-IRT"):
        normalize_pirt("12345")


def test_bpom_numbers():
    assert normalize_bpom("BPOM RI MD 224510001234") == "MD224510001234"
    assert normalize_bpom("ml 123456789012") == "ML123456789012"
    with pytest.raises(ValidationError, match="MD atau ML"):
        normalize_bpom("MX 224510001234")


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("Rp 1.250.000", 1_250_000), ("1,2 juta", 1_200_000), ("Rp37 miliar", 37_000_000_000), (5000, 5000)],
)
def test_rupiah_amounts(typed, amount):
    assert parse_amount(typed) == amount


@pytest.mark.parametrize("typed", ["dua kambing", "12.5", "-5000"])
def test_rupiah_refuses_text_fractions_and_negatives(typed):
    with pytest.raises(ValidationError, match="Rupiah"):
        parse_amount(typed)


@pytest.mark.parametrize(
    ("capital", "revenue", "expected"),
    [
        (None, 2_000_000_000, SizeClass.MIKRO),
        (None, 2_000_000_001, SizeClass.KECIL),
        (None, 15_000_000_000, SizeClass.KECIL),
        (None, 15_000_000_001, SizeClass.MENENGAH),
        (None, 50_000_000_001, SizeClass.BESAR),
        (1_000_000_000, None, SizeClass.MIKRO),
        (1_000_000_001, None, SizeClass.KECIL),
        (5_000_000_001, None, SizeClass.MENENGAH),
        (10_000_000_001, None, SizeClass.BESAR),
        (9_000_000_000, 100_000_000, SizeClass.MIKRO),
        (None, None, None),
    ],
)
def test_size_class_follows_pp_7_2021(capital, revenue, expected):
    assert compute_size_class(capital=capital, revenue=revenue) == expected


def test_size_classes_rank_for_level_up():
    assert rank(SizeClass.MIKRO) < rank(SizeClass.KECIL) < rank(SizeClass.MENENGAH) < rank(SizeClass.BESAR)
