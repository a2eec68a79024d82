"""Sumenep (ANTARA Jawa Timur, 2022): the dinas opens a curation call for modern retail, the Dasuk coordinator
submits the mente products of Desa Jelbudan, the dinas scores and passes them and places them in Alfamart and
Indomaret, and the dashboard counts the products placed."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registry import roles
from registry.models import Business, LegalDocument
from tests.browser.journeys import UNTRANSLATED
from tests.factories import make_business, make_document, make_product, make_region, make_user
from tests.worker import run_tasks

pytestmark = pytest.mark.browser

PRODUCTS = [  # (product, business, retailer, store)
    ("Kacang mente goreng", "Mente Jelbudan Jaya", "Alfamart", "Alfamart Sumenep Kota"),
    ("Mente mentah kupas", "Mente Sumekar", "Indomaret", "Indomaret Dasuk"),
]


@pytest.fixture
def sumenep(transactional_db):
    """Sumenep's dinas, the Dasuk coordinator, and two verified mente makers of Desa Jelbudan with their NIB."""
    dasuk = make_region("35.29.14")
    jelbudan = dasuk.desa_set.get(name="Jelbudan")
    make_user(roles.DINAS, kabupaten=dasuk.kabupaten, username="dinas.sumenep", first_name="Dewi")
    make_user(roles.COORDINATOR, kecamatan=dasuk, username="koordinator.dasuk", first_name="Moh.")
    for product, name, _, _ in PRODUCTS:
        business = make_business(
            dasuk, name=name, desa=jelbudan, category="agro", verification=Business.Verification.VERIFIED
        )
        make_product(business, name=product, category="agro")
        make_document(business, kind=LegalDocument.Kind.NIB, number=business.pk + 9_120_000_000_000)
    return dasuk


def test_sumenep(walk, sumenep):
    page, t = walk.page, walk.t
    today = timezone.localdate()

    # The dinas opens the call for modern retail, with the default rubric.
    walk.enter("dinas.sumenep")
    walk.nav("Kurasi", "Curation")
    walk.heading(t("Kurasi produk", "Product curation"))
    page.get_by_role("link", name=t("Buka kurasi", "Open a call"), exact=True).click()
    walk.heading(t("Buka kurasi produk", "Open a product curation call"))
    page.locator("#id_kabupaten").select_option("35.29")
    page.locator("#id_organiser").fill("Dinas Koperasi dan UKM Kabupaten Sumenep")
    page.locator("#id_title").fill("Kurasi Produk untuk Ritel Modern")
    page.locator("#id_channel").select_option("ritel_modern")
    page.locator("#id_partner").fill("Alfamart dan Indomaret")
    page.locator("#id_opens_on").fill(today.isoformat())
    page.locator("#id_closes_on").fill((today + datetime.timedelta(days=30)).isoformat())
    page.get_by_role("checkbox", name="NIB").check()
    walk.seen("call-form")
    page.get_by_role("button", name=t("Buka kurasi", "Open a call")).click()
    walk.flash("Kurasi dibuka. Produk anggota kini dapat diajukan di halaman ini.", UNTRANSLATED)
    walk.heading("Kurasi Produk untuk Ritel Modern")
    call_url = page.url
    walk.seen("call-opened")

    # The Dasuk coordinator submits both mente products.
    walk.enter("koordinator.dasuk")
    walk.nav("Kurasi", "Curation")
    page.get_by_role("link", name="Kurasi Produk untuk Ritel Modern").click()
    for product, business, _, _ in PRODUCTS:
        page.get_by_label(t("Ajukan produk anggota Anda", "Submit a member's product")).select_option(
            label=f"{product} · {business}"
        )
        page.get_by_role("button", name=t("Ajukan", "Submit"), exact=True).click()
        walk.flash("%(product_name)s diajukan ke kurasi.", UNTRANSLATED, product_name=product)
        page.goto(call_url)
    expect(
        page.get_by_text(
            t(
                "Semua produk anggota Anda sudah diajukan ke kurasi ini.",
                "All your members' products have been submitted to this call.",
            )
        )
    ).to_be_visible()
    walk.seen("products-submitted")

    # The dinas scores each product, passes it and places it with its retailer.
    walk.enter("dinas.sumenep")
    for product, _, retailer, store in PRODUCTS:
        page.goto(call_url)
        page.get_by_role("link", name=product).click()
        walk.heading(product)
        for criterion, score in [("Kemasan", 4), ("Label dan legalitas", 5), ("Mutu produk", 5), ("Harga", 4)]:
            page.get_by_label(criterion, exact=True).fill(str(score))
        page.get_by_label("Kapasitas produksi", exact=True).fill("3")
        page.get_by_role("button", name=t("Simpan nilai", "Save scores")).click()
        walk.flash("Nilai tersimpan.", UNTRANSLATED)
        page.locator("#d-lolos").check()  # the decision's label is a choice not yet in English
        page.get_by_label(
            t(
                "Masukan untuk pelaku usaha (wajib bila tidak lolos)",
                "Feedback for the business (required unless it passes)",
            )
        ).fill("Siap masuk rak ritel modern.")
        page.get_by_role("button", name=t("Simpan keputusan", "Save decision")).click()
        walk.flash("Keputusan kurasi tersimpan; koordinator dapat membaca masukannya.", UNTRANSLATED)
        page.locator("#id_channel").select_option("ritel_modern")
        page.locator("#id_retailer").fill(retailer)
        page.locator("#id_partner").fill(store)
        page.locator("#id_starts_on").fill(today.isoformat())
        page.get_by_role("button", name=t("Simpan penempatan", "Save placement")).click()
        walk.flash("Penempatan produk tercatat.", UNTRANSLATED)
        expect(page.get_by_role("heading", name=t("Penempatan", "Placement"))).to_be_visible()
        expect(page.get_by_text(f"{t('Ritel modern', UNTRANSLATED)} · {retailer} · {store}")).to_be_visible()
    walk.seen("product-placed")

    # The placements by channel, each with its retailer.
    walk.nav("Kurasi", "Curation")
    page.get_by_role("link", name=t("Penempatan", "Placement"), exact=True).click()
    page.get_by_label(t("Saluran", "Channel"), exact=True).select_option("ritel_modern")
    page.get_by_role("button", name=t("Terapkan", "Apply")).click()
    expect(page).to_have_url(re.compile(r"channel=ritel_modern"))  # the list before shows the same rows
    for product, _, retailer, store in PRODUCTS:
        expect(page.get_by_role("row", name=re.compile(product))).to_contain_text(
            re.compile(f"{retailer}.*{store}", re.S)
        )
    walk.seen("placements-by-channel")

    # The dashboard: two submitted, two passed, two placed.
    run_tasks()  # the worker's recount
    walk.nav("Dasbor", "Dashboard")
    curation = page.get_by_role("region", name=t("Kurasi produk", "Product curation"))
    # Submitted, passed, placed, in that order (their labels are not in English yet: reports/figures.py).
    steps = curation.get_by_role("listitem")
    expect(steps).to_have_count(3)
    for step in range(3):
        expect(steps.nth(step).get_by_role("link")).to_have_text("2")
    walk.seen("dashboard-placements")
    # Placements by channel: both products in modern retail (Alfamart and Indomaret).
    by_channel = page.get_by_role(
        "region", name=t("Tabel: Produk ditempatkan per saluran", "Table: Products placed by channel")
    )
    by_channel.scroll_into_view_if_needed()
    expect(by_channel.get_by_role("row", name=re.compile(t("Ritel modern", "Modern retail")))).to_contain_text("2")
    walk.seen("dashboard-placements-by-channel")
    steps.nth(2).get_by_role("link").click()
    for product, _, _, _ in PRODUCTS:
        expect(page.get_by_role("link", name=product)).to_be_visible()
    walk.seen("placed-products")
