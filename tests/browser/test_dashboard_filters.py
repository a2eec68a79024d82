"""A dinas officer narrows the dashboard to a year, a group and binaan from the visible bar, on a desktop and on a
phone (where the bar folds behind a button), and reads the exports by country."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from programs.models import ExportFacilitation
from registry.models import Business, BusinessGroup, ExportValue
from tests.browser.conftest import check_accessibility, log_in, screenshot
from tests.browser.test_reports import members  # noqa: F401 (a fixture)
from tests.worker import run_tasks

pytestmark = pytest.mark.browser

YEAR = timezone.localdate().year


@pytest.fixture
def trade(members, browser_cast):  # noqa: F811 (the fixture imported above)
    """Two members in a group, one of them binaan; yearly export figures and a facilitated export."""
    group = BusinessGroup.objects.create(name="Kelompok Kue Balongbendo", kecamatan=browser_cast["kec_a"])
    lumpur = Business.objects.get(name="Kue Lumpur Bu Sri")
    dawet = Business.objects.get(name="Es Dawet Pak Tono")
    lumpur.groups.add(group)
    dawet.groups.add(group)
    Business.objects.filter(pk=lumpur.pk).update(guided_by="Dinas Koperasi")
    ExportValue.objects.create(business=lumpur, year=YEAR - 2, country="SG", value=90_000_000)
    ExportValue.objects.create(
        business=Business.objects.get(name="Batik Tulis Krian"), year=YEAR, country="JP", value=1
    )
    ExportFacilitation.objects.create(
        business=lumpur,
        year=YEAR,
        country="MY",
        buyer="Kedai Nusantara Sdn Bhd",
        value=185_000_000,
        organiser="Dinas",
        created_by=browser_cast["dinas"],
    )
    run_tasks()  # the worker's recount
    return group


def pick_filters(page):
    page.get_by_label("Tahun", exact=True).select_option(str(YEAR))
    page.get_by_label("Kelompok", exact=True).select_option(label="Kelompok Kue Balongbendo")
    page.get_by_label("Binaan", exact=True).select_option(label="Ya")
    page.get_by_role("button", name="Terapkan").click()
    expect(page).to_have_url(re.compile(rf"/dasbor/\?.*year={YEAR}.*group=\d+.*guided=true"))


def export_table(page):
    return page.get_by_role("region", name="Tabel: Ekspor per negara tujuan")


def test_dinas_narrows_the_dashboard_to_a_year_a_group_and_binaan_on_a_desktop(page, live_server, trade):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "dinas.sidoarjo")
    page.goto(f"{live_server.url}/dasbor/")
    for label in ("Tahun", "Dari tanggal", "Sampai tanggal", "Kecamatan", "Kategori", "Kelompok", "Binaan", "Unggulan"):
        expect(page.get_by_label(label, exact=True)).to_be_visible()
    expect(page.get_by_test_id("filter-toggle")).to_be_hidden()
    expect(page.locator('[data-figure="Usaha terdaftar"]')).to_have_text("5")
    expect(export_table(page).get_by_role("row", name=re.compile("Singapura"))).to_be_visible()
    screenshot(page, "dashboard-filters-desktop")

    pick_filters(page)

    expect(page.locator('[data-figure="Usaha terdaftar"]')).to_have_text("1")
    expect(page.locator('[data-figure="Mendaftar dalam periode"]')).to_have_text("1")
    expect(page.get_by_label("Tahun", exact=True)).to_have_value(str(YEAR))
    table = export_table(page)
    table.scroll_into_view_if_needed()
    expect(table.get_by_role("row", name=re.compile("Malaysia"))).to_contain_text("Rp 185 juta")
    expect(table.get_by_role("row", name=re.compile("Singapura"))).to_have_count(0)  # another year
    expect(table.get_by_role("row", name=re.compile("Jepang"))).to_have_count(0)  # not in the group
    expect(page.get_by_role("heading", name="Ekspor per kategori")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "dashboard-filters-desktop-filtered")


def test_dinas_unfolds_the_bar_on_a_phone_and_narrows_the_dashboard(page, live_server, trade):
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server, "dinas.sidoarjo")
    page.goto(f"{live_server.url}/dasbor/")
    toggle = page.get_by_test_id("filter-toggle")
    expect(toggle).to_be_visible()
    expect(page.get_by_label("Tahun", exact=True)).to_be_hidden()
    check_accessibility(page)
    screenshot(page, "dashboard-filters-phone-folded")

    toggle.click()
    expect(page.get_by_label("Tahun", exact=True)).to_be_visible()
    screenshot(page, "dashboard-filters-phone-open")
    pick_filters(page)

    expect(page.get_by_label("Binaan", exact=True)).to_be_visible()  # open: filters are set
    expect(toggle).to_contain_text("3")
    expect(page.locator('[data-figure="Usaha terdaftar"]')).to_have_text("1")
    table = export_table(page)
    table.scroll_into_view_if_needed()
    expect(table.get_by_role("row", name=re.compile("Malaysia"))).to_be_visible()
    check_accessibility(page)
    screenshot(page, "dashboard-filters-phone-filtered")


def test_dinas_places_a_product_in_alfamart_and_reads_it_by_channel_and_retailer(page, live_server, browser_cast):
    from programs.models import CurationCall, CurationSubmission
    from tests.factories import make_business, make_product

    today = timezone.localdate()
    call = CurationCall.objects.create(
        kabupaten=browser_cast["kec_a"].kabupaten,
        organiser="Disperindag Sidoarjo",
        title="Kurasi Ritel Modern",
        channel="ritel_modern",
        partner="Indomaret dan Alfamart",
        opens_on=today,
        closes_on=today,
        created_by=browser_cast["dinas"],
    )
    product = make_product(make_business(browser_cast["kec_a"], name="Kerupuk Lele Balong"), name="Kerupuk lele")
    submission = CurationSubmission.objects.create(
        call=call, product=product, submitted_by=browser_cast["coordinator"], decision="lolos"
    )
    log_in(page, live_server, "dinas.sidoarjo")
    page.goto(f"{live_server.url}{submission.get_absolute_url()}")
    expect(page.get_by_label("Saluran")).to_have_value("ritel_modern")  # from the call's channel
    page.get_by_label("Peritel").fill("Alfamart")
    page.get_by_label("Mitra/toko").fill("Alfamart Balongbendo")
    page.get_by_role("button", name="Simpan penempatan").click()
    expect(page.get_by_text("Ritel modern · Alfamart · Alfamart Balongbendo")).to_be_visible()
    check_accessibility(page)

    page.goto(f"{live_server.url}/penempatan/")
    page.get_by_label("Saluran").select_option(label="Ritel modern")
    page.get_by_role("button", name="Terapkan").click()
    expect(page).to_have_url(re.compile(r"/penempatan/\?.*channel=ritel_modern"))  # the list before shows the row too
    row = page.get_by_role("row", name=re.compile("Kerupuk lele"))
    expect(row).to_contain_text("Ritel modern")
    expect(row).to_contain_text("Alfamart")
    check_accessibility(page)
    screenshot(page, "placement-list-by-channel")

    run_tasks()
    page.goto(f"{live_server.url}/dasbor/")
    table = page.get_by_role("region", name="Tabel: Produk ditempatkan per peritel")
    table.scroll_into_view_if_needed()
    expect(table.get_by_role("row", name=re.compile(r"Alfamart \(Ritel modern\)"))).to_contain_text("1")
    table.get_by_role("link", name="1").click()
    expect(page.get_by_role("row", name=re.compile("Kerupuk lele"))).to_be_visible()
    screenshot(page, "placement-list-from-dashboard")
