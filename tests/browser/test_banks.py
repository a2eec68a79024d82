import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from registry import roles
from registry.models import Business
from tests.browser.conftest import check_accessibility, follow_nav, log_in, screenshot
from tests.factories import make_bank, make_business, make_region, make_user
from tests.worker import run_tasks

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_blora_dinas_adds_a_bpr_and_its_officer_who_answers_a_referral(page, live_server, transactional_db):
    blora = make_region("33.16.01")
    make_user(roles.DINAS, kabupaten=blora.kabupaten, username="dinas.blora", first_name="Agus")
    make_bank(short_name="BRI", name="PT Bank Rakyat Indonesia (Persero) Tbk")
    make_bank(short_name="Bank Jatim", name="PT Bank Jatim", serves=[make_region("35.15.12").kabupaten.provinsi])
    business = make_business(blora, name="Mebel Jati Cepu", verification=Business.Verification.VERIFIED)

    # The dinas, on a desktop: a new BPR for Blora, and an officer's account for it.
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, "dinas.blora")
    follow_nav(page, "Bank")
    expect(page.get_by_role("heading", name="BRI")).to_be_visible()
    expect(page.get_by_role("heading", name="Bank Jatim")).to_have_count(0)  # serves Jawa Timur, not Blora
    page.get_by_role("link", name="Bank baru").click()
    page.get_by_label("Nama lengkap").fill("PT BPR BKK Blora (Perseroda)")
    page.get_by_label("Nama singkat").fill("BPR BKK Blora")
    expect(page.get_by_label("Kabupaten Blora")).to_be_checked()
    check_accessibility(page)
    page.get_by_role("button", name="Simpan bank").click()
    expect(page.get_by_text("BPR BKK Blora tersimpan.")).to_be_visible()
    expect(page.locator("section", has_text="BPR BKK Blora").get_by_text("belum ada petugas bank")).to_be_visible()

    page.get_by_role("link", name="Tambah petugas BPR BKK Blora").click()
    page.get_by_label("Nama pengguna").fill("bank.bkkblora.budi")
    page.get_by_label("Nama depan").fill("Budi")
    page.get_by_label("Nama belakang").fill("Santoso")
    page.get_by_label("Alamat e-mail").fill("budi@bkkblora.co.id")
    expect(page.get_by_label("Menangani rujukan dari")).to_have_value("33.16")
    check_accessibility(page)
    screenshot(page, "desktop-bank-officer-form")
    page.get_by_role("button", name="Simpan dan kirim tautan").click()
    expect(page.get_by_text("Tautan untuk membuat kata sandi dikirim ke budi@bkkblora.co.id")).to_be_visible()
    expect(page.get_by_role("link", name="Budi Santoso")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "desktop-bank-list")

    # The referral form offers Blora's banks; the BPR now has its officer, BRI none for Blora.
    page.goto(f"{live_server.url}{business.get_absolute_url()}")
    page.get_by_role("link", name="Rujuk ke bank").click()
    options = page.get_by_label("Bank tujuan").locator("option")
    expect(options).to_have_count(3)  # waits for the form; all_inner_texts() alone does not
    assert options.all_inner_texts()[1:] == ["BPR BKK Blora", "BRI (belum ada petugas bank di portal)"]
    page.get_by_label("Bank tujuan").select_option(label="BPR BKK Blora")
    page.get_by_label("Produk kredit").select_option("kur_mikro")
    page.get_by_label("Plafon yang diajukan").fill("Rp 60 juta")
    page.get_by_label("Tujuan penggunaan").fill("Mesin serut kayu")
    page.get_by_role("button", name="Simpan draf rujukan").click()
    page.get_by_role("button", name="Kirim ke bank").click()
    expect(page.get_by_text("Status rujukan: Dikirim ke bank.")).to_be_visible()
    check_accessibility(page)

    # The officer, on a phone: sets the password from the mail, then answers.
    run_tasks()
    [message] = mail.outbox
    link = re.search(r"https?://[^/\s]+(/kata-sandi/atur/\S+/)", message.body).group(1)
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{link}")
    page.locator("#id_new_password1").fill("Kayu-jati-tebang-4711")
    page.locator("#id_new_password2").fill("Kayu-jati-tebang-4711")
    check_accessibility(page)
    page.get_by_role("button", name=re.compile("Simpan")).click()
    expect(page.get_by_text("Kata sandi baru tersimpan dan Anda sudah masuk.")).to_be_visible()
    expect(page.get_by_text("dari usaha di Kabupaten Blora")).to_be_visible()
    page.get_by_role("link", name="1 rujukan baru menunggu").click()
    expect(page.get_by_role("cell", name="Kabupaten Blora")).to_be_visible()
    fits(page, PHONE["width"])
    screenshot(page, "phone-bank-officer-referrals")
    page.get_by_role("link", name="Mebel Jati Cepu").click()
    page.get_by_role("button", name="Tandai sedang diproses").click()
    expect(page.get_by_text("Status rujukan: Diproses bank.")).to_be_visible()
    page.get_by_label("Jumlah (Rp)").fill("Rp 50.000.000")
    page.get_by_role("button", name="Setujui").click()
    expect(page.get_by_text("Status rujukan: Disetujui.")).to_be_visible()
    fits(page, PHONE["width"])
    check_accessibility(page)
    screenshot(page, "phone-bank-officer-approved")


def test_a_referral_to_a_bank_without_an_officer_asks_first(page, live_server, browser_cast):
    business = make_business(browser_cast["kec_a"], name="Kerupuk Lele Balong", verification="terverifikasi")
    make_bank(short_name="Bank Jatim", serves=[browser_cast["kec_a"].kabupaten.provinsi])
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "koordinator.balongbendo")

    page.goto(f"{live_server.url}{business.get_absolute_url()}")
    page.get_by_role("link", name="Rujuk ke bank").click()
    page.get_by_label("Bank tujuan").select_option(label="Bank Jatim (belum ada petugas bank di portal)")
    page.get_by_label("Plafon yang diajukan").fill("Rp 8 juta")
    page.get_by_label("Produk kredit").select_option("kur_super_mikro")
    page.get_by_label("Tujuan penggunaan").fill("Wajan dan kompor")
    page.get_by_role("button", name="Simpan draf rujukan").click()

    expect(page.get_by_text("Bank Jatim belum punya petugas di portal untuk Kabupaten Sidoarjo")).to_be_visible()
    fits(page, PHONE["width"])
    check_accessibility(page)
    screenshot(page, "phone-referral-no-officer")
    page.get_by_label("Saya mengerti; tetap simpan draf rujukan ke bank ini.").check()
    page.get_by_role("button", name="Simpan draf rujukan").click()
    expect(page.get_by_text("Rujukan tersimpan sebagai draf")).to_be_visible()
    expect(page.get_by_text("Bank Jatim belum punya petugas di portal untuk Kabupaten Sidoarjo")).to_be_visible()
    check_accessibility(page)
