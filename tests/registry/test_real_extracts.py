"""Files in the real layouts (tests/fieldfiles.py): the national extract at 1, 10 and 2,000 rows, a
kecamatan office's workbook and CSV, an extract with mixed defects, and the portal's own SIDT export
going out, coming back into an empty registry, and going out again the same."""

import csv
import io

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry import roles, sidt
from registry.imports import FIELDS, check_rows, guess_mapping, import_rows, read_sheet
from registry.models import Business, Owner, Product, YearlyFigure
from tests import fieldfiles
from tests.factories import make_region, make_user

BALONGBENDO = ["35.15.12.2001", "35.15.12.2006", "35.15.12.2002"]
GEDANGAN = ["35.15.16.2009", "35.15.16.2001"]


@pytest.fixture
def dinas(db):
    sidoarjo = make_region("35.15")
    return make_user(roles.DINAS, kabupaten=sidoarjo, username="dinas.sidoarjo.ekstrak")


def run(content, user, filename="ekstrak.csv", all_or_nothing=False):
    headers, rows = read_sheet(content, filename)
    results = check_rows(headers, rows, guess_mapping(headers), user)
    return results, import_rows(results, by=user, filename=filename, all_or_nothing=all_or_nothing)


@pytest.mark.parametrize("size", [1, 10, 2000])
def test_the_national_extract_imports_whole_and_a_second_import_writes_nothing(dinas, size):
    records = fieldfiles.sidt_records(BALONGBENDO + GEDANGAN, size, seed=size)
    content = fieldfiles.sidt_csv(records)

    results, first = run(content, dinas)
    history = Business.history.count()
    _, second = run(content, dinas)

    assert [(r.number, r.errors) for r in results if r.errors] == []
    assert first.created == size
    assert Business.objects.count() == size
    assert (second.created, second.updated, second.unchanged, second.failed) == (0, 0, size, 0)
    assert Business.history.count() == history
    # One owner of two national records holds one NIB for both (OSS gives it to the business actor).
    assert Owner.objects.count() == len({r["nik_pengusaha"] for r in records})


def test_every_value_of_a_national_record_lands_in_the_right_desa_with_its_values(dinas):
    record = fieldfiles.sidt_record("35.15.16.2009", seed=7)

    results, _summary = run(fieldfiles.sidt_csv([record]), dinas)

    assert results[0].errors == []
    business = Business.objects.get()
    assert business.desa_id == "35.15.16.2009"  # Gedangan of Sidoarjo, not of Malang
    assert business.national_id == record["id_data_badan_usaha"]
    assert business.name == record["nama_usaha"]
    assert business.kbli_code == record["kode_kbli"]
    assert business.nib == record["nib"]
    assert business.category != "lainnya" or record["kode_kbli"][:2] not in ("10", "11", "14", "47", "56")
    assert business.legal_form != ""
    assert business.legal_form in {c for c, _ in Business.LegalForm.choices}
    assert str(business.start_year) == record["tahun_mulai_operasi"]
    assert business.national_record["foto_usaha"] == record["foto_usaha"]
    owner = business.owner
    assert owner.nik == record["nik_pengusaha"]
    assert owner.education != ""  # the Dukcapil label is known
    assert owner.phone.startswith("+62")
    figure = YearlyFigure.objects.get()
    assert figure.revenue == int(float(record["omzet_tahunan"]))
    assert Product.objects.get().name == record["produk_utama"]


def test_an_extract_with_mixed_defects_imports_every_valid_row_and_refuses_each_bad_one(dinas):
    content, rows = fieldfiles.mixed_defects_extract(BALONGBENDO + GEDANGAN, seed=3)
    refused = {"nik_15_digits", "nik_excel_scientific", "nik_bad_month", "blank_owner_name", "blank_business_name"}
    refused |= {"other_kabupaten", "unknown_desa", "range_omzet", "huge_omzet", "shared_nib_other_owner"}

    results, summary = run(content, dinas)
    _again_results, again = run(content, dinas)

    by_line = {r.number: r for r in results}
    for row in rows:
        result = by_line[row["line"]]
        if row["defect"] in refused:
            assert result.errors, row["defect"]
        else:
            assert result.errors == [], (row["defect"], result.errors)
    assert summary.failed == len(refused)
    assert summary.created == len(rows) - len(refused)
    assert (again.created, again.updated, again.failed) == (0, 0, len(refused))
    kbli_row = next(r for r in rows if r["defect"] == "kbli_4_digit")
    assert by_line[kbli_row["line"]].warnings  # the damaged KBLI is named, the record kept
    dms = next(r for r in rows if r["defect"] == "latitude_dms")
    stored = Business.objects.get(national_id=dms["record"]["id_data_badan_usaha"])
    assert -8 < stored.latitude < -7


def test_a_kecamatan_workbook_with_title_rows_behind_an_instructions_sheet(dinas):
    rows = fieldfiles.dinas_sheet_rows(BALONGBENDO, 25, seed=5)
    content = fieldfiles.dinas_xlsx(rows)

    results, summary = run(content, dinas, filename="umkm-balongbendo.xlsx")

    assert [(r.number, r.errors) for r in results if r.errors] == []
    assert summary.created == 25
    assert results[0].number == 5  # the header sits on line 4 of the data sheet
    assert YearlyFigure.objects.filter(workers__isnull=False).exists()  # "TK" is imported


def test_niks_typed_into_excel_as_numbers_are_refused_with_the_fix(dinas):
    rows = fieldfiles.dinas_sheet_rows(BALONGBENDO, 6, seed=6)

    results, _ = run(fieldfiles.dinas_xlsx(rows, nik_as_number=True), dinas, filename="umkm.xlsx")
    csv_results, _ = run(fieldfiles.dinas_csv(rows, nik_damage="zero"), dinas, filename="umkm.csv")
    sci_results, _ = run(fieldfiles.dinas_csv(rows, nik_damage="scientific"), dinas, filename="umkm2.csv")

    for result in [*results, *csv_results, *sci_results]:
        assert any("Format kolom NIK sebagai Teks" in error for error in result.errors), result.errors
    assert not Business.objects.exists()


def test_a_kecamatan_csv_saved_by_an_indonesian_excel_imports(dinas):
    rows = fieldfiles.dinas_sheet_rows(BALONGBENDO, 12, seed=8)

    results, summary = run(fieldfiles.dinas_csv(rows), dinas, filename="umkm.csv")

    assert [(r.number, r.errors) for r in results if r.errors] == []
    assert summary.created == 12


#
# Round trip
#


def _export(user, path):
    call_command(
        "export_sidt", user=user.username, out=str(path), full_identity=True, reason="kirim balik ke SIDT provinsi"
    )
    with open(path, encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle))
    stamp = lines[0].index("updated_at")
    return [[cell for index, cell in enumerate(line) if index != stamp] for line in lines]


def test_the_portals_own_export_comes_back_into_an_empty_registry_and_goes_out_the_same(
    dinas, tmp_path, django_db_blocker
):
    records = fieldfiles.sidt_records(BALONGBENDO + GEDANGAN, 30, seed=11)
    run(fieldfiles.sidt_csv(records), dinas)
    first = _export(dinas, tmp_path / "satu.csv")
    # An empty registry: nothing of the first import is left.
    YearlyFigure.objects.all().delete()
    Product.objects.all().delete()
    Business.all_objects.all().delete()
    Owner.all_objects.all().delete()

    results, summary = run((tmp_path / "satu.csv").read_bytes(), dinas, filename="satu.csv")
    second = _export(dinas, tmp_path / "dua.csv")

    assert [(r.number, r.errors) for r in results if r.errors] == []
    assert summary.created == 30
    assert second == first
    assert not any(cell.startswith("'") for line in first for cell in line)  # no coordinate or phone quoted


#
# No cell can cause a server error
#

MAPPED_HEADERS = {target: names[0] for target, (_, names) in FIELDS.items()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.sampled_from(sorted(MAPPED_HEADERS)), text=st.text(max_size=60))
def test_any_text_in_any_mapped_column_gives_a_value_or_a_row_message(dinas, target, text):
    base = {
        "nama pemilik": "Sri",
        "nik": "3515125705840012",
        "nama usaha": "Kue Sri",
        "kecamatan": "Balongbendo",
        "desa": "Wonokupang",
    }
    base[MAPPED_HEADERS[target]] = text
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(base))
    writer.writerow(list(base.values()))

    headers, rows = read_sheet(out.getvalue().encode(), "acak.csv")
    results = check_rows(headers, rows, guess_mapping(headers), dinas)
    summary = import_rows(results, by=dinas, filename="acak.csv", all_or_nothing=False)

    for result in results:
        assert result.ok or result.errors
    assert summary.created + summary.updated + summary.unchanged + summary.failed + summary.skipped == len(results)


def test_the_sidt_columns_all_map_themselves():
    mapping = guess_mapping(sidt.COLUMNS)

    assert set(mapping.values()) >= {"national_id", "nik", "owner_name", "kabupaten", "province", "legal_form"}
