"""A buyer's inquiry followed to an order and a placement (issue 20, item 3 and its acceptance): a shop owner opens
Balongbendo's lumpia bandeng in the catalogue on a phone (or a desktop), asks through the portal's form (a wrong
e-mail first: the message, what was typed kept), gets the private status link by mail, and reads the status; the
coordinator of Balongbendo finds it on the worklist and moves it to an order and a placement made from the
product's passed curation; the buyer's page follows; the dinas reads it on the dashboard. In Indonesian and
English, on a phone and a desktop, every page checked by axe-core and kept as a screenshot."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from programs.models import Inquiry, Placement
from registry import roles
from tests.browser.journeys import UNTRANSLATED
from tests.factories import make_business, make_listing, make_product, make_region, make_user
from tests.worker import run_tasks

pytestmark = pytest.mark.browser

PRODUCT = "Lumpia bandeng"
SHOP = "Toko Oleh-oleh Sari Rasa"


@pytest.fixture
def balongbendo(transactional_db):
    kecamatan = make_region("35.15.12")
    dinas = make_user(roles.DINAS, kabupaten=kecamatan.kabupaten, username="dinas.sidoarjo", first_name="Agus")
    make_user(
        roles.COORDINATOR,
        kecamatan=kecamatan,
        username="koordinator.balongbendo",
        first_name="Ike",
        email="ike@balongbendo.go.id",
    )
    business = make_business(kecamatan, name="Lumpia Bandeng Bu Ike", verification="terverifikasi")
    product = make_product(business, name=PRODUCT, price=25000, unit="pak")
    make_listing(product, by=dinas, price_from=25000, price_to=30000)
    return product


def _move(page, heading):
    """The detail page's small form under `heading` (each move has its own)."""
    return page.locator("form").filter(has=page.get_by_role("heading", name=heading, exact=True))


def test_buyer_inquiry(walk, balongbendo):
    page, t = walk.page, walk.t

    # The buyer, no login: from the product page to the portal's form.
    page.context.clear_cookies()
    walk.go(f"/katalog/produk/{balongbendo.pk}/")
    if walk.lang == "en":
        page.get_by_role("button", name="EN").click()
        page.wait_for_load_state()
    page.get_by_role("link", name=t("Tanya atau pesan produk ini", UNTRANSLATED)).click()
    walk.heading(t("Tanya tentang %(product)s", "Ask about %(product)s", product=PRODUCT))
    page.get_by_label(t("Nama Anda", "Your name")).fill("Rina Hartati")
    page.get_by_label(t("Perusahaan atau instansi", "Company or office")).fill(SHOP)
    page.get_by_label(t("Anda membeli sebagai", "You are buying as")).select_option("toko")
    page.get_by_label(re.compile(r"^E-mail")).fill("rina@sarirasa")
    page.get_by_label(t("Jumlah yang dibutuhkan", "Quantity needed")).fill("200")
    page.get_by_label(t("Kota atau tempat tujuan", "Destination city or place")).fill("Surabaya")
    walk.seen("inquiry-form")
    page.get_by_role("button", name=t("Kirim permintaan", "Send inquiry")).click()

    # A wrong e-mail: said, and what was typed is still there.
    expect(page.get_by_role("alert")).to_contain_text(
        t("Permintaan belum terkirim: perbaiki isian yang ditandai.", "Your inquiry was not sent yet")
    )
    expect(page.get_by_label(t("Perusahaan atau instansi", "Company or office"))).to_have_value(SHOP)
    walk.seen("inquiry-refused")
    page.get_by_label(re.compile(r"^E-mail")).fill("rina@sarirasa.co.id")
    page.get_by_role("button", name=t("Kirim permintaan", "Send inquiry")).click()
    walk.heading(t("Terima kasih, permintaan Anda terkirim", "Thank you, your inquiry was sent"))
    walk.seen("inquiry-sent")
    inquiry = Inquiry.objects.get()
    assert (inquiry.buyer_organisation, inquiry.language) == (SHOP, walk.lang)

    # The worker mails the private link, in the buyer's language.
    run_tasks()
    letter = next(message for message in mail.outbox if message.to == ["rina@sarirasa.co.id"])
    link = re.search(r"https?://\S+/permintaan/\S+/", letter.body).group(0)
    assert t("Ikuti perkembangan permintaan Anda", "Follow your inquiry") in letter.body
    page.goto(link)
    walk.heading(t("Status permintaan Anda", "Your inquiry status"))
    expect(page.get_by_text(t("Baru", "New"), exact=True).first).to_be_visible()
    walk.seen("inquiry-status-new")

    # The coordinator: the worklist counts it, the list shows it, the detail moves it.
    walk.enter("koordinator.balongbendo")
    walk.nav("Permintaan pembeli", "Buyer inquiries")
    walk.heading(t("Permintaan pembeli", "Buyer inquiries"))
    expect(page.get_by_role("cell", name=SHOP)).to_be_visible()
    walk.seen("inquiry-worklist")
    page.get_by_role("cell", name=SHOP).locator("xpath=..").get_by_role("link").first.click()
    walk.heading(PRODUCT)
    walk.seen("inquiry-detail-new")

    order = _move(page, t("Pesanan", "Order"))
    order.get_by_label(t("Jumlah dipesan", "Quantity ordered")).fill("200")
    order.get_by_label(t("Nilai pesanan (Rp)", "Order value (Rp)")).fill("Rp 5.000.000")
    order.get_by_role("button", name=t("Pesanan", "Order")).click()
    walk.flash("Status permintaan: %(status)s.", "Inquiry status: %(status)s.", status=t("Pesanan", "Order"))

    placement = _move(page, t("Ditempatkan di toko atau ritel", "Placed in a shop or retail chain"))
    placement.get_by_label(t("Saluran", "Channel")).select_option("oleh_oleh")
    placement.get_by_label(t("Peritel", "Retailer")).fill(SHOP)
    placement.get_by_label(t("Mitra/toko", "Partner/shop")).fill("Sari Rasa Surabaya")
    walk.seen("inquiry-detail-order")
    placement.get_by_role(
        "button", name=t("Ditempatkan di toko atau ritel", "Placed in a shop or retail chain")
    ).click()
    walk.flash(
        "Status permintaan: %(status)s.",
        "Inquiry status: %(status)s.",
        status=t("Penempatan atau ekspor", "Placement or export"),
    )
    walk.seen("inquiry-detail-placed")
    placed = Placement.objects.get()
    assert (placed.submission.product, placed.retailer, Inquiry.objects.get().placement) == (balongbendo, SHOP, placed)

    # The buyer's page follows, without staff's names.
    page.goto(link)
    expect(page.get_by_text(t("Penempatan atau ekspor", "Placement or export")).first).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Ike Uji")  # the coordinator who moved it
    expect(page.locator("main")).not_to_contain_text("koordinator.balongbendo")

    # The dinas reads it on the dashboard.
    walk.enter("dinas.sidoarjo")
    walk.nav("Dasbor", "Dashboard")
    figures = page.locator("#inquiry-figures + div")
    expect(figures.locator("[data-figure]").nth(2)).to_have_text("1")  # became orders
    expect(figures.locator("[data-figure]").nth(4)).to_have_text("1")  # placed or exported
    expect(page.get_by_test_id("median-contact")).to_contain_text(
        t("Median waktu sampai pembeli pertama dihubungi", "Median time until a buyer is first contacted")
    )
    page.locator("#inquiry-figures").scroll_into_view_if_needed()
    walk.seen("dashboard-inquiries")
