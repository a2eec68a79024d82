import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from registry.sizing import SizeClass, compute_size_class, rank
from registry.validators import (
    EXCEL_NIK_MESSAGE,
    mask_nik,
    mask_phone,
    nik_warnings,
    normalize_bpom,
    normalize_nib,
    normalize_nik,
    normalize_phone,
    normalize_pirt,
    parse_amount,
    parse_coordinate,
    parse_count,
    parse_year,
    pirt_expiry_year,
    split_phones,
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
        ("3515123205840001", r"\(digit 7-12: 320584\) tidak mungkin: tanggal 32 tidak ada \(untuk perempuan"),
        ("3515127207850001", "tanggal 72 tidak ada"),
        ("3515120013850001", "tanggal 00 tidak ada"),
        ("3515120113850001", "bulan 13 tidak ada"),
        ("3515127102850001", "tidak mungkin: 31-02 tidak ada"),
        ("3515122902850001", "29-02-1985 tidak ada"),
        ("351512450785000²", "hanya boleh berisi angka 0-9; ada '²'"),
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


def test_a_stored_amount_is_shown_for_editing_as_people_write_it_and_read_back_the_same():
    from decimal import Decimal

    from registry.forms import RupiahField

    field = RupiahField()

    assert [field.prepare_value(v) for v in (15000, Decimal("250000000"), 0, None, "Rp 1,2 juta")] == [
        "15.000",
        "250.000.000",
        "0",
        None,
        "Rp 1,2 juta",  # what a person typed is shown back as typed
    ]
    assert parse_amount(field.prepare_value(37_000_000_000)) == 37_000_000_000
    assert not field.has_changed(15000, field.prepare_value(15000))  # an untouched amount is no change


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


#
# What a spreadsheet cell may hold: a value or ValidationError, nothing else
#

NASTY = ["²", "\u0663", "\x00", "NaN", "nan", "1e999", "∞", "-inf", "9" * 5000, "1" * 20, " ", "½", "Rp", "-", "°"]
cells = st.one_of(
    st.text(),
    st.text(alphabet="0123456789 .,-+eE²\u0663\x00NaNinf∞°'\"LSBTUjutarbMRp/sd±<"),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.none(),
)


def _value_or_validation_error(parse, value):
    try:
        return parse(value)
    except ValidationError:
        return None


def _examples(test):
    for value in NASTY:
        test = example(value)(test)
    return test


@_examples
@given(cells)
def test_nik_parser_gives_a_value_or_validation_error(value):
    result = _value_or_validation_error(lambda v: normalize_nik(v, today=TODAY), value)

    assert result is None or (len(result) == 16 and result.isascii() and result.isdigit())


@_examples
@given(cells)
def test_nib_parser_gives_a_value_or_validation_error(value):
    result = _value_or_validation_error(normalize_nib, value)

    assert result is None or (len(result) == 13 and result.isascii() and result.isdigit())


@_examples
@given(cells)
def test_phone_parsers_give_a_value_or_validation_error(value):
    result = _value_or_validation_error(normalize_phone, value)
    numbers, rest = split_phones(value)

    assert result is None or result.startswith("+62")
    assert all(number.startswith("+62") for number in numbers)
    assert all(isinstance(part, str) for part in rest)


@_examples
@given(cells)
def test_amount_parser_gives_a_value_or_validation_error(value):
    result = _value_or_validation_error(parse_amount, value)

    assert result is None or (type(result) is int and 0 <= result <= 999_999_999_999_999)


@_examples
@given(cells)
def test_coordinate_parser_gives_a_value_or_validation_error(value):
    latitude = _value_or_validation_error(lambda v: parse_coordinate(v, axis="lat"), value)
    longitude = _value_or_validation_error(lambda v: parse_coordinate(v, axis="lon"), value)

    assert latitude is None or (isinstance(latitude, Decimal) and abs(latitude) <= 90)
    assert longitude is None or (isinstance(longitude, Decimal) and abs(longitude) <= 180)


@_examples
@given(cells)
def test_year_parser_gives_a_value_or_validation_error(value):
    result = _value_or_validation_error(lambda v: parse_year(v, today=TODAY), value)

    assert result is None or 1900 <= result <= 2026


@_examples
@given(cells)
def test_count_parser_gives_a_value_or_validation_error(value):
    result = _value_or_validation_error(parse_count, value)

    assert result is None or (type(result) is int and 0 <= result <= 2_147_483_647)


#
# NIK: former regions and Excel damage
#


@pytest.mark.parametrize("nik", ["9101124507850001", "9201124507850001", "6404124507850001", "7319124507850001"])
def test_nik_issued_before_a_province_split_keeps_its_old_code(nik):
    assert normalize_nik(nik, today=TODAY) == nik


def test_nik_with_a_former_code_warns_where_the_region_is_now():
    warnings = nik_warnings("9101124507850001", today=TODAY)

    assert warnings == ["Kode wilayah lama, sebelum pemekaran: kini 93.01 Kabupaten Merauke."]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9715124507850001", "Kode provinsi di NIK \\(digit 1-2: 97\\)"),
        ("9199124507850001", "Kode kabupaten/kota di NIK \\(digit 1-4: 91.99\\)"),
    ],
)
def test_nik_region_never_issued_is_refused(typed, message):
    with pytest.raises(ValidationError, match=message):
        normalize_nik(typed, today=TODAY)


@pytest.mark.parametrize("typed", ["3.51513E+15", "3,51513E+15", "3515125705840000.0", 3515125705840000, 3.51513e15])
def test_nik_damaged_by_excel_is_refused_with_the_excel_message(typed):
    with pytest.raises(ValidationError) as error:
        normalize_nik(typed, today=TODAY)

    assert error.value.code == "nik_excel"
    assert error.value.messages == [EXCEL_NIK_MESSAGE]


def test_nik_from_a_number_cell_that_excel_kept_whole_is_accepted():
    assert normalize_nik(3515124507850001, today=TODAY) == "3515124507850001"


#
# NIB
#


def test_nib_message_names_the_digit_count_typed():
    with pytest.raises(ValidationError, match=r"^\['NIB harus 13 digit angka \(dari OSS\); yang diisi 12 digit.'\]$"):
        normalize_nib("912012345678")


def test_nib_with_letters_echoes_at_most_20_characters():
    with pytest.raises(ValidationError) as error:
        normalize_nib("ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    assert error.value.messages == ["NIB hanya boleh berisi angka; yang diisi: 'ABCDEFGHIJKLMNOPQRST...'."]


@pytest.mark.parametrize("typed", [9120123456789, 9120123456789.0, "9120123456789.0"])
def test_nib_from_a_number_cell_is_accepted(typed):
    assert normalize_nib(typed) == "9120123456789"


#
# Several phone numbers in one cell
#


@pytest.mark.parametrize(
    "cell",
    [
        "0812-3456-7890 / 0813 1111 2222",
        "0812-3456-7890, 0813 1111 2222",
        "0812 3456 7890 atau 0813 1111 2222",
        "081234567890;081311112222",
        "HP: 0812-3456-7890 WA 0813-1111-2222",
    ],
)
def test_split_phones_reads_every_number_in_a_cell(cell):
    assert split_phones(cell) == (["+6281234567890", "+6281311112222"], [])


def test_split_phones_reads_landline_and_mobile_with_labels():
    assert split_phones("Telp 031-8971234 HP 0812-3456-7890") == (["+62318971234", "+6281234567890"], [])


def test_split_phones_returns_the_parts_that_are_no_number():
    assert split_phones("0812-3456-7890 / 12345") == (["+6281234567890"], ["12345"])


@pytest.mark.parametrize("cell", ["", None, "-", "tidak ada"])
def test_split_phones_of_an_empty_cell_is_empty(cell):
    assert split_phones(cell) == ([], [])


#
# Rupiah
#


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("Rp 1.250.000,-", 1_250_000),
        ("Rp1.250.000,00", 1_250_000),
        ("5000000.00", 5_000_000),
        ("5.000.000,00", 5_000_000),
        ("250 rb", 250_000),
        ("1,5 M", 1_500_000_000),
        ("1,5 miliar", 1_500_000_000),
        ("1 jt 500 rb", 1_500_000),
        ("1.200", 1_200),
        ("dua ratus ribu", 200_000),
        (5_000_000.0, 5_000_000),
        ("999.999.999.999.999", 999_999_999_999_999),
    ],
)
def test_rupiah_as_field_files_write_it(typed, amount):
    assert parse_amount(typed) == amount


@pytest.mark.parametrize(
    ("typed", "example"),
    [
        ("50-60 juta", "55.000.000"),
        ("50 - 60 jt", "55.000.000"),
        ("50 s/d 60 juta", "55.000.000"),
        ("50 sampai 60 juta", "55.000.000"),
        ("Rp 1.000.000 - Rp 2.000.000", "1.500.000"),
    ],
)
def test_rupiah_range_is_refused_quoting_the_input(typed, example):
    with pytest.raises(ValidationError) as error:
        parse_amount(typed)

    assert error.value.messages == [f"Jumlah berupa rentang ('{typed}'): isi satu angka, misalnya {example}."]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("± 50 juta", "perkiraan"),
        ("50 juta-an", "perkiraan"),
        ("sekitar 3 juta", "perkiraan"),
        ("< 50 juta", "batas"),
        ("lebih dari 50 juta", "batas"),
    ],
)
def test_rupiah_estimate_or_bound_is_refused(typed, message):
    with pytest.raises(ValidationError, match=f"Jumlah berupa {message} \\('{typed}'\\)"):
        parse_amount(typed)


@pytest.mark.parametrize("typed", ["1.000.000.000.000.000", "9" * 16, 10**15, Decimal("1E+30")])
def test_rupiah_over_15_digits_is_refused(typed):
    with pytest.raises(ValidationError, match=r"Terlalu besar: paling banyak 999\.999\.999\.999\.999 \(15 digit\)\."):
        parse_amount(typed)


def test_rupiah_digit_limit_can_be_lowered():
    with pytest.raises(ValidationError, match=r"paling banyak 999\.999 \(6 digit\)"):
        parse_amount("1 juta", max_digits=6)


ODD_AMOUNTS = ["²", "\u0661\u0660\u0660", "NaN", "inf", "1e999", float("nan"), float("inf"), Decimal("NaN"), True]


@pytest.mark.parametrize("typed", ODD_AMOUNTS)
def test_rupiah_refuses_unicode_digits_nan_and_infinity(typed):
    with pytest.raises(ValidationError, match="Rupiah"):
        parse_amount(typed)


#
# Coordinates
#


@pytest.mark.parametrize(
    ("typed", "axis", "value"),
    [
        ("-7.4201", "lat", "-7.420100"),
        ("-7,4201", "lat", "-7.420100"),
        ("7°24' LS", "lat", "-7.400000"),
        ("7° 24' 30\" S", "lat", "-7.408333"),
        ("7°24'30.5\"LS", "lat", "-7.408472"),
        ("LS 7.42", "lat", "-7.420000"),
        ("0.5 LU", "lat", "0.500000"),
        ("112°33' BT", "lon", "112.550000"),
        ("112.5533 BT", "lon", "112.553300"),
        ("45.5 W", "lon", "-45.500000"),
        ("-7.123456789", "lat", "-7.123457"),
        (112.7, "lon", "112.700000"),
    ],
)
def test_coordinates_in_every_common_writing(typed, axis, value):
    assert parse_coordinate(typed, axis=axis) == Decimal(value)


@pytest.mark.parametrize(
    ("typed", "axis", "message"),
    [
        ("95", "lat", "Lintang harus antara -90 dan 90 derajat"),
        ("-180.5", "lon", "Bujur harus antara -180 dan 180 derajat"),
        ("NaN", "lat", "Lintang tidak dikenali"),
        (float("inf"), "lon", "Bujur tidak dikenali"),
        ("7.42 BT", "lat", "'BT' menandai bujur"),
        ("-7.42 LU", "lat", "Tanda minus bertentangan dengan LU"),
        ("7°61' LS", "lat", "kurang dari 60"),
        ("\u0667.\u0664", "lat", "Lintang tidak dikenali"),
    ],
)
def test_bad_coordinates_are_refused_naming_the_range(typed, axis, message):
    with pytest.raises(ValidationError, match=message):
        parse_coordinate(typed, axis=axis)


#
# Years and counts
#


@pytest.mark.parametrize("typed", ["2015", "2015.0", " 2015 ", 2015, 2015.0])
def test_year_in_common_writings(typed):
    assert parse_year(typed, today=TODAY) == 2015


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1899", r"Tahun 1899 tidak masuk akal \(1900-2026\)\."),
        ("2027", r"Tahun 2027 tidak masuk akal \(1900-2026\)\."),
        ("²⁰¹⁵", "Tahun harus ditulis dengan 4 angka"),
        ("'15", "Tahun harus ditulis dengan 4 angka"),
    ],
)
def test_impossible_year_is_refused(typed, message):
    with pytest.raises(ValidationError, match=message):
        parse_year(typed, today=TODAY)


@pytest.mark.parametrize(("typed", "count"), [("3", 3), ("3.0", 3), ("1.200", 1200), (3.0, 3), ("0", 0)])
def test_counts_in_common_writings(typed, count):
    assert parse_count(typed) == count


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-3", "tidak boleh negatif"),
        ("1,5", "bilangan bulat"),
        ("tiga", "bilangan bulat"),
        ("2147483648", r"Terlalu besar: paling banyak 2\.147\.483\.647\."),
    ],
)
def test_bad_counts_are_refused(typed, message):
    with pytest.raises(ValidationError, match=message):
        parse_count(typed)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("628510002925", "+628510002925"), ("6281234567890", "+6281234567890"), ("81234567890", "+6281234567890")],
)
def test_a_mobile_written_without_its_plus_or_its_leading_zero_is_read(text, expected):
    assert split_phones(text) == ([expected], [])
