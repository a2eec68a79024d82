"""The staff's lists on a 360 px phone (a common Android width), in both languages: each table fits its box, so
nothing is left to scroll to sideways, and the column a person acts on is on the screen: a business's verification,
a referral's amount and status, a training's state, an inquiry's status, a catalogue entry's buttons, an event's
sales. The other columns give way below 576 px (registry.tables.WIDE_ONLY); the row's own page shows them, and the
cells keep half of Bootstrap's side padding (static/css/portal.css). The rows are written the way the field writes
them: long names with titles and degrees, amounts in the hundreds of millions. At 340 px the referral and product
lists need 3 px more than their box: the test has about 17 px of room."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from programs.models import (
    BankReferral,
    CurationCall,
    CurationSubmission,
    Enrollment,
    Inquiry,
    MarketEvent,
    MentoringVisit,
    Training,
)
from registry.models import BusinessGroup
from tests.browser.conftest import log_in, screenshot
from tests.factories import make_business, make_listing, make_owner, make_product

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 844}

# (address, the header or button that must be on the screen, in Indonesian and in English: the rightmost one a
# phone shows)
DINAS_LISTS = [
    ("/usaha/", ("Verifikasi", "Verification")),
    ("/usaha/verifikasi/", ("Pemilik", "Owner")),  # every row waits: its state gives way on a phone
    ("/produk/", ("Harga", "Price")),
    ("/kelompok/", ("Anggota", "Members")),
    ("/rujukan/", ("Status", "Status")),
    ("/pelatihan/", ("Keadaan", "State")),
    ("/pelatihan/peserta/", ("Status", "Status")),
    ("/kurasi/produk/", ("Keputusan", "Decision")),
    ("/pendampingan/tindak-lanjut/", ("Tandai selesai", "Mark done")),
    ("/permintaan-pembeli/", ("Status", "Status")),
    ("/katalog-kelola/", ("Atur", "Manage")),
    ("/acara/", ("Penjualan", "Sales")),
]


@pytest.fixture
def field_rows(browser_cast):
    """One row of each list in Balongbendo, as long as the field writes them."""
    today = timezone.localdate()
    dinas, coordinator = browser_cast["dinas"], browser_cast["coordinator"]
    bank = browser_cast["bank"].bank_officer.bank
    kecamatan, kabupaten = browser_cast["kec_a"], browser_cast["kec_a"].kabupaten
    owner = make_owner(kecamatan, name="Hj. Siti Nurhayati Wulandari, S.Pd., M.M.")
    name = "UD Keripik Singkong Barokah Jaya Abadi"
    business = make_business(kecamatan, owner=owner, name=name, verification="menunggu", guided_by="Dinas")
    make_product(business, name="Keripik singkong pedas manis", price=35_000, unit="toples")
    group = BusinessGroup.objects.create(name="Kelompok Wanita Tani Sumber Rejeki", kecamatan=kecamatan)
    business.groups.add(group)
    BankReferral.objects.create(
        business=business,
        bank=bank,
        credit_product="kur_mikro",
        amount_requested=150_000_000,
        purpose="Modal kerja",
        status="diproses",
        referred_by=coordinator,
    )
    training = Training.objects.create(
        kabupaten=kabupaten,
        organiser="Dinas Koperasi dan Usaha Mikro",
        title="Pelatihan Kemasan dan Label Produk Pangan Olahan",
        kind="kemasan",
        venue="Aula Kecamatan Balongbendo",
        start_on=today,
        end_on=today + datetime.timedelta(days=2),
        capacity=30,
        created_by=dinas,
    )
    Enrollment.objects.create(training=training, business=business, nominated_by=coordinator, status="dikonfirmasi")
    call = CurationCall.objects.create(
        kabupaten=kabupaten,
        organiser="Dinas",
        title="Kurasi Produk Oleh-oleh Khas Sidoarjo",
        channel="ritel_modern",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=30),
        created_by=dinas,
    )
    listing = make_listing(make_product(business, name="Lumpia bandeng asap khas Sidoarjo"), by=dinas)
    CurationSubmission.objects.create(call=call, product=listing.product, submitted_by=coordinator)
    MentoringVisit.objects.create(
        business=business,
        organiser="Dinas",
        visited_on=today - datetime.timedelta(days=30),
        topic="Pembukuan sederhana",
        actions="Mencatat penjualan harian di buku kas dan memisahkan uang usaha dari uang rumah tangga",
        follow_up_on=today - datetime.timedelta(days=7),
        created_by=coordinator,
    )
    Inquiry.objects.create(
        business=business,
        product=listing.product,
        buyer_name="Budi Santoso",
        buyer_organisation="PT Oleh-oleh Nusantara Sejahtera",
        buyer_kind="toko",
        quantity=500,
        destination="Surabaya",
    )
    MarketEvent.objects.create(
        name="Bazar Produk Lokal Hari Jadi Kabupaten Sidoarjo",
        kind="bazar",
        kabupaten=kabupaten,
        place="Alun-alun Sidoarjo",
        starts_on=today + datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=12),
        created_by=dinas,
    )
    return {"call": call}


def on_a_phone(page, live_server, username, lang):
    """`page` on a phone, signed in as `username`, in `lang`."""
    page.set_viewport_size(PHONE)
    log_in(page, live_server, username)
    if lang == "en":
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


def on_the_screen(target, what):
    """`target` is shown and ends before the phone's right edge."""
    expect(target, f"{what} is not shown").to_be_visible()
    box = target.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"], f"{what} ends at {box['x'] + box['width']}px"


def lists_fit(page, shown):
    """Every table box of the page needs no sideways scroll, and `shown` (a header or a button) is on the screen."""
    boxes = page.evaluate(
        "[...document.querySelectorAll('.table-responsive')].map(box => [box.scrollWidth, box.clientWidth])"
    )
    assert boxes, page.url
    for scroll_width, width in boxes:
        assert scroll_width <= width + 1, f"{page.url}: a table {scroll_width}px wide in a box of {width}px"
    # A header, or a button (whose name goes on with its row's, for a screen reader).
    target = page.locator("table").get_by_text(re.compile(rf"^\s*{re.escape(shown)}\b")).first
    on_the_screen(target, f"{page.url}: {shown!r}")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_dinas_lists_keep_what_a_person_acts_on_on_a_phone(page, live_server, field_rows, lang):
    on_a_phone(page, live_server, "dinas.sidoarjo", lang)
    call_page = (f"/kurasi/{field_rows['call'].pk}/", ("Keputusan", "Decision"))  # a call's submissions
    for path, words in [*DINAS_LISTS, call_page]:
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        lists_fit(page, words[lang == "en"])
    page.goto(f"{live_server.url}/rujukan/")
    expect(page.locator("table")).to_contain_text("Rp 150.000.000")
    screenshot(page, f"phone-referrals-dinas-{lang}")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_bank_officer_sees_the_amount_and_the_status_of_each_referral_on_a_phone(page, live_server, field_rows, lang):
    on_a_phone(page, live_server, "bank.bri", lang)
    page.goto(f"{live_server.url}/rujukan/")
    lists_fit(page, "Status")
    row = page.locator("tbody tr").first
    name = row.get_by_role("link", name="UD Keripik Singkong Barokah Jaya Abadi")
    on_the_screen(name, "the business")
    on_the_screen(row.get_by_text("Rp 150.000.000"), "the amount")
    # The secondary columns are there on a wider screen.
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(page.locator("thead")).to_contain_text("Kabupaten/kota" if lang == "id" else "Regency/city")
    screenshot(page, f"phone-referrals-bank-{lang}")
