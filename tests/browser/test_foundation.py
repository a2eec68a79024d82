import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import (
    check_accessibility,
    current_code,
    enrolment_code,
    follow_nav,
    log_in,
    screenshot,
)
from tests.factories import PASSWORD
from tests.worker import run_tasks

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("who", "greeting", "detail"),
    [
        ("coordinator", "Selamat datang, Ike", "Kecamatan Balongbendo"),
        ("dinas", "Selamat datang, Agus", "Kabupaten Sidoarjo"),
        ("bank", "Selamat datang, Dewi", "PT Bank Rakyat Indonesia"),
        ("admin", "Selamat datang, Sri Wahyuni", "Buka admin data"),
    ],
)
def test_each_role_logs_in_and_sees_its_home(page, live_server, browser_cast, who, greeting, detail):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/masuk/"))
    check_accessibility(page)

    log_in(page, live_server, browser_cast[who].username)

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(greeting))
    expect(page.get_by_text(detail).first).to_be_visible()
    check_accessibility(page)
    screenshot(page, f"home-{who}")


def test_wrong_password_shows_an_indonesian_message(page, live_server, browser_cast):
    log_in(page, live_server, "koordinator.balongbendo", password="salah-sekali")

    expect(page.get_by_text("Nama pengguna atau kata sandi salah")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "login-error")


def test_coordinator_on_a_phone_reaches_own_kecamatan_through_the_menu(page, live_server, browser_cast):
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server, "koordinator.balongbendo")

    follow_nav(page, "Wilayah")  # the menu, its slide finished, then the link (a click there once went nowhere)
    # The home page links "Kecamatan Balongbendo" too: the kecamatan is opened from the list.
    expect(page.get_by_role("heading", level=1)).to_have_text("Kecamatan di wilayah Anda")
    page.get_by_role("link", name="Balongbendo").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Kecamatan Balongbendo")
    expect(page.get_by_role("cell", name="Wonokupang")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    check_accessibility(page)
    screenshot(page, "phone-kecamatan-detail")


def test_dinas_searches_kecamatan_and_gets_404_outside_the_area(page, live_server, browser_cast):
    log_in(page, live_server, "dinas.sidoarjo")
    page.goto(f"{live_server.url}/wilayah/kecamatan/")

    page.get_by_label("Cari").fill("krian")
    page.get_by_role("button", name="Terapkan").click()

    expect(page.get_by_role("link", name="Krian")).to_be_visible()
    expect(page.get_by_role("link", name="Balongbendo")).to_have_count(0)
    check_accessibility(page)
    screenshot(page, "dinas-kecamatan-search")
    response = page.goto(f"{live_server.url}/wilayah/kecamatan/35.29.14/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Halaman tidak ditemukan")
    check_accessibility(page)


def test_bank_officer_gets_a_friendly_403(page, live_server, browser_cast):
    log_in(page, live_server, "bank.bri")

    response = page.goto(f"{live_server.url}/wilayah/kecamatan/")

    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Akses ditolak")
    check_accessibility(page)
    screenshot(page, "bank-403")


def test_language_switch_and_password_change_page(page, live_server, browser_cast):
    log_in(page, live_server, "koordinator.balongbendo")

    page.get_by_role("button", name="EN").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Welcome, Ike"))
    page.get_by_role("button", name="ID").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Selamat datang"))
    page.goto(f"{live_server.url}/kata-sandi/")
    check_accessibility(page)
    screenshot(page, "password-change")


def test_logout_from_the_user_menu(page, live_server, browser_cast):
    log_in(page, live_server, "dinas.sidoarjo")

    page.get_by_role("button", name=re.compile("Agus")).click()
    page.get_by_role("button", name="Keluar").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Anda sudah keluar")
    check_accessibility(page)


def test_admin_manages_users_in_django_admin(page, live_server, browser_cast):
    log_in(page, live_server, "admin.uji")

    page.get_by_role("link", name="Buka admin data").click()
    page.get_by_role("link", name="Pengguna").first.click()

    expect(page.get_by_role("link", name="koordinator.balongbendo")).to_be_visible()
    screenshot(page, "admin-users")


def test_a_forgotten_password_is_reset_through_the_emailed_link(page, live_server, browser_cast):
    browser_cast["coordinator"].email = "ike@contoh.go.id"
    browser_cast["coordinator"].save(update_fields=["email"])
    page.goto(f"{live_server.url}/masuk/")
    page.get_by_role("link", name="Lupa kata sandi?").click()
    expect(page.get_by_label("Alamat e-mail")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Alamat e-mail").fill("ike@contoh.go.id")
    page.get_by_role("button", name="Kirim tautan").click()
    expect(page.get_by_role("heading", name="Periksa e-mail Anda")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "password-reset-sent")
    run_tasks()
    link = re.search(r"https?://\S+/kata-sandi/atur/\S+/", mail.outbox[0].body).group(0)

    page.goto(link)
    page.locator("input[name=new_password1]").fill("Lumpia-bandeng-tambak-47")
    page.locator("input[name=new_password2]").fill("Lumpia-bandeng-tambak-47")
    check_accessibility(page)
    page.get_by_role("button", name="Simpan kata sandi baru").click()

    expect(page.get_by_text("Kata sandi baru tersimpan")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Selamat datang, Ike"))
    page.goto(link)
    expect(page.get_by_text("Tautan ini tidak berlaku lagi")).to_be_visible()


def test_a_dinas_officer_sets_up_the_authenticator_on_first_login(page, live_server, browser_cast):
    page.goto(f"{live_server.url}/masuk/")
    page.get_by_label("Nama pengguna").fill("dinas.sidoarjo")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    # The password alone sets nothing up: the portal asks for the admin's one-time code.
    expect(page.get_by_role("heading", name="Kode pendaftaran autentikator")).to_be_visible()
    expect(page.get_by_role("img", name="Kode QR untuk aplikasi autentikator")).to_have_count(0)
    check_accessibility(page)
    screenshot(page, "second-factor-enrolment-code")
    page.get_by_label("Kode pendaftaran dari admin").fill("ABCD-EFGH-JKLM")
    page.get_by_role("button", name="Lanjut").click()
    expect(page.get_by_text("Kode pendaftaran salah")).to_be_visible()
    page.get_by_label("Kode pendaftaran dari admin").fill(enrolment_code("dinas.sidoarjo"))
    page.get_by_role("button", name="Lanjut").click()

    expect(page.get_by_role("heading", name="Pasang aplikasi autentikator")).to_be_visible()
    expect(page.get_by_role("img", name="Kode QR untuk aplikasi autentikator")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "second-factor-setup")
    page.goto(f"{live_server.url}/usaha/")  # nothing else opens before the code
    expect(page).to_have_url(re.compile(r"/masuk/kode/"))
    page.get_by_label("Kode 6 angka").fill("000000" if current_code("dinas.sidoarjo") != "000000" else "111111")
    page.get_by_role("button", name="Pasang dan masuk").click()
    expect(page.get_by_text("Kode salah atau kedaluwarsa")).to_be_visible()
    page.wait_for_timeout(1100)  # after a wrong code the next try waits a second (guessing is throttled)
    page.get_by_label("Kode 6 angka").fill(current_code("dinas.sidoarjo"))
    page.get_by_role("button", name="Pasang dan masuk").click()

    expect(page).to_have_url(re.compile(r"/usaha/$"))
    expect(page.get_by_text("Autentikator terpasang")).to_be_visible()
