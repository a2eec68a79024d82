import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, log_in, screenshot
from tests.worker import run_tasks

pytestmark = pytest.mark.browser

SHEET = b"""Nama Pemilik;NIK;Nama Usaha;Kec.;Desa/Kel;Omset per tahun
Sri Wahyuni;3515.1257.0584.0012;Kue Lumpur Bu Sri;Balong Bendo;wonokupang;120 juta
Budi;3515120301790;Keripik Budi;Balongbendo;Wonokupang;belum tahu
"""


def test_a_coordinator_imports_a_sheet_through_the_whole_flow(page, live_server, browser_cast):
    log_in(page, live_server, "koordinator.balongbendo")
    page.goto(f"{live_server.url}/usaha/")

    page.get_by_role("link", name="Impor Excel").click()
    expect(page.get_by_label("Berkas Excel (.xlsx) atau CSV")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Berkas Excel (.xlsx) atau CSV").set_input_files(
        {"name": "anggota-2025.csv", "mimeType": "text/csv", "buffer": SHEET}
    )
    page.get_by_role("button", name="Unggah dan baca").click()
    # A worker reads the file; the page polls and shows the columns once it has.
    expect(page.get_by_text("Sedang dibaca")).to_be_visible()
    check_accessibility(page)
    run_tasks()
    expect(page.get_by_text("2 baris terbaca")).to_be_visible(timeout=10_000)
    expect(page.get_by_label("NIK")).to_have_value("nik")  # the usual header names map themselves
    check_accessibility(page)
    page.get_by_role("button", name="Periksa semua baris").click()

    # A worker checks every row; the page shows its progress, then the preview.
    expect(page.get_by_text("Sedang diperiksa")).to_be_visible()
    run_tasks()
    expect(page.locator('[data-count="valid"]')).to_have_text("1", timeout=10_000)
    expect(page.get_by_text("NIK: NIK harus 16 digit; yang diisi 13 digit.")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "import-preview")
    page.get_by_role("button", name="Impor 1 baris yang benar").click()

    # A worker writes the rows; the page polls its progress and shows the outcome by itself.
    expect(page.get_by_text("2 baris sedang diimpor")).to_be_visible()
    expect(page.get_by_text("Menunggu")).to_be_visible()
    screenshot(page, "import-queued")
    run_tasks()
    expect(page.get_by_text("1 baru, 0 diperbarui, 0 tidak berubah, 1 gagal.")).to_be_visible(timeout=10_000)
    check_accessibility(page)
    screenshot(page, "import-done")
    page.get_by_role("link", name="Buka daftar usaha").click()
    expect(page.get_by_role("link", name="Kue Lumpur Bu Sri")).to_be_visible()


def test_a_dinas_officer_imports_a_kecamatan_workbook_with_title_rows_and_an_instructions_sheet(
    page, live_server, browser_cast
):
    from tests import fieldfiles

    rows = fieldfiles.dinas_sheet_rows(["35.15.12.2001", "35.15.12.2006"], 6, seed=21)
    rows[1]["NO HP/WA"] = "0812-3456-7890 / 0813-1111-2222"  # two phones in one cell: a note, not a refusal
    rows[2]["OMZET/TAHUN"] = "50-60 juta"  # a range: refused with its reason
    content = fieldfiles.dinas_xlsx(rows)
    log_in(page, live_server, "dinas.sidoarjo")
    page.goto(f"{live_server.url}/impor/")

    page.get_by_label("Berkas Excel (.xlsx) atau CSV").set_input_files(
        {"name": "umkm-balongbendo.xlsx", "mimeType": "application/octet-stream", "buffer": content}
    )
    page.get_by_role("button", name="Unggah dan baca").click()
    expect(page.get_by_text("Sedang dibaca")).to_be_visible()
    run_tasks()

    expect(page.get_by_text("6 baris terbaca (lembar 'Data UMKM', judul kolom di baris 4)")).to_be_visible(
        timeout=10_000
    )
    expect(page.get_by_label("Lembar kerja")).to_have_value("Data UMKM")
    expect(page.get_by_label("NO HP/WA")).to_have_value("phone")
    expect(page.get_by_label("OMZET/TAHUN")).to_have_value("revenue")
    expect(page.get_by_label("TK", exact=True)).to_have_value("workers")
    check_accessibility(page)
    screenshot(page, "import-workbook-mapping")
    page.get_by_role("button", name="Periksa semua baris").click()
    expect(page.get_by_text("Sedang diperiksa")).to_be_visible()
    run_tasks()

    expect(page.locator('[data-count="valid"]')).to_have_text("5", timeout=10_000)
    expect(page.get_by_text("Jumlah berupa rentang")).to_be_visible()
    expect(page.get_by_test_id("warnings").get_by_text("berisi 2 nomor")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "import-workbook-preview")

    page.locator('button[name="language"][value="en"]').click()
    expect(page.get_by_role("heading", name=re.compile("Import preview"))).to_be_visible()
    expect(page.get_by_role("heading", name="Rows with notes")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "import-workbook-preview-en")
    page.locator('button[name="language"][value="id"]').click()
    page.get_by_role("button", name="Impor 5 baris yang benar").click()
    expect(page.get_by_text("6 baris sedang diimpor")).to_be_visible()
    run_tasks()

    expect(page.get_by_text("5 baru, 0 diperbarui, 0 tidak berubah, 1 gagal")).to_be_visible(timeout=10_000)
