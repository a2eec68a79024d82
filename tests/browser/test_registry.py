import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from registry.models import Business
from tests.browser.conftest import check_accessibility, log_in, screenshot

pytestmark = pytest.mark.browser


def test_coordinator_registers_on_a_phone_dinas_verifies_and_it_is_found(page, live_server, browser_cast, tmp_path):
    photo = tmp_path / "lumpia.jpg"
    Image.new("RGB", (3000, 2000), (190, 120, 60)).save(photo, quality=95)
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server, "koordinator.balongbendo")

    page.goto(f"{live_server.url}/usaha/daftar/")
    check_accessibility(page)
    page.locator("#id_owner-name").fill("Siti Aminah")
    page.locator("#id_owner-nik").fill("3515 1245 0785 0001")
    page.locator("#id_owner-sex").select_option("P")
    page.locator("#id_owner-birth_date").fill("1985-07-05")
    page.locator("#id_owner-phone").fill("0812-3456-7890")
    page.locator("#id_business-name").fill("Lumpia Bandeng Bu Siti")
    page.locator("#id_business-desa").select_option(label="Wonokupang (Balongbendo)")
    page.locator("#id_business-category").select_option("makanan")
    page.locator("#id_product-0-name").fill("Lumpia bandeng")
    page.locator("#id_product-0-category").select_option("makanan")
    page.locator("#id_product-0-price").fill("Rp 25.000")
    page.locator("#id_product-0-photos").set_input_files(str(photo))
    expect(page.locator("#draft-status")).to_contain_text("Draf tersimpan")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "phone-registration-form")
    page.get_by_role("button", name="Simpan pendaftaran").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Lumpia Bandeng Bu Siti")
    expect(page.get_by_text("terdaftar dan menunggu verifikasi dinas")).to_be_visible()
    expect(page.get_by_role("img", name="Foto Lumpia bandeng")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "phone-registered-member")
    business = Business.objects.get(name="Lumpia Bandeng Bu Siti")
    stored = business.products.get().photos.get()
    assert max(stored.width, stored.height) <= 1600  # downscaled on the phone, then re-encoded on the server

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "dinas.sidoarjo")
    page.get_by_role("link", name="Verifikasi", exact=True).click()
    expect(page.get_by_role("checkbox", name="Pilih", exact=True).first).to_be_visible()
    check_accessibility(page)
    page.get_by_role("checkbox", name="Pilih", exact=True).first.check()
    screenshot(page, "dinas-verification-queue")
    page.get_by_role("button", name="Verifikasi yang dipilih").click()
    expect(page.get_by_text("1 usaha diverifikasi.")).to_be_visible()

    page.get_by_role("link", name="Usaha", exact=True).click()
    page.get_by_text("Cari dan saring").click()
    page.get_by_label("Cari usaha, pemilik, NIB, produk").fill("lumpiya")
    page.get_by_role("button", name="Terapkan").click()
    expect(page).to_have_url(re.compile(r"q=lumpiya"))  # the list before the search shows the same row
    row = page.get_by_role("row", name=re.compile("Lumpia Bandeng Bu Siti"))
    expect(row).to_contain_text("Terverifikasi")
    expect(row).not_to_contain_text("3515124507850001")
    check_accessibility(page)
    screenshot(page, "dinas-business-search")
    assert Business.objects.get(pk=business.pk).verification == "terverifikasi"

    # The advanced filters come (by htmx) when their fold is first opened, and stay open once one is set.
    page.get_by_text("Saringan lanjutan", exact=True).click()
    page.get_by_label("Jenis kelamin").select_option("P")
    page.get_by_role("button", name="Terapkan").click()
    expect(page).to_have_url(re.compile(r"sex=P"))  # the page before shows the row and the choice made in it too
    expect(page.get_by_role("row", name=re.compile("Lumpia Bandeng Bu Siti"))).to_be_visible()
    expect(page.get_by_label("Jenis kelamin")).to_have_value("P")
    check_accessibility(page)
    screenshot(page, "dinas-business-advanced-filter")


def test_the_live_duplicate_check_posts_the_nik_and_never_puts_it_in_a_url(page, live_server, browser_cast):
    from tests.factories import make_business, make_owner

    owner = make_owner(browser_cast["kec_a"])
    make_business(browser_cast["kec_a"], owner=owner, name="Keripik Tempe Bu Nur")
    checks = []
    page.on("request", lambda request: checks.append(request) if "cek-ganda" in request.url else None)
    log_in(page, live_server, "koordinator.balongbendo")

    page.goto(f"{live_server.url}/usaha/daftar/")
    page.locator("#id_owner-nik").fill(owner.nik)
    page.locator("#id_owner-name").focus()  # leaving the field fires its change event

    expect(page.locator("#duplicates")).to_contain_text("Keripik Tempe Bu Nur")
    assert checks
    assert {request.method for request in checks} == {"POST"}
    assert all(owner.nik not in request.url for request in checks)
    assert owner.nik in checks[-1].post_data
