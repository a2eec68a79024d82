"""Lamongan (B88 Indonesia, 22/3/2023): Disperindag Lamongan facilitates exports of tenun ikat (Rp 37 miliar) and
konveksi (Rp 92 miliar) to ten countries; its staff record each shipment on the business and read the year's exports
by country and by category, on the dashboard and in its Excel and PDF reports."""

import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from programs.models import ExportFacilitation
from registry import roles
from registry.models import Business
from tests.browser.journeys import UNTRANSLATED
from tests.factories import make_business, make_product, make_region, make_user
from tests.worker import run_tasks

pytestmark = pytest.mark.browser

TENUN, KONVEKSI = "Tenun Ikat Paciran", "Konveksi Bintang Paciran"
# (business, country, buyer, value): tenun ikat 37 miliar, konveksi 92 miliar, ten countries.
EARLIER = [
    (TENUN, "US", "Heritage Weaves LLC", 10_000_000_000),
    (TENUN, "AU", "Outback Textiles Pty", 5_000_000_000),
    (TENUN, "MY", "Kain Nusantara Sdn Bhd", 4_000_000_000),
    (TENUN, "GB", "London Loom Ltd", 6_000_000_000),
    (KONVEKSI, "CN", "Guangzhou Garment Co", 30_000_000_000),
    (KONVEKSI, "IN", "Mumbai Apparel", 20_000_000_000),
    (KONVEKSI, "KR", "Seoul Modest Wear", 17_000_000_000),
    (KONVEKSI, "TW", "Taipei Uniform Co", 10_000_000_000),
]
NOW = [  # recorded in the walk
    (TENUN, "JP", ("Jepang", "Japan"), "Kyoto Textile KK", "Rp 12.000.000.000"),
    (KONVEKSI, "TR", ("Turki", "Türkiye"), "Istanbul Tekstil", "15 miliar"),
]


@pytest.fixture
def lamongan(transactional_db):
    """Lamongan's dinas, the Paciran exporters, and eight of the year's shipments recorded before."""
    paciran = make_region("35.24.14")
    dinas = make_user(roles.DINAS, kabupaten=paciran.kabupaten, username="dinas.lamongan", first_name="Anang")
    products = {}
    for name, category, product in [(TENUN, "batik", "Sarung tenun ikat"), (KONVEKSI, "fesyen", "Seragam sekolah")]:
        business = make_business(paciran, name=name, category=category, verification=Business.Verification.VERIFIED)
        products[name] = make_product(business, name=product, category=category)
    for name, country, buyer, value in EARLIER:
        ExportFacilitation.objects.create(
            business=products[name].business,
            product=products[name],
            year=timezone.localdate().year,
            country=country,
            buyer=buyer,
            value=value,
            organiser="Disperindag Kabupaten Lamongan",
            created_by=dinas,
        )
    return paciran


def test_lamongan(walk, lamongan, tmp_path):
    page, t = walk.page, walk.t
    year = timezone.localdate().year

    # The dinas records this month's shipments on each exporter's page.
    walk.enter("dinas.lamongan")
    for business, country, country_name, buyer, value in NOW:
        walk.open_business(business, business.split()[0])
        page.get_by_role("link", name=t("Catat ekspor", "Record export")).click()
        page.locator("#id_country").select_option(country)
        page.locator("#id_buyer").fill(buyer)
        page.locator("#id_product").select_option(index=1)
        page.locator("#id_value").fill(value)
        page.locator("#id_organiser").fill("Disperindag Kabupaten Lamongan")
        walk.seen(f"export-form-{country.lower()}")
        page.get_by_role("button", name=t("Simpan", "Save"), exact=True).click()
        walk.flash("Fasilitasi ekspor tercatat.", UNTRANSLATED)
        expect(page.get_by_text(t(*country_name)).first).to_be_visible()

    # The year's exports: ten countries, tenun ikat 37 miliar and konveksi 92 miliar.
    walk.go("/")
    page.get_by_role("link", name=t("Ekspor per negara dan kategori", "Exports by country and category")).click()
    walk.heading(f"{t('Ekspor yang difasilitasi', 'Facilitated exports')} {year}")
    by_country = page.get_by_role("region", name=t("Per negara", "By country"))
    expect(by_country.get_by_role("row")).to_have_count(1 + 10)
    expect(by_country.get_by_role("row", name=re.compile(t("Tiongkok", "China")))).to_contain_text(
        t("Rp 30 miliar", "Rp 30 billion")
    )
    by_category = page.get_by_role("region", name=t("Per kategori", "By category"))
    expect(by_category.get_by_role("row", name=re.compile(t("Batik dan tenun", UNTRANSLATED)))).to_contain_text(
        t("Rp 37 miliar", "Rp 37 billion")
    )
    expect(by_category.get_by_role("row", name=re.compile(t("Fesyen dan konveksi", UNTRANSLATED)))).to_contain_text(
        t("Rp 92 miliar", "Rp 92 billion")
    )
    walk.seen("exports-by-country-and-category")

    # The dashboard counts the same shipments by destination, and its Excel report carries them for the Bupati.
    run_tasks()  # the worker's recount
    walk.nav("Dasbor", "Dashboard")
    exports = page.locator("section.card").filter(
        has=page.get_by_role("heading", name=t("Ekspor per negara tujuan", UNTRANSLATED), exact=True)
    )
    expect(exports.get_by_role("row")).to_have_count(1 + 10)
    expect(exports.get_by_role("row", name=re.compile(t("Tiongkok", "China")))).to_contain_text(
        t("Rp 30 miliar", "Rp 30 billion")
    )
    walk.seen("dashboard-exports")
    with page.expect_download() as excel:
        page.get_by_role("link", name=t("Laporan Excel", "Excel report")).click()
    path = tmp_path / "laporan.xlsx"
    excel.value.save_as(path)
    cells = {cell for sheet in load_workbook(path) for row in sheet.iter_rows(values_only=True) for cell in row}
    assert {t("Tiongkok", "China"), t("Turki", "Türkiye"), 30_000_000_000, 15_000_000_000} <= cells
    with page.expect_download() as pdf:
        page.get_by_role("link", name=t("Laporan PDF", "PDF report")).click()
    pdf.value.save_as(tmp_path / "laporan.pdf")
    assert (tmp_path / "laporan.pdf").read_bytes().startswith(b"%PDF")
