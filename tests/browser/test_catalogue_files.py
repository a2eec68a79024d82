"""A buyer at a trade fair asks for the printable catalogue: a page says it is being prepared, refreshes by
itself, and the PDF arrives once the worker has built it."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from programs.models import CurationCall, CurationSubmission, Listing, ListingConsent
from tests.browser.conftest import SCREENSHOTS, check_accessibility, screenshot
from tests.factories import make_business, make_product
from tests.worker import run_tasks

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def lumpia(browser_cast):
    dinas = browser_cast["dinas"]
    today = timezone.localdate()
    call = CurationCall.objects.create(
        kabupaten=browser_cast["kec_a"].kabupaten,
        organiser="Dinas Koperasi dan UMKM",
        title="Kurasi oleh-oleh",
        channel="e_katalog",
        opens_on=today,
        closes_on=today,
        created_by=dinas,
    )
    business = make_business(browser_cast["kec_a"], name="Lumpia Bu Ning")
    product = make_product(business, name="Lumpia Bandeng Balongbendo")
    ListingConsent.objects.create(business=business, recorded_by=dinas)
    CurationSubmission.objects.create(call=call, product=product, submitted_by=dinas, decision="lolos")
    Listing.objects.create(product=product, listed_by=dinas, price_from=25000, export_ready=True)
    return product


def test_the_pdf_is_prepared_then_arrives_by_itself(page, live_server, lumpia):
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/katalog/35.15/katalog.pdf?export_ready=on")

    # The waiting page on a phone, then on a desktop (one file built for both).
    for name, viewport in [("phone", PHONE), ("desktop", DESKTOP)]:
        page.set_viewport_size(viewport)
        expect(page.get_by_role("heading", name="Katalog produk Kabupaten Sidoarjo")).to_be_visible()
        expect(page.get_by_text("Berkas PDF sedang disiapkan.")).to_be_visible()
        check_accessibility(page)
        screenshot(page, f"catalogue-pdf-preparing-{name}")

    run_tasks()
    # The page refreshes itself (an HTTP Refresh header, no script) and the PDF comes in its place.
    with page.expect_response(lambda response: response.status == 200, timeout=20_000) as arrived:
        pass
    assert arrived.value.headers["content-type"] == "application/pdf"
    # The browser's PDF viewer takes the body; the same address read again gives the stored file.
    content = page.request.get(arrived.value.url).body()
    text = " ".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(content)).pages)
    assert "Lumpia Bandeng Balongbendo" in text
    assert "Siap ekspor" in text


def test_a_buyer_takes_the_export_ready_catalogue_from_the_catalogue_page(page, live_server, lumpia):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/katalog/35.15/?export_ready=on")

    page.get_by_role("link", name="Excel untuk pembeli").click()

    expect(page.get_by_text("Berkas Excel sedang disiapkan.")).to_be_visible()
    assert page.url.endswith("/katalog/35.15/katalog.xlsx?export_ready=on")
    run_tasks()
    with page.expect_download(timeout=20_000) as download:
        pass  # the page refreshes itself and the sheet comes as a download
    with open(download.value.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [row[0] for row in rows[1:]] == ["Lumpia Bandeng Balongbendo"]
    assert rows[1][10] == "Ya"


def test_the_download_buttons_sit_in_tidy_rows(page, live_server, lumpia):
    """Issue 20: on a phone the buttons wrapped into ragged lines (the public catalogue's stylesheet had no
    flex-wrap nor gap); each now keeps its label on one line, inside the screen, the same height as the others, and
    on a phone two a line, each half the screen wide."""
    page.goto(f"{live_server.url}/katalog/35.15/")
    files = page.locator(".catalogue-files")
    buttons = files.get_by_role("link")
    expect(buttons).to_have_count(4)

    for name, viewport in [("phone", PHONE), ("desktop", DESKTOP)]:
        page.set_viewport_size(viewport)
        boxes = [buttons.nth(i).bounding_box() for i in range(4)]
        assert {round(box["height"]) for box in boxes} == {round(boxes[0]["height"])}, boxes  # one line each
        assert all(box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] for box in boxes), boxes
        if viewport is PHONE:
            tops = [round(box["y"]) for box in boxes]
            assert tops == [tops[0]] * 2 + [tops[2]] * 2, boxes
            assert tops[2] > tops[0], boxes
            assert all(abs(box["width"] - boxes[0]["width"]) < 1 and box["width"] > 150 for box in boxes), boxes
        check_accessibility(page)
        files.screenshot(path=str(SCREENSHOTS / f"catalogue-files-{name}.png"))
        screenshot(page, f"catalogue-page-files-{name}")
