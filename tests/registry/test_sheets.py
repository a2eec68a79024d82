"""Reading files as the field writes them: any delimiter, length and encoding, title rows above the
header, workbooks whose data is not on the first sheet, and NIKs that went through Excel as numbers."""

import codecs
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from registry import sidt
from registry.imports import read_sheet


def workbook(*sheets):
    """An .xlsx of (name, rows) sheets."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


LONG_ROW = ["x" * 700, "y", "z"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_every_usual_delimiter_is_found_past_the_first_kilobytes(delimiter):
    lines = [delimiter.join(["Nama Pemilik", "NIK", "Nama Usaha"])]
    lines += [delimiter.join([f"Pemilik {n} " + "panjang " * 80, "3515125705840012", f"Usaha {n}"]) for n in range(40)]

    sheet = read_sheet("\r\n".join(lines).encode(), "data.csv")

    assert sheet.headers == ["Nama Pemilik", "NIK", "Nama Usaha"]
    assert len(sheet.rows) == 40
    assert all(len(cells) == 3 for _, cells in sheet.rows)


def test_a_bom_cp1252_and_utf16_all_read_as_text():
    text = "Nama Pemilik;NIK;Nama Usaha\r\nRené Müller;3515125705840012;Kafé Ü\r\n"

    with_bom = read_sheet(codecs.BOM_UTF8 + text.encode("utf-8"), "a.csv")
    windows = read_sheet(text.encode("cp1252"), "b.csv")
    unicode_text = read_sheet(text.replace(";", "\t").encode("utf-16"), "c.csv")

    for sheet in (with_bom, windows, unicode_text):
        assert sheet.headers == ["Nama Pemilik", "NIK", "Nama Usaha"]
        assert sheet.rows == [(2, ["René Müller", "3515125705840012", "Kafé Ü"])]


def test_a_quoted_newline_stays_in_its_cell_and_rows_keep_their_file_line_numbers():
    text = (
        "nama_pengusaha,nik_pengusaha,nama_usaha,kegiatan_utama\n"
        '"Sri",3515125705840012,"Kue","baris satu\nbaris dua"\n'
        'Tono,3515120301790007,Es,"x"\n'
    )

    sheet = read_sheet(text.encode(), "sidt.csv")

    assert sheet.rows[0] == (2, ["Sri", "3515125705840012", "Kue", "baris satu\nbaris dua"])
    assert sheet.rows[1][0] == 4


def test_title_rows_notes_and_the_column_numbers_above_the_data_are_skipped():
    rows = [
        ["DATA UMKM KECAMATAN BALONGBENDO TAHUN 2025"],
        ["Sumber: pendataan desa"],
        [],
        ["NO", "NAMA PEMILIK", "NIK", "NAMA USAHA", "DESA", "KECAMATAN", "NO HP/WA", "OMZET/TAHUN", "TK"],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)"],
        [1, "Sri", "3515125705840012", "Kue Lumpur", "Wonokupang", "Balongbendo", "0812", "Rp 1.000.000", 2],
    ]

    sheet = read_sheet(workbook(("Data", rows)), "data.xlsx")

    assert sheet.header_line == 4
    assert sheet.headers[1:4] == ["NAMA PEMILIK", "NIK", "NAMA USAHA"]
    assert sheet.rows == [
        (6, ["1", "Sri", "3515125705840012", "Kue Lumpur", "Wonokupang", "Balongbendo", "0812", "Rp 1.000.000", "2"])
    ]
    assert [line for line, _ in sheet.skipped] == [1, 2, 5]


def test_the_data_sheet_is_found_behind_an_instructions_sheet_and_any_sheet_can_be_chosen():
    content = workbook(
        ("Petunjuk", [["Isi satu baris per usaha."], ["Kolom NIK diisi sebagai teks."]]),
        ("Data UMKM", [["Nama Pemilik", "NIK", "Nama Usaha"], ["Sri", "3515125705840012", "Kue"]]),
        ("Rekap", [["Kecamatan", "Jumlah"], ["Balongbendo", 1]]),
    )

    found = read_sheet(content, "data.xlsx")
    chosen = read_sheet(content, "data.xlsx", sheet="Rekap")

    assert (found.sheet_name, found.sheet_names) == ("Data UMKM", ["Petunjuk", "Data UMKM", "Rekap"])
    assert found.rows == [(2, ["Sri", "3515125705840012", "Kue"])]
    assert chosen.headers == ["Kecamatan", "Jumlah"]
    with pytest.raises(ValidationError, match="Lembar kerja 'Tidak ada' tidak ada"):
        read_sheet(content, "data.xlsx", sheet="Tidak ada")


def test_a_nik_typed_into_excel_as_a_number_reads_as_excel_shows_it():
    content = workbook(("Data", [["Nama Pemilik", "NIK"], ["Sri", 3515125705840010.0], ["Tono", 3515120301790007]]))

    sheet = read_sheet(content, "data.xlsx")

    assert sheet.rows[0][1][1] == "3.51512570584001E+15"  # Excel kept 15 digits: the check refuses it
    assert sheet.rows[1][1][1] == "3515120301790007"  # written exactly by a program: kept


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "kosong.csv", "Berkas kosong"),
        (b"PK\x03\x04 not really a zip", "rusak.xlsx", "Berkas Excel tidak dapat dibaca"),
        (b"a,b\n1,2", "data.pdf", "Unggah berkas .xlsx atau .csv"),
        (b'a,b\n"' + b"x" * 200_000 + b'",2\n', "panjang.csv", "tidak dapat dibaca sebagai CSV"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(content, filename, message):
    with pytest.raises(ValidationError, match=message):
        read_sheet(content, filename)


def test_the_national_extract_at_two_thousand_rows_of_seven_hundred_characters_reads_whole():
    header = ",".join(sidt.COLUMNS)
    row = ",".join(f'"{"v" * 12}"' for _ in sidt.COLUMNS)
    assert 600 <= len(row) <= 750
    content = codecs.BOM_UTF8 + "\r\n".join([header] + [row] * 2000).encode()

    sheet = read_sheet(content, "sidt.csv")

    assert sheet.headers == sidt.COLUMNS
    assert len(sheet.rows) == 2000
    assert sheet.rows[-1][0] == 2001
