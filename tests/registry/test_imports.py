"""Importing the messy sheets dinas keep: exact per-row errors, all or nothing, and a second import
that changes nothing."""

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from registry.imports import check_rows, failed_rows_csv, guess_mapping, import_rows, read_sheet
from registry.models import Business, Owner, YearlyFigure

# One row per kind of trouble, as people really type it. ";" separated, as Excel in Indonesia saves CSV.
MESSY_CSV = """Nama Pemilik;NIK;JK;No HP;Nama Usaha;Kategori;Kec.;Desa/Kel;Omset per tahun;Tahun
Sri Wahyuni;3515.1257.0584.0012;P;0812-3456-7890;Kue Lumpur Bu Sri;Makanan;Balong Bendo;wonokupang;Rp 120.000.000;2025
Tono;3515 1203 0179 0007;L;+62 813 1111 2222;Es Dawet Tono;minuman;BALONGBENDO;Sumokembang sri;85 juta;2025

Budi;3515120301790;L;0813;Keripik Budi;Makanan;Balongbendo;Wonokupang;belum tahu;2025
Siti;3515124808880009;P;08123;Batik Siti;Batik dan tenun;Balongbend;Wonokupang;;2025
Ani;3515124808880009;P;;Jamu Ani;Jamu;Balongbendo;Wonokupang;=SUM(A1:A3);2025
Tono;3515120301790007;L;081311112222;Es Dawet Tono;Minuman;Balongbendo;Sumokembangsri;85000000;2025
Dewi;3515110202900003;P;;Bandeng Krian;Agro dan perikanan;Krian;Kemasan;;2025
"""


@pytest.fixture
def sheet():
    return read_sheet(MESSY_CSV.encode("utf-8"), "data-umkm.csv")


def test_the_usual_headers_map_themselves(sheet):
    headers, _ = sheet

    mapping = guess_mapping(headers)

    assert [mapping[i] for i in range(10)] == [
        "owner_name",
        "nik",
        "sex",
        "phone",
        "business_name",
        "category",
        "kecamatan",
        "desa",
        "revenue",
        "year",
    ]
    assert guess_mapping(["Kolom Aneh"], remembered={"kolom aneh": "nib"}) == {0: "nib"}
    sidt = ["nik_pengusaha", "nama_pengusaha", "kontak_hp", "nama_usaha", "kode_kbli", "omzet_tahunan", "nib"]
    expected = ["nik", "owner_name", "phone", "business_name", "kbli", "revenue", "nib"]
    assert list(guess_mapping(sidt).values()) == expected


def test_every_row_gets_its_exact_errors(sheet, coordinator_a, kec_b):
    headers, rows = sheet

    results = check_rows(headers, rows, guess_mapping(headers), coordinator_a)

    by_row = {result.number: result.errors for result in results}
    assert [result.number for result in results] == [2, 3, 5, 6, 7, 8, 9]  # the blank line 4 is skipped
    assert by_row[2] == []  # dots in the NIK, "Balong Bendo", "wonokupang", "Rp 120.000.000"
    assert by_row[3] == []  # spaces in the NIK, "+62 813 ...", "85 juta", "Sumokembang sri"
    assert by_row[5] == [
        "NIK: NIK harus 16 digit; yang diisi 13 digit.",
        "Omzet setahun: Isi jumlah Rupiah dengan angka, misalnya 1.250.000.",
    ]
    assert by_row[6] == ["Kecamatan 'Balongbend' tidak dikenal; mungkin Balongbendo."]
    assert by_row[7] == ["Omzet setahun: berisi rumus (=SUM(A1:A3)), bukan nilai."]
    assert by_row[8] == []  # the same as row 3, written differently: skipped, not refused
    warnings = {result.number: result.warnings for result in results}
    assert warnings[8] == ["Sama dengan baris 3; dilewati."]
    # An optional value that is wrong is left out with a warning; the record stays.
    assert warnings[6] == ["Nomor HP '08123': tidak dikenali (contoh 0812-3456-7890); dikosongkan."]
    assert by_row[9] == ["Kecamatan Krian di luar wilayah kerja Anda."]


def test_all_or_nothing_writes_nothing_when_a_row_fails(sheet, coordinator_a, kec_b):
    headers, rows = sheet
    results = check_rows(headers, rows, guess_mapping(headers), coordinator_a)

    summary = import_rows(results, by=coordinator_a, filename="data-umkm.csv", all_or_nothing=True)

    assert (summary.created, summary.failed) == (0, 4)
    assert not Business.objects.exists()
    assert not Owner.objects.exists()


def test_valid_rows_are_written_once_and_a_second_import_changes_nothing(sheet, coordinator_a, kec_b):
    headers, rows = sheet

    first = import_rows(
        check_rows(headers, rows, guess_mapping(headers), coordinator_a),
        by=coordinator_a,
        filename="data-umkm.csv",
        all_or_nothing=False,
    )
    snapshot = list(Business.objects.order_by("pk").values("pk", "name", "updated_at"))
    second = import_rows(
        check_rows(headers, rows, guess_mapping(headers), coordinator_a),
        by=coordinator_a,
        filename="data-umkm.csv",
        all_or_nothing=False,
    )

    assert (first.created, first.failed) == (2, 4)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert list(Business.objects.order_by("pk").values("pk", "name", "updated_at")) == snapshot
    sri = Business.objects.get(name="Kue Lumpur Bu Sri")
    assert (sri.owner.nik, sri.owner.sex, sri.owner.phone) == ("3515125705840012", "P", "+6281234567890")
    assert sri.desa.name == "Wonokupang"
    assert (sri.source, sri.source_ref) == ("import", "data-umkm.csv baris 2")
    assert YearlyFigure.objects.get(business=sri, year=2025).revenue == 120_000_000
    assert sri.owner.birth_date.isoformat() == "1984-05-17"  # read from the NIK when the sheet has none


def test_failed_rows_download_with_their_reasons(sheet, coordinator_a, kec_b):
    headers, rows = sheet
    results = check_rows(headers, rows, guess_mapping(headers), coordinator_a)

    lines = failed_rows_csv(headers, results).splitlines()

    assert lines[0].endswith(",Alasan")
    assert len(lines) == 1 + 4
    assert "di luar wilayah kerja Anda" in lines[-1]


def test_an_excel_sheet_with_a_formula_and_a_blank_line(coordinator_a):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nama pemilik", "NIK", "Nama usaha", "Kecamatan", "Desa", "Omzet"])
    sheet.append(["Sri", 3515125705840012, "Kue Lumpur", "Balongbendo", "Wonokupang", 120000000])
    sheet.append([])
    sheet.append(["Ani", "3515124808880009", "Jamu Ani", "Balongbendo", "Wonokupang", "=B2*2"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    headers, rows = read_sheet(buffer.getvalue(), "data.xlsx")
    results = check_rows(headers, rows, guess_mapping(headers), coordinator_a)

    assert [(r.number, r.errors) for r in results] == [
        (2, []),
        (4, ["Omzet setahun: berisi rumus (=B2*2), bukan nilai."]),
    ]


def test_a_sheet_without_the_required_columns_is_refused(coordinator_a):
    headers, rows = read_sheet(b"Nama usaha,Kecamatan\nKue,Balongbendo\n", "a.csv")

    with pytest.raises(ValidationError, match="Kolom wajib belum dipetakan: Nama pemilik, NIK, Desa/kelurahan"):
        check_rows(headers, rows, guess_mapping(headers), coordinator_a)


@pytest.mark.parametrize(("content", "name"), [(b"", "a.csv"), (b"bukan excel", "a.xlsx"), (b"x", "a.pdf")])
def test_unreadable_files_are_refused_in_indonesian(content, name):
    with pytest.raises(ValidationError):
        read_sheet(content, name)


def test_a_nib_of_a_business_in_another_kecamatan_is_refused_not_overwritten(coordinator_a, kec_b):
    from tests.factories import make_business

    elsewhere = make_business(kec_b, name="Bandeng Krian", nib="1234567890123")
    content = (
        b"Nama pemilik,NIK,Nama usaha,Kecamatan,Desa,NIB\n"
        b"Sri,3515125705840012,Kue Sri,Balongbendo,Wonokupang,1234567890123\n"
    )
    headers, rows = read_sheet(content, "a.csv")
    results = check_rows(headers, rows, guess_mapping(headers), coordinator_a)

    summary = import_rows(results, by=coordinator_a, filename="a.csv", all_or_nothing=False)

    assert (summary.created, summary.updated, summary.failed) == (0, 0, 1)
    assert results[0].errors == [
        f"NIB 1234567890123 sudah terdaftar untuk pelaku usaha lain (NIK {elsewhere.owner.masked_nik})."
    ]
    elsewhere.refresh_from_db()
    assert (elsewhere.name, elsewhere.kecamatan_id) == ("Bandeng Krian", kec_b.pk)
    assert not Owner.objects.filter(nik="3515125705840012").exists()  # the row's owner was undone too
