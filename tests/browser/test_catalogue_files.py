"""A buyer at a trade fair asks for the printable catalogue: a page says it is being prepared, refreshes by
itself, and the PDF arrives once the worker has built it."""

import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from programs.models import CurationCall, CurationSubmission, Listing, ListingConsent
from tests.browser.conftest import check_accessibility, screenshot
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


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_pdf_is_prepared_then_arrives_by_itself(page, live_server, lumpia, viewport):
    page.set_viewport_size(viewport)
    name = "phone" if viewport is PHONE else "desktop"

    page.goto(f"{live_server.url}/katalog/35.15/katalog.pdf?export_ready=on")

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
