import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, log_in, screenshot

pytestmark = pytest.mark.browser

SHEET = b"""Nama Pemilik;NIK;Nama Usaha;Kec.;Desa/Kel;Omset per tahun
Sri Wahyuni;3515.1257.0584.0012;Kue Lumpur Bu Sri;Balong Bendo;wonokupang;120 juta
Budi;3515120301790;Keripik Budi;Balongbendo;Wonokupang;belum tahu
"""


def test_a_coordinator_imports_a_sheet_through_the_whole_flow(page, live_server, browser_cast):
    log_in(page, live_server, "koordinator.balongbendo")
    page.goto(f"{live_server.url}/usaha/")

    page.get_by_role("link", name="Impor Excel").click()
    check_accessibility(page)
    page.get_by_label("Berkas Excel (.xlsx) atau CSV").set_input_files(
        {"name": "anggota-2025.csv", "mimeType": "text/csv", "buffer": SHEET}
    )
    page.get_by_role("button", name="Unggah dan baca").click()
    expect(page.get_by_text("2 baris terbaca")).to_be_visible()
    expect(page.get_by_label("NIK")).to_have_value("nik")  # the usual header names map themselves
    check_accessibility(page)
    page.get_by_role("button", name="Periksa semua baris").click()

    expect(page.locator('[data-count="valid"]')).to_have_text("1")
    expect(page.get_by_text("NIK: NIK harus 16 digit; yang diisi 13 digit.")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "import-preview")
    page.get_by_role("button", name="Impor 1 baris yang benar").click()

    expect(page.get_by_text("1 usaha baru, 0 diperbarui, 0 tidak berubah, 1 baris gagal.")).to_be_visible()
    expect(page.get_by_role("link", name="Kue Lumpur Bu Sri")).to_be_visible()
