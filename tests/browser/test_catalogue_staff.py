"""The catalogue's staff side in a browser (issue 20, item 2): on a phone, Balongbendo's coordinator records a
business's consent on its page and lists its curated lumpia bandeng; the product is then public; the consent
is withdrawn and the product leaves the catalogue at once. The pages in English, on a phone and a desktop."""

import re

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from playwright.sync_api import expect

from programs.models import CurationCall, CurationSubmission, Listing, ListingConsent
from tests.browser.conftest import check_accessibility, log_in, screenshot
from tests.factories import make_business, make_product

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def fits(page, width):
    """The page's content fits the screen (the navbar's links are the navbar's own)."""
    assert page.evaluate("document.querySelector('main').scrollWidth") <= width


@pytest.fixture
def lumpia(browser_cast):
    business = make_business(browser_cast["kec_a"], name="Lumpia Bandeng Bu Ike", verification="terverifikasi")
    product = make_product(business, name="Lumpia bandeng", price=25000, unit="pak")
    today = timezone.localdate()
    call = CurationCall.objects.create(
        kabupaten=browser_cast["kec_a"].kabupaten,
        organiser="Disperindag Sidoarjo",
        title="Kurasi oleh-oleh dan ekspor",
        channel="oleh_oleh",
        opens_on=today,
        closes_on=today,
        created_by=browser_cast["dinas"],
    )
    CurationSubmission.objects.create(
        call=call, product=product, submitted_by=browser_cast["coordinator"], decision="lolos"
    )
    return product


def public_url(product):
    try:
        return reverse("programs:catalogue_product", args=[product.pk])
    except NoReverseMatch:  # the public catalogue (m1) is not merged here yet
        return None


def test_a_coordinator_records_consent_lists_a_product_on_a_phone_then_withdraws(page, live_server, lumpia):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "koordinator.balongbendo")
    business_url = f"{live_server.url}{lumpia.business.get_absolute_url()}"
    page.goto(business_url)
    section = page.locator("#katalog")
    expect(section.get_by_text("Belum ada persetujuan tampil di katalog publik.")).to_be_visible()
    section.get_by_role("link", name="Catat persetujuan").click()

    # Consent: WhatsApp of the business, a number that is not one first.
    page.get_by_label("WhatsApp usaha").check()
    page.get_by_label("Kontak usaha").fill("12")
    page.get_by_label("Alamat usaha boleh ditampilkan").check()
    page.get_by_role("button", name="Simpan persetujuan").click()
    expect(page.get_by_text("Nomor WhatsApp tidak dikenali")).to_be_visible()
    expect(page.get_by_text("Tuliskan bukti persetujuan")).to_be_visible()
    assert not ListingConsent.objects.exists()
    page.get_by_label("Kontak usaha").fill("0813-5555-0101")  # the business's, not the owner's +6281234567890
    page.get_by_label("Bukti persetujuan").fill("Formulir bertanda tangan, diarsipkan di kecamatan")
    check_accessibility(page)
    fits(page, PHONE["width"])
    screenshot(page, "phone-catalogue-consent-form")
    page.get_by_role("button", name="Simpan persetujuan").click()
    expect(page.get_by_text("Persetujuan tampil di katalog tersimpan.")).to_be_visible()
    expect(section.get_by_text("Setuju tampil di katalog")).to_be_visible()
    expect(section.get_by_text("WhatsApp usaha: +6281355550101")).to_be_visible()
    check_accessibility(page)
    fits(page, PHONE["width"])
    section.screenshot(path=str(_shot("phone-catalogue-business-section")))

    # The listing: the price comes from the product; export-ready is the dinas's, read-only here.
    section.get_by_role("link", name="Atur di katalog Lumpia bandeng").click()
    expect(page.get_by_label("Harga mulai (Rp)")).to_have_value("25.000")
    expect(page.get_by_label("Siap ekspor")).to_be_disabled()
    page.get_by_label("Harga sampai (Rp)").fill("30.000")
    page.get_by_label("Pesanan minimal").fill("50")
    page.get_by_label("Kapasitas per bulan").fill("3000")
    page.get_by_label("Deskripsi dalam bahasa Inggris").fill("Milkfish spring rolls from Balongbendo, Sidoarjo.")
    check_accessibility(page)
    fits(page, PHONE["width"])
    screenshot(page, "phone-catalogue-listing-form")
    page.get_by_role("button", name="Tampilkan di katalog").click()
    expect(page.get_by_text("Lumpia bandeng tampil di katalog.")).to_be_visible()
    assert Listing.objects.public().filter(product=lumpia).exists()
    listing = Listing.objects.get()
    assert (listing.price_from, listing.price_to, listing.minimum_order) == (25000, 30000, 50)

    # The area's list: shown, with a link to the public page once the public catalogue is there.
    page.goto(f"{live_server.url}{reverse('programs:listing_list')}")
    row = page.get_by_role("row", name=re.compile("Lumpia bandeng"))
    expect(row.get_by_text("Tampil di katalog")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "phone-catalogue-listing-list")
    url = public_url(lumpia)
    if url:
        assert page.request.get(f"{live_server.url}{url}").status == 200

    # Withdrawn: the product leaves the public catalogue at once.
    page.goto(business_url)
    section.get_by_role("link", name="Cabut persetujuan").click()
    page.get_by_label("Alasan").fill("Pemilik belum sanggup melayani pesanan besar")
    check_accessibility(page)
    screenshot(page, "phone-catalogue-consent-withdraw")
    page.get_by_role("button", name="Cabut persetujuan").click()
    expect(page.get_by_text("Persetujuan dicabut")).to_be_visible()
    expect(section.get_by_text("sudah dicabut")).to_be_visible()
    expect(section.get_by_text("tidak tampil", exact=True)).to_be_visible()
    assert not Listing.objects.public().exists()
    if url:
        assert page.request.get(f"{live_server.url}{url}").status == 404
    page.goto(f"{live_server.url}{reverse('programs:listing_list')}")
    expect(
        page.get_by_role("region", name="Produk di katalog").get_by_text("Tidak tampil: persetujuan dicabut")
    ).to_be_visible()


def _shot(name):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def test_the_catalogue_pages_in_english(page, live_server, lumpia, browser_cast):
    from programs.catalogue_services import list_product, record_consent

    record_consent(lumpia.business, ListingConsent(evidence="Formulir"), by=browser_cast["coordinator"])
    list_product(lumpia, Listing(minimum_order=50), by=browser_cast["dinas"], export_ready=True)
    log_in(page, live_server, "dinas.sidoarjo")
    page.locator('button[name="language"][value="en"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # Each page on a phone and on a desktop, one login for both.
    for screen, viewport in [("phone", PHONE), ("desktop", DESKTOP)]:
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}{lumpia.business.get_absolute_url()}")
        expect(page.get_by_text("Consented to be shown in the catalogue")).to_be_visible()
        check_accessibility(page)
        screenshot(page, f"english-catalogue-business-{screen}")
        page.goto(f"{live_server.url}{reverse('programs:listing_edit', args=[lumpia.pk])}")
        expect(page.get_by_label("Export-ready", exact=False)).to_be_enabled()
        check_accessibility(page)
        screenshot(page, f"english-catalogue-listing-{screen}")
        page.goto(f"{live_server.url}{reverse('programs:listing_list')}")
        expect(
            page.get_by_role("region", name="Products in the catalogue").get_by_text("Shown in the catalogue")
        ).to_be_visible()
        check_accessibility(page)
        fits(page, viewport["width"])
        screenshot(page, f"english-catalogue-list-{screen}")
        page.goto(f"{live_server.url}{reverse('programs:consent_record', args=[lumpia.business_id])}")
        check_accessibility(page)
        screenshot(page, f"english-catalogue-consent-{screen}")
