"""Rows written the way the field writes them: each value stored or its row saying why, in the right
kabupaten, with the national systems' identity (one NIB per owner), and nothing written twice."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from registry.imports import check_rows, guess_mapping, import_rows, read_sheet
from registry.models import Business, Owner, YearlyFigure
from tests.factories import make_business, make_owner, make_region

HEADER = "Provinsi;Kabupaten;Kecamatan;Desa;Nama Pemilik;NIK;Nama Usaha;NIB;No HP/WA;Omzet/Tahun;TK;Jenis Usaha"


def sheet(*lines, header=HEADER):
    return "\n".join([header, *lines]).encode()


def check(content, user, filename="data.csv", year=None):
    headers, rows = read_sheet(content, filename)
    return check_rows(headers, rows, guess_mapping(headers), user, year=year)


def run(content, user, all_or_nothing=False):
    results = check(content, user)
    return results, import_rows(results, by=user, filename="data.csv", all_or_nothing=all_or_nothing)


@pytest.fixture
def sidoarjo(db):
    return make_region("35.15")


@pytest.fixture
def dinas(sidoarjo):
    from registry import roles
    from tests.factories import make_user

    return make_user(roles.DINAS, kabupaten=sidoarjo, username="dinas.sidoarjo.impor")


#
# Where
#


def test_a_row_of_another_kabupaten_with_a_shared_kecamatan_name_is_refused_saying_so(dinas):
    results = check(
        sheet(
            "JAWA TIMUR;KABUPATEN SIDOARJO;BALONGBENDO;SEDURI (DESA);Sri;3515125705840012;Kue Sri;;;;;",
            "JAWA TIMUR;KABUPATEN SIDOARJO;GEDANGAN;GEDANGAN;Budi;3515120101900002;Soto Budi;;;;;",
            "JAWA TIMUR;KABUPATEN MALANG;GEDANGAN;GEDANGAN;Tono;3507120301790007;Es Tono;;;;;",
            "JAWA BARAT;KAB. BOGOR;CIAWI;BANJARSARI;Ani;3201124808880009;Jamu Ani;;;;;",
        ),
        dinas,
    )

    assert [r.errors for r in results[:2]] == [[], []]
    assert results[0].values["desa"].code == "35.15.12.2006"  # Seduri, Balongbendo
    assert results[1].values["desa"].code == "35.15.16.2009"  # Gedangan, Gedangan, Sidoarjo
    assert results[2].errors == ["Kabupaten Malang di luar wilayah kerja Anda: baris ini tidak diimpor."]
    assert results[3].errors == ["Kabupaten Bogor di luar wilayah kerja Anda: baris ini tidak diimpor."]


def test_kabupaten_written_by_code_or_with_kab_and_kota_resolve(dinas):
    results = check(
        sheet(
            "35;35.15;Balongbendo;Wonokupang;Sri;3515125705840012;Kue Sri;;;;;",
            "JAWA TIMUR;3515;BALONGBENDO;WONOKUPANG;Tono;3515120301790007;Es Tono;;;;;",
            "JAWA TIMUR;KAB. SIDOARJO;Balong Bendo;Desa Wonokupang;Ani;3515124808880009;Jamu Ani;;;;;",
            "JAWA TIMUR;KOTA SIDOARJO;Balongbendo;Wonokupang;Budi;3515120101900002;Soto Budi;;;;;",
        ),
        dinas,
    )

    assert [r.errors for r in results[:3]] == [[], [], []]
    assert {r.values["desa"].code for r in results[:3]} == {"35.15.12.2001"}
    assert results[3].errors == ["Kabupaten/kota 'KOTA SIDOARJO' tidak dikenal."]


def test_a_kecamatan_another_coordinator_holds_is_outside_the_coordinators_area(coordinator_a, kec_b):
    results = check(sheet(";;Krian;Kemasan;Dewi;3515110202900003;Bandeng Krian;;;;;"), coordinator_a)

    assert results[0].errors == ["Kecamatan Krian di luar wilayah kerja Anda."]


#
# Identity: one NIB per owner
#


def test_two_businesses_of_one_owner_share_the_owners_nib(dinas):
    content = sheet(
        ";;Balongbendo;Wonokupang;Sri;3515125705840012;Kue Lumpur Bu Sri;9120001234567;;;;",
        ";;Balongbendo;Wonokupang;Sri;3515125705840012;Katering Bu Sri;9120001234567;;;;",
    )

    results, summary = run(content, dinas, all_or_nothing=True)

    assert [r.errors for r in results] == [[], []]
    assert (summary.created, summary.failed) == (2, 0)
    assert Business.objects.filter(nib="9120001234567").count() == 2
    assert Owner.objects.count() == 1


def test_a_nib_of_another_owner_is_refused_in_the_file_and_against_the_registry(dinas, sidoarjo):
    make_business(make_region("35.15.12"), nib="9120009999999")
    content = sheet(
        ";;Balongbendo;Wonokupang;Sri;3515125705840012;Kue Sri;9120001234567;;;;",
        ";;Balongbendo;Wonokupang;Tono;3515120301790007;Es Tono;9120001234567;;;;",
        ";;Balongbendo;Wonokupang;Ani;3515124808880009;Jamu Ani;9120009999999;;;;",
    )

    results = check(content, dinas)

    assert results[0].errors == []
    assert results[1].errors == [
        "NIB 9120001234567 dipakai juga di baris 2 dengan NIK lain. Satu NIB untuk satu pelaku usaha."
    ]
    assert results[2].errors[0].startswith("NIB 9120009999999 sudah terdaftar untuk pelaku usaha lain (NIK ")


#
# Nothing lost, nothing refused for an optional cell
#


def test_damaged_optional_cells_keep_the_record_and_say_what_was_left_out(dinas):
    phones = "0812-3456-7890 / 0813-1111-2222"
    content = sheet(f";;Balongbendo;Wonokupang;Sri;3515125705840012;Kue Sri;912000123456;{phones};;dua;Kuliner")

    results, summary = run(content, dinas)

    assert results[0].errors == []
    assert summary.created == 1
    warnings = " ".join(results[0].warnings)
    assert "12 digit" in warnings
    assert "NIB tidak disimpan" in warnings
    assert "berisi 2 nomor" in warnings
    business = Business.objects.get()
    assert (business.nib, business.category, business.owner.phone) == ("", "makanan", "+6281234567890")


def test_ranges_text_and_amounts_beyond_the_column_are_refused_at_the_preview(dinas):
    content = sheet(
        ";;Balongbendo;Wonokupang;Sri;3515125705840012;Kue Sri;;;50-60 juta;;",
        ";;Balongbendo;Wonokupang;Tono;3515120301790007;Es Tono;;;12345678901234567890;;",
        ";;Balongbendo;Wonokupang;Ani;3515124808880009;Jamu Ani;;;Rp 1.250.000,-;3;",
    )

    results = check(content, dinas)

    assert "rentang" in results[0].errors[0]
    assert "999.999.999.999.999" in results[1].errors[0]
    assert results[2].errors == []
    assert (results[2].values["revenue"], results[2].values["workers"]) == (1_250_000, 3)


def test_a_nik_column_excel_turned_into_numbers_is_refused_with_the_fix():
    from registry.imports import RowResult, _excel_damaged_niks

    results = [RowResult(n, [], values={"nik": f"351512570584{n:03d}0"}) for n in range(6)]

    _excel_damaged_niks(results)

    assert all("Format kolom NIK sebagai Teks" in r.errors[0] for r in results)


#
# Idempotent
#


def test_one_owner_on_two_rows_with_different_phones_is_written_once_and_the_second_import_writes_nothing(dinas):
    header = "kec_usaha,kel_usaha,nama_pengusaha,nik_pengusaha,nama_usaha,kontak_hp,updated_at"
    content = sheet(
        "Balongbendo,Wonokupang,Sri,3515125705840012,Kue Sri,081234567890,2025-03-01T10:00:00+07:00",
        "Balongbendo,Wonokupang,Sri W,3515125705840012,Katering Sri,081399998888,2025-06-01T10:00:00+07:00",
        header=header,
    )

    results, first = run(content, dinas)
    _, second = run(content, dinas)

    assert (first.created, second.created, second.updated, second.unchanged) == (2, 0, 0, 2)
    owner = Owner.objects.get()
    assert (owner.name, owner.phone) == ("Sri W", "+6281399998888")  # the newest updated_at wins
    assert "dipakai baris 3 (updated_at terbaru)" in results[0].warnings[0]


def test_a_row_repeated_exactly_is_skipped_and_a_changed_repeat_refused(dinas):
    line = ";;Balongbendo;Wonokupang;Sri;3515125705840012;Kue Sri;;;;;"
    results, summary = run(sheet(line, line, line.replace(";;;;;", ";;;5000000;;")), dinas)

    assert [r.status for r in results] == ["ok", "duplicate", "duplicate"]
    assert results[2].errors == ["Baris ganda: usaha yang sama dengan baris 2, isinya berbeda."]
    assert (summary.created, summary.skipped, summary.failed) == (1, 1, 1)


def test_the_figures_year_comes_from_the_chosen_year_when_the_sheet_has_none(dinas):
    results = check(sheet(";;Balongbendo;Wonokupang;Sri;3515125705840012;Kue Sri;;;85 juta;;"), dinas, year=2023)
    import_rows(results, by=dinas, filename="data.csv", all_or_nothing=True)

    assert list(YearlyFigure.objects.values_list("year", "revenue")) == [(2023, 85_000_000)]


#
# The command
#


def test_import_sheet_prints_every_row_as_json_and_a_second_run_changes_nothing(dinas, tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(
        sheet(
            ";;Balongbendo;Wonokupang;Sri;3515125705840012;Kue Sri;;;;;",
            ";;Balongbendo;Tidak Ada;Tono;3515120301790007;Es Tono;;;;;",
        )
    )

    out = io.StringIO()
    call_command("import_sheet", str(path), user=dinas.username, as_json=True, stdout=out)
    again = io.StringIO()
    call_command("import_sheet", str(path), user=dinas.username, as_json=True, stdout=again)

    first = json.loads(out.getvalue())
    assert (first["created"], first["failed"]) == (1, 1)
    assert [(r["row"], r["status"]) for r in first["rows"]] == [(2, "ok"), (3, "error")]
    assert "Desa 'Tidak Ada' tidak ada di Kecamatan Balongbendo" in first["rows"][1]["messages"][0]
    second = json.loads(again.getvalue())
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, 1)
    assert second["rows"][0]["status"] == "unchanged"


def test_import_sheet_dry_run_writes_nothing_and_all_mode_fails_loudly(dinas, tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(
        sheet(
            ";;Balongbendo;Wonokupang;Sri;3515125705840012;Kue Sri;;;;;",
            ";;Balongbendo;Wonokupang;Tono;12345;Es Tono;;;;;",
        )
    )

    out = io.StringIO()
    call_command("import_sheet", str(path), user=dinas.username, dry_run=True, stdout=out)
    with pytest.raises(CommandError, match="Tidak ada yang diimpor"):
        call_command("import_sheet", str(path), user=dinas.username, mode="all", stdout=io.StringIO())

    assert out.getvalue().strip() == "1 created, 0 updated, 0 unchanged, 1 failed (dry run: rolled back)"
    assert not Business.objects.exists()


def test_import_sheet_refuses_a_user_without_the_import_permission(bank_officer, tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(sheet())

    with pytest.raises(CommandError, match="may not import"):
        call_command("import_sheet", str(path), user=bank_officer.username)


def test_export_sidt_refuses_full_identity_without_a_reason(dinas, tmp_path):
    with pytest.raises(CommandError, match="--reason"):
        call_command("export_sidt", user=dinas.username, out=str(tmp_path / "x.csv"), full_identity=True)


def test_the_owner_of_a_nib_may_register_a_second_business_under_it(kec_a):
    owner = make_owner(kec_a)
    make_business(kec_a, owner=owner, nib="9120001234567")

    second = make_business(kec_a, owner=owner, nib="9120001234567", name="Usaha kedua")

    assert second.pk


def test_a_birth_date_in_words_and_a_nib_not_yet_issued_are_read_as_people_write_them(dinas):
    header = "Kecamatan;Desa;Nama Pemilik;NIK;Nama Usaha;NIB;Tanggal lahir"
    content = sheet(
        ";".join(["Balongbendo", "Wonokupang", "Sri", "3515125705840012", "Kue Sri", "belum ada", "17 Mei 1984"]),
        header=header,
    )

    results = check(content, dinas)

    assert (results[0].errors, results[0].warnings) == ([], [])
    assert (results[0].values["nib"], str(results[0].values["birth_date"])) == ("", "1984-05-17")
