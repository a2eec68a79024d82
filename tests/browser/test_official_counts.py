import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from registry import roles
from registry.models import Business
from tests.browser.conftest import check_accessibility, log_in, screenshot
from tests.factories import make_business, make_region, make_user
from tests.worker import run_tasks

pytestmark = pytest.mark.browser

DEMO_CSV = Path(__file__).resolve().parents[2] / "reports" / "data" / "open_data_jatim_jateng.csv"


@pytest.fixture
def blora(browser_cast):
    """Kabupaten Blora with its dinas officer and three members, two of them registered by the end of 2023."""
    kabupaten = make_region("33.16")
    make_user(roles.DINAS, kabupaten=kabupaten, username="dinas.blora", first_name="Wisnu")
    kecamatan = kabupaten.kecamatan_set.order_by("code").first()
    for when in ((2023, 3, 1), (2023, 11, 20), (2024, 2, 1)):
        business = make_business(kecamatan)
        registered = datetime.datetime(*when, tzinfo=ZoneInfo("Asia/Jakarta"))
        Business.objects.filter(pk=business.pk).update(created_at=registered)
    run_tasks()  # the worker's recount: the registry's side of the table is read from the summary
    return kabupaten


def test_dinas_uploads_the_open_data_table_and_sees_it_beside_the_registry(page, live_server, blora, tmp_path):
    log_in(page, live_server, "dinas.blora")
    page.get_by_role("link", name="Dasbor", exact=True).click()
    official = page.locator("[data-official-counts]")
    expect(page.get_by_text("Belum ada data resmi untuk wilayah ini.")).to_be_visible()

    page.get_by_role("link", name="Muat data resmi").click()
    wrong = tmp_path / "salah.csv"
    wrong.write_text(
        "kode_provinsi;nama_provinsi;kode_kabupaten_kota;nama_kabupaten_kota;jumlah_umkm;satuan;tahun\n"
        "33;JAWA TENGAH;3316;KABUPATEN GROBOGAN;13.652;UNIT;2023\n"
    )
    page.get_by_label("Berkas open data (.csv atau .xlsx)").set_input_files(wrong)
    page.get_by_role("button", name="Muat", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Tidak ada yang disimpan.")
    expect(page.get_by_text("Baris 2: nama “KABUPATEN GROBOGAN” tidak cocok dengan kode 33.16")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "official-counts-row-errors")

    page.get_by_label("Berkas open data (.csv atau .xlsx)").set_input_files(DEMO_CSV)
    page.get_by_role("button", name="Muat", exact=True).click()

    expect(page.get_by_role("heading", name="Dasbor UMKM")).to_be_visible()
    expect(page.get_by_text("open_data_jatim_jateng.csv: 1 dimuat, 0 tidak berubah, 1 tidak dimuat.")).to_be_visible()
    row = page.locator('[data-official="33.16-2023"]')
    expect(row.locator("[data-official-value]")).to_have_text("13.652")
    expect(row.locator("[data-portal-value]")).to_have_text("2")
    expect(row.locator("[data-difference]")).to_have_text("-13.650")
    expect(official).to_be_visible()
    check_accessibility(page)
    official.scroll_into_view_if_needed()
    screenshot(page, "official-counts-dashboard")

    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("heading", name="Official figures (open data)")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Registered in the portal")).to_be_visible()
    expect(row.locator("[data-official-value]")).to_have_text("13.652")
    check_accessibility(page)
    screenshot(page, "official-counts-dashboard-en")
