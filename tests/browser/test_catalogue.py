"""A buyer on a phone finds a product of the public catalogue by a typo and opens it, in Indonesian and in
English; every page is axe-clean, and a first visit to the search page and to the product page weighs under
150 KB in all (every request's transferred bytes, headers included)."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from registry.models import LegalDocument
from registry.services import add_product_photo
from tests.browser.conftest import check_accessibility, fits_a_phone, screenshot
from tests.factories import make_business, make_document, make_listing, make_product, make_user, photo_upload

pytestmark = pytest.mark.browser

WEIGHT_LIMIT = 150 * 1024
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
TEXT = {
    "id": {
        "search": "Cari",
        "minimum": "Pesanan minimal",
        "export": "Siap ekspor",
        "halal": "Sertifikat halal",
        "products": "Produk",
    },
    "en": {
        "search": "Search",
        "minimum": "Minimum order",
        "export": "Export-ready",
        "halal": "Halal certificate",
        "products": "Products",
    },
}


@pytest.fixture
def lumpia(transactional_db):
    from tests.factories import make_region

    kec = make_region("35.15.12")
    dinas = make_user()
    business = make_business(kec, name="UD Lumpia Bu Sri")
    product = make_product(business, name="Lumpia Bandeng", description="Lumpia isi bandeng asap.", unit="pak")
    listing = make_listing(
        product,
        by=dinas,
        price_from=25000,
        price_to=40000,
        minimum_order=20,
        capacity_per_month=1500,
        description_en="Spring rolls filled with smoked milkfish from Sidoarjo's ponds.",
        export_ready=True,
    )
    add_product_photo(product, upload=photo_upload(seed=1), by=dinas)
    make_document(business, kind=LegalDocument.Kind.HALAL, expires_on=datetime.date(2030, 1, 1))
    for i, name in enumerate(["Otak-otak Bandeng", "Kerupuk Udang", "Petis Udang"], start=2):
        other = make_listing(make_product(business, name=name), by=dinas, price_from=15000, price_to=20000)
        add_product_photo(other.product, upload=photo_upload(seed=i), by=dinas)
    return listing


def _context(browser, device):
    """A fresh browser context: a first visit, nothing cached."""
    options = PHONE if device == "phone" else DESKTOP
    return browser.new_context(**options, locale="id-ID", timezone_id="Asia/Jakarta")


def _weight(requests):
    """The bytes a page's requests moved over the wire: headers and (encoded) bodies, both ways."""
    keys = ("requestHeadersSize", "requestBodySize", "responseHeadersSize", "responseBodySize")
    return sum(max(request.sizes()[key], 0) for request in requests for key in keys)


def _first_visit_weight(browser, live_server, url, lang):
    context = _context(browser, "phone")
    if lang == "en":
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    requests = []
    page.on("requestfinished", lambda request: requests.append(request))
    try:
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        return _weight(requests), len(requests)
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_first_visit_on_a_phone_weighs_under_150_kb(browser, live_server, lumpia, lang):
    search = f"{reverse('programs:catalogue', args=['35.15'])}?q=lumpiya+bandeng"
    product = reverse("programs:catalogue_product", args=[lumpia.product_id])

    search_weight, search_requests = _first_visit_weight(browser, live_server, search, lang)
    product_weight, product_requests = _first_visit_weight(browser, live_server, product, lang)

    # the page, its stylesheet, the icon and the photos in view (static files counted uncompressed here)
    assert search_requests >= 3
    assert product_requests >= 4
    assert search_weight < WEIGHT_LIMIT, search_weight
    assert product_weight < WEIGHT_LIMIT, product_weight


# Indonesian on a phone and English on a desktop: both languages, both devices (the steps branch on one or the
# other, never on both); the English product page is measured at a phone's width as well.
@pytest.mark.parametrize(("lang", "device"), [("id", "phone"), ("en", "desktop")], ids=["id-phone", "en-desktop"])
def test_a_buyer_finds_a_product_by_a_typo_and_opens_it(browser, live_server, lumpia, lang, device):
    text = TEXT[lang]
    context = _context(browser, device)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    try:
        page.goto(f"{live_server.url}{reverse('programs:catalogue_home')}")
        if lang == "en":  # the portal's own language switch, in the public page's footer
            page.locator('button[name="language"][value="en"]').click()
            expect(page.locator("html")).to_have_attribute("lang", "en")
        check_accessibility(page)
        page.get_by_role("link", name="Sidoarjo").click()
        page.locator("input[name=q]").fill("lumpiya bandeng")
        page.get_by_role("button", name=text["search"], exact=True).click()
        expect(page).to_have_url(re.compile(r"q=lumpiya"))  # the catalogue before the search shows the same cards
        expect(page.get_by_role("link", name="Lumpia Bandeng")).to_be_visible()
        expect(page.get_by_text(text["export"], exact=True).first).to_be_visible()
        check_accessibility(page)
        screenshot(page, f"catalogue-search-{lang}-{device}")

        page.get_by_role("link", name="Lumpia Bandeng").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Lumpia Bandeng")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.get_by_text(text["minimum"])).to_be_visible()
        expect(page.get_by_text(text["halal"]).first).to_be_visible()
        if lang == "en":
            expect(page.get_by_text("Spring rolls filled with smoked milkfish")).to_be_visible()
        image = page.locator(".gallery img").first
        expect(image).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
        assert image.evaluate("img => img.currentSrc").endswith("/sedang.jpg")  # never the full 1600-pixel JPEG
        check_accessibility(page)
        screenshot(page, f"catalogue-product-{lang}-{device}")
        fits_a_phone(page, **PHONE["viewport"])

        # the business behind it: its public face and its four listed products, newest first
        page.locator(".facts .by").get_by_role("link", name="UD Lumpia Bu Sri").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("UD Lumpia Bu Sri")
        expect(page.get_by_role("heading", name=text["products"], exact=True)).to_be_visible()
        expect(page.locator(".card-title")).to_have_text(
            ["Petis Udang", "Kerupuk Udang", "Otak-otak Bandeng", "Lumpia Bandeng"]
        )
        expect(page.locator(".facts-list").get_by_text(text["halal"])).to_be_visible()
        check_accessibility(page)
        screenshot(page, f"catalogue-business-{lang}-{device}")
        fits_a_phone(page, **PHONE["viewport"])
    finally:
        context.close()

    assert errors == []
