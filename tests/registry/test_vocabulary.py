import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.models import Business, Category, Owner
from registry.sizing import SizeClass
from registry.vocabulary import (
    category_from_kbli,
    category_from_words,
    disability,
    education,
    kbli_code,
    legal_form,
    section_letter,
    sex,
    size_class,
)

# Cells as sheets write them: any character, plus the letters, digits and separators the tables use.
cells = st.text() | st.text(alphabet="abcdefghiklmnoprstuy ABCDILMPST0123456789/-.,:()\u2013")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("TIDAK/BELUM SEKOLAH", "none"),
        ("BELUM TAMAT SD/SEDERAJAT", "none"),
        ("TAMAT SD/SEDERAJAT", "sd"),
        ("SLTP/SEDERAJAT", "smp"),
        ("SLTA/SEDERAJAT", "sma"),
        ("DIPLOMA I/II", "diploma"),
        ("AKADEMI/DIPLOMA III/S. MUDA", "diploma"),
        ("DIPLOMA IV/STRATA I", "s1"),
        ("STRATA II", "s2"),
        ("STRATA III", "s3"),
        ("  tamat  sd / sederajat ", "sd"),
        ("Akademi/Diploma III/S.Muda", "diploma"),
        ("SD", "sd"),
        ("SMP", "smp"),
        ("MTs", "smp"),
        ("SMA", "sma"),
        ("SMK", "sma"),
        ("MA", "sma"),
        ("SMA/SMK", "sma"),
        ("STM", "sma"),
        ("SLTA", "sma"),
        ("D1", "diploma"),
        ("D2", "diploma"),
        ("D-3", "diploma"),
        ("D4", "s1"),
        ("S1", "s1"),
        ("S-2", "s2"),
        ("S3", "s3"),
        ("Sarjana", "s1"),
        ("Magister", "s2"),
        ("Doktor", "s3"),
        ("Paket A", "sd"),
        ("Paket B", "smp"),
        ("Paket C", "sma"),
        ("Tidak/belum sekolah", "none"),
        ("SMA/SMK/sederajat", "sma"),
        ("Diploma (D1-D3)", "diploma"),
        ("S1/D4", "s1"),
        ("", ""),
        ("  ", ""),
        ("-", ""),
    ],
)
def test_education_reads_dukcapil_labels_short_forms_and_portal_labels(typed, expected):
    assert education(typed) == expected


def test_education_reads_back_every_portal_label_and_value():
    for value, label in Owner.Education.choices:
        assert education(label) == value
        assert education(value) == value


@pytest.mark.parametrize("typed", ["kuliah", "SMA kelas 2", "7"])
def test_education_refuses_what_it_does_not_know(typed):
    with pytest.raises(ValueError, match="Pendidikan tidak dikenali"):
        education(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("laki-laki", "L"),
        ("LAKI LAKI", "L"),
        ("Lk", "L"),
        ("l", "L"),
        ("Pria", "L"),
        ("MALE", "L"),
        ("m", "L"),
        ("perempuan", "P"),
        ("WANITA", "P"),
        ("Pr", "P"),
        ("p", "P"),
        ("Female", "P"),
        ("f", "P"),
        ("w", "P"),
        ("Laki-laki", "L"),
        ("Perempuan", "P"),
        ("", ""),
    ],
)
def test_sex_reads_every_common_writing(typed, expected):
    assert sex(typed) == expected


@pytest.mark.parametrize("typed", ["1", "2", "0", "X", "laki perempuan"])
def test_sex_refuses_numbers_and_unknown_words(typed):
    with pytest.raises(ValueError, match="Jenis kelamin tidak dikenali"):
        sex(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1", True),
        ("0", False),
        ("Ya", True),
        ("TIDAK", False),
        ("y", True),
        ("t", False),
        ("n", False),
        ("true", True),
        ("FALSE", False),
        ("yes", True),
        ("no", False),
        ("Penyandang Disabilitas", True),
        ("non disabilitas", False),
        ("Non-Disabilitas", False),
        ("tidak ada", False),
        ("-", None),
        ("\u2013", None),
        ("n/a", None),
        ("Tidak diketahui", None),
        ("", None),
    ],
)
def test_disability_reads_yes_no_and_unknown(typed, expected):
    assert disability(typed) is expected


def test_disability_refuses_what_it_does_not_know():
    with pytest.raises(ValueError, match="Isian disabilitas tidak dikenali"):
        disability("tuna")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("perorangan", "perorangan"),
        ("PERSEORANGAN", "perorangan"),
        ("Usaha Perorangan", "perorangan"),
        ("Orang Perseorangan", "perorangan"),
        ("UD", "ud"),
        ("U.D.", "ud"),
        ("Usaha Dagang", "ud"),
        ("CV", "cv"),
        ("Persekutuan Komanditer", "cv"),
        ("PT", "pt"),
        ("P.T.", "pt"),
        ("Perseroan Terbatas", "pt"),
        ("PT Perorangan", "pt_perorangan"),
        ("PT perseorangan", "pt_perorangan"),
        ("koperasi", "koperasi"),
        ("Kop.", "koperasi"),
        ("firma", "firma"),
        ("Fa.", "firma"),
        ("Persekutuan Firma", "firma"),
        ("lainnya", "lainnya"),
        ("Lain-lain", "lainnya"),
        ("", ""),
    ],
)
def test_legal_form_reads_sidt_and_typed_forms(typed, expected):
    assert legal_form(typed) == expected


def test_legal_form_reads_back_every_portal_label_and_value():
    for value, label in Business.LegalForm.choices:
        assert legal_form(label) == value
        assert legal_form(value) == value


def test_legal_form_refuses_what_it_does_not_know():
    with pytest.raises(ValueError, match="Bentuk usaha tidak dikenali"):
        legal_form("yayasan")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Usaha Mikro", "mikro"),
        ("MIKRO", "mikro"),
        ("mikro", "mikro"),
        ("Usaha Kecil", "kecil"),
        ("Menengah", "menengah"),
        ("Usaha Besar", "besar"),
        ("Skala: usaha mikro (omzet < 2 M)", "mikro"),
        ("Kecil", "kecil"),
        ("", ""),
    ],
)
def test_size_class_reads_the_one_class_named(typed, expected):
    assert size_class(typed) == expected


@pytest.mark.parametrize("typed", ["UMKM", "Mikro dan Kecil", "sedang"])
def test_size_class_refuses_no_class_or_two(typed):
    with pytest.raises(ValueError, match="Skala usaha tidak dikenali"):
        size_class(typed)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("01111", "agro"),
        ("03111", "agro"),
        ("10792", "makanan"),
        ("11040", "minuman"),
        ("13121", "batik"),
        ("13122", "batik"),
        ("13134", "batik"),
        ("13132", "lainnya"),
        ("1313", "lainnya"),
        ("14111", "fesyen"),
        ("15201", "fesyen"),
        ("16292", "kerajinan"),
        ("23931", "kerajinan"),
        ("31001", "kerajinan"),
        ("32111", "kerajinan"),
        ("32501", "lainnya"),
        ("18111", "jasa"),
        ("22220", "lainnya"),
        ("47111", "perdagangan"),
        ("46", "perdagangan"),
        ("45201", "jasa"),
        ("56101", "makanan"),
        ("56303", "minuman"),
        ("55110", "jasa"),
        ("96021", "jasa"),
        ("41011", "jasa"),
        ("08101", "lainnya"),
        ("10", "makanan"),
        ("101", "makanan"),
        (" 1079 ", "makanan"),
        ("", ""),
    ],
)
def test_category_from_kbli_reads_golongan_pokok_and_exact_codes(code, expected):
    assert category_from_kbli(code) == expected


@pytest.mark.parametrize("code", ["04111", "1", "107920", "1079.2", "C10792", "abc"])
def test_category_from_kbli_refuses_invalid_codes(code):
    with pytest.raises(ValueError, match="Kode KBLI"):
        category_from_kbli(code)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Kuliner", "makanan"),
        ("makanan", "makanan"),
        ("Makanan ringan", "makanan"),
        ("FOOD", "makanan"),
        ("snack", "makanan"),
        ("kue kering", "makanan"),
        ("catering", "makanan"),
        ("minuman", "minuman"),
        ("Kopi bubuk", "minuman"),
        ("jamu gendong", "minuman"),
        ("fashion", "fesyen"),
        ("Fesyen", "fesyen"),
        ("konveksi", "fesyen"),
        ("pakaian", "fesyen"),
        ("busana muslim", "fesyen"),
        ("garmen", "fesyen"),
        ("jahit", "fesyen"),
        ("Batik tulis", "batik"),
        ("tenun ikat", "batik"),
        ("songket", "batik"),
        ("kerajinan", "kerajinan"),
        ("Kriya", "kerajinan"),
        ("craft", "kerajinan"),
        ("anyaman bambu", "kerajinan"),
        ("handicraft", "kerajinan"),
        ("souvenir", "kerajinan"),
        ("pertanian", "agro"),
        ("Perikanan", "agro"),
        ("peternakan", "agro"),
        ("perkebunan", "agro"),
        ("agro", "agro"),
        ("agribisnis", "agro"),
        ("tambak udang", "agro"),
        ("jasa", "jasa"),
        ("bengkel motor", "jasa"),
        ("salon", "jasa"),
        ("laundry", "jasa"),
        ("servis HP", "jasa"),
        ("perdagangan", "perdagangan"),
        ("dagang", "perdagangan"),
        ("toko", "perdagangan"),
        ("Warung kelontong", "perdagangan"),
        ("retail", "perdagangan"),
        ("reseller", "perdagangan"),
        ("Lainnya", "lainnya"),
        ("Jasa lainnya", "jasa"),
        ("KULINER (MAKANAN)", "makanan"),
        ("Kerajinan Kriya", "kerajinan"),
        ("Café kopi", "minuman"),
        ("", ""),
    ],
)
def test_category_from_words_reads_usual_words(typed, expected):
    assert category_from_words(typed) == expected


def test_category_from_words_reads_back_every_portal_label_and_value():
    for value, label in Category.choices:
        assert category_from_words(label) == value
        assert category_from_words(value) == value


def test_category_from_words_is_accent_blind_and_matches_whole_words():
    assert category_from_words("BATÍK") == "batik"
    with pytest.raises(ValueError, match="tidak dikenali"):
        category_from_words("jasaku")  # not the word "jasa"


@pytest.mark.parametrize(("typed", "message"), [("bioskop", "tidak dikenali"), ("toko kue", "beberapa kategori")])
def test_category_from_words_refuses_no_category_or_two(typed, message):
    with pytest.raises(ValueError, match=message):
        category_from_words(typed)


RESTORED_1410 = ("01410", "Kode KBLI 1410 kehilangan angka 0 di depan; disimpan 01410.")
SHORT = "Kode KBLI {} hanya 4 digit (perlu 5 digit KBLI 2020); tidak disimpan."


@pytest.mark.parametrize(
    ("typed", "section", "expected"),
    [
        ("10792", "", ("10792", "")),
        ("10792 - Industri makanan dari kedelai", "", ("10792", "")),
        ("10792-Industri makanan", "", ("10792", "")),
        ("C10792", "", ("10792", "")),
        ("C.10792", "", ("10792", "")),
        ("10792.0", "", ("10792", "")),
        ("01410", "", ("01410", "")),
        ("1410", "A", RESTORED_1410),
        ("1410", "A - PERTANIAN, KEHUTANAN DAN PERIKANAN", RESTORED_1410),
        ("1410.0", "Kategori A", RESTORED_1410),
        ("A1410", "", RESTORED_1410),
        ("8101", "B", ("08101", "Kode KBLI 8101 kehilangan angka 0 di depan; disimpan 08101.")),
        ("1410", "C", ("", SHORT.format("1410"))),
        ("1079", "", ("", SHORT.format("1079"))),
        ("1079", "INDUSTRI PENGOLAHAN", ("", SHORT.format("1079"))),
        ("", "C", ("", "")),
        ("-", "", ("", "")),
    ],
)
def test_kbli_code_keeps_five_digits_and_restores_a_lost_leading_zero(typed, section, expected):
    assert kbli_code(typed, section) == expected


@pytest.mark.parametrize(
    ("typed", "quoted"),
    [
        ("industri makanan", '"industri makanan"'),
        ("1079.2", '"1079.2"'),
        ("107", '"107"'),
        ("107920", '"107920"'),
        ("10792, 47111", '"10792, 47111"'),
        ("kode belum diisi oleh pelaku usaha", '"kode belum diisi ole…"'),
    ],
)
def test_kbli_code_warns_about_garbage_and_quotes_it(typed, quoted):
    code, warning = kbli_code(typed)

    assert code == ""
    assert warning == f"Kode KBLI {quoted} tidak dikenali; tidak disimpan."


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("C", "C"),
        ("c", "C"),
        ("C - Industri Pengolahan", "C"),
        ("INDUSTRI PENGOLAHAN", "C"),
        ("Kategori C", "C"),
        ("A - PERTANIAN, KEHUTANAN DAN PERIKANAN", "A"),
        ("PERDAGANGAN BESAR DAN ECERAN; REPARASI DAN PERAWATAN MOBIL DAN SEPEDA MOTOR", "G"),
        ("PENGADAAN LISTRIK, GAS, UAP/AIR PANAS DAN UDARA DINGIN", "D"),
        ("PENGADAAN AIR, PENGELOLAAN SAMPAH DAN DAUR ULANG, PEMBUANGAN DAN PEMBERSIHAN LIMBAH DAN SAMPAH", "E"),
        ("PENYEDIAAN AKOMODASI DAN PENYEDIAAN MAKAN MINUM", "I"),
        ("AKTIVITAS JASA LAINNYA", "S"),
        ("Pengangkutan dan pergudangan", "H"),
        ("", ""),
        ("V", ""),
        ("lain-lain", ""),
    ],
)
def test_section_letter_reads_letter_label_or_title(typed, expected):
    assert section_letter(typed) == expected


@pytest.mark.parametrize(
    ("function", "values"),
    [
        (education, Owner.Education.values),
        (sex, Owner.Sex.values),
        (legal_form, [*Business.LegalForm.values, "firma"]),
        (size_class, SizeClass.values),
        (category_from_kbli, Category.values),
        (category_from_words, Category.values),
    ],
)
@given(text=cells)
def test_text_functions_return_a_value_or_refuse(function, values, text):
    try:
        value = function(text)
    except ValueError:
        return
    assert value in {"", *values}


@given(text=cells)
def test_disability_returns_yes_no_unknown_or_refuses(text):
    try:
        answer = disability(text)
    except ValueError:
        return
    assert answer in {True, False, None}


@given(text=cells, section=cells)
def test_kbli_code_never_raises(text, section):
    code, warning = kbli_code(text, section)

    assert code == "" or (len(code) == 5 and code.isascii() and code.isdigit())
    assert isinstance(warning, str)


@given(text=cells)
def test_section_letter_never_raises(text):
    assert section_letter(text) in {"", *"ABCDEFGHIJKLMNOPQRSTU"}
