import datetime
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from registry.models import Business, LegalDocument
from tests.browser.conftest import check_accessibility, log_in, screenshot
from tests.factories import make_business, make_document, make_figure, make_region
from tests.worker import run_tasks

pytestmark = pytest.mark.browser


@pytest.fixture
def members(browser_cast):
    """A handful of members in Balongbendo and Krian, with figures and documents to chart."""
    krian = make_region("35.15.11")
    rows = [
        (browser_cast["kec_a"], "Kue Lumpur Bu Sri", "makanan", 1_500_000_000, 3_000_000_000),
        (browser_cast["kec_a"], "Es Dawet Pak Tono", "minuman", 60_000_000, 80_000_000),
        (browser_cast["kec_a"], "Anyaman Bambu Balong", "kerajinan", 200_000_000, 250_000_000),
        (krian, "Bandeng Presto Krian", "makanan", 900_000_000, 1_100_000_000),
        (krian, "Batik Tulis Krian", "batik", 400_000_000, 420_000_000),
    ]
    for kecamatan, name, category, before, after in rows:
        business = make_business(kecamatan, name=name, category=category, verification=Business.Verification.VERIFIED)
        make_figure(business, year=2024, revenue=before)
        make_figure(business, year=2025, revenue=after)
    make_document(
        Business.objects.get(name="Kue Lumpur Bu Sri"),
        kind=LegalDocument.Kind.HALAL,
        expires_on=datetime.date.today() + datetime.timedelta(days=60),
    )
    run_tasks()  # the worker's dashboard recount


def test_dinas_filters_the_dashboard_follows_a_figure_and_downloads_the_reports(
    page, live_server, browser_cast, members, tmp_path
):
    log_in(page, live_server, "dinas.sidoarjo")

    page.get_by_role("link", name="Dasbor", exact=True).click()
    expect(page.get_by_role("heading", name="Dasbor UMKM")).to_be_visible()
    expect(page.locator('[data-figure="Usaha terdaftar"]')).to_have_text("5")
    expect(page.locator("canvas[data-chart]").first).to_be_visible()
    check_accessibility(page)
    screenshot(page, "dashboard-dinas")

    page.get_by_label("Kategori", exact=True).select_option(label="Makanan")
    page.get_by_role("button", name="Terapkan").click()
    expect(page).to_have_url(re.compile(r"/dasbor/\?.*category=makanan"))  # the view is in the URL: shareable
    expect(page.locator('[data-figure="Usaha terdaftar"]')).to_have_text("2")
    screenshot(page, "dashboard-dinas-filtered")

    with page.expect_download() as excel:
        page.get_by_role("link", name="Laporan Excel").click()
    path = tmp_path / "laporan.xlsx"
    excel.value.save_as(path)
    rows = [row[:2] for row in load_workbook(path).active.iter_rows(values_only=True)]
    assert ("Kategori", "Makanan") in rows
    assert ("Usaha terdaftar", 2) in rows
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Laporan PDF").click()
    pdf.value.save_as(tmp_path / "laporan.pdf")
    assert (tmp_path / "laporan.pdf").read_bytes().startswith(b"%PDF")

    page.locator('a.figure-card:has([data-figure="Terverifikasi"])').click()
    expect(page.get_by_role("link", name="Kue Lumpur Bu Sri")).to_be_visible()
    expect(page.get_by_role("link", name="Bandeng Presto Krian")).to_be_visible()
    expect(page.get_by_role("link", name="Es Dawet Pak Tono")).to_have_count(0)
    expect(page.get_by_label("Kategori", exact=True)).to_have_value("makanan")
    check_accessibility(page)
    screenshot(page, "dashboard-figure-list")


def test_coordinator_sees_what_is_missing_in_their_kecamatan(page, live_server, browser_cast, members):
    log_in(page, live_server, "koordinator.balongbendo")

    page.get_by_role("link", name="Dasbor", exact=True).click()

    expect(page.get_by_role("heading", name="Dasbor kecamatan")).to_be_visible()
    expect(page.locator('[data-figure="Anggota terdaftar"]')).to_have_text("3")
    expect(page.get_by_text("Krian")).to_have_count(0)
    check_accessibility(page)
    screenshot(page, "dashboard-coordinator")
    page.locator('a.figure-card:has([data-figure="Belum punya NIB"])').click()
    expect(page.get_by_role("link", name="Anyaman Bambu Balong")).to_be_visible()
