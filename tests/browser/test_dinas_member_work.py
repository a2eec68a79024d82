"""Blora has no coordinator accounts: its dinas officer registers, nominates and submits by itself."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from programs.models import CurationCall, CurationCriterion, Enrollment, Training, TrainingSession
from programs.services import open_curation_call
from registry import roles
from registry.models import Business
from tests.browser.conftest import check_accessibility, follow_nav, log_in, screenshot
from tests.factories import make_business, make_product, make_region, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def blora(transactional_db):
    """Kabupaten Blora with its dinas officer (and no coordinator), a training and an open curation call."""
    kabupaten = make_region("33.16")
    dinas = make_user(roles.DINAS, kabupaten=kabupaten, username="dinas.blora", first_name="Sutrisno")
    today = timezone.localdate()
    training = Training.objects.create(
        kabupaten=kabupaten,
        organiser="Dinas Perdagangan, Koperasi dan UKM Kabupaten Blora",
        title="Pemasaran Digital Kerajinan Jati",
        kind="pemasaran_digital",
        venue="Aula Dinas",
        start_on=today + datetime.timedelta(days=21),
        end_on=today + datetime.timedelta(days=21),
        capacity=25,
        created_by=dinas,
    )
    TrainingSession.objects.create(training=training, on=training.start_on, topic="Foto produk")
    call = open_curation_call(
        CurationCall(
            kabupaten=kabupaten,
            organiser="Dinas Perdagangan, Koperasi dan UKM Kabupaten Blora",
            title="Kurasi Kerajinan Jati untuk Pusat Oleh-oleh",
            channel="oleh_oleh",
            opens_on=today - datetime.timedelta(days=7),
            closes_on=today + datetime.timedelta(days=30),
        ),
        criteria=[CurationCriterion(name="Mutu pengerjaan", weight=3)],
        by=dinas,
    )
    # Another member in another kecamatan: the dinas's lists span the kabupaten.
    make_product(make_business(kabupaten.kecamatan_set.get(code="33.16.08"), name="Batik Jati Jepon"), name="Batik")
    return {"training": training, "call": call}


def test_the_blora_dinas_registers_on_a_phone_nominates_and_submits(page, live_server, blora, monkeypatch):
    from programs.views import PickList

    # Blora has 13,652 UMKM: past the limit the nomination form asks for a name (two members here).
    monkeypatch.setattr(PickList, "LIMIT", 1)
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server, "dinas.blora")

    page.get_by_role("link", name="Daftarkan anggota baru").click()
    page.locator("#id_owner-name").fill("Sri Rahayu")
    page.locator("#id_owner-nik").fill("3316 0945 0785 0001")
    page.locator("#id_owner-sex").select_option("P")
    page.locator("#id_owner-birth_date").fill("1985-07-05")
    page.locator("#id_owner-desa").select_option(label="Jetis (Blora)")
    page.locator("#id_business-name").fill("Mebel Jati Bu Sri")
    page.locator("#id_business-desa").select_option(label="Jetis (Blora)")
    page.locator("#id_business-category").select_option("kerajinan")
    page.locator("#id_product-0-name").fill("Kursi jati ukir")
    page.locator("#id_product-0-category").select_option("kerajinan")
    page.locator("#id_product-0-price").fill("Rp 1.250.000")
    # The desa of the whole kabupaten, one group per kecamatan.
    expect(page.locator("#id_business-desa optgroup[label='Kecamatan Blora']")).to_have_count(1)
    expect(page.locator("#id_business-desa optgroup[label='Kecamatan Jepon']")).to_have_count(1)
    check_accessibility(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "phone-blora-dinas-registration-form")
    page.get_by_role("button", name="Simpan pendaftaran").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Mebel Jati Bu Sri")
    expect(page.get_by_text("periksa datanya, lalu verifikasi di halaman ini")).to_be_visible()
    page.get_by_role("button", name="Verifikasi", exact=True).click()
    expect(page.get_by_text("Terverifikasi").first).to_be_visible()
    check_accessibility(page)
    screenshot(page, "phone-blora-dinas-registered-member")
    business = Business.objects.get(name="Mebel Jati Bu Sri")
    assert (business.kecamatan.name, business.registered_by.username) == ("Blora", "dinas.blora")

    follow_nav(page, "Pelatihan")  # the phone's menu, then the programs' dropdown
    page.get_by_role("link", name="Pemasaran Digital Kerajinan Jati").click()
    expect(page.get_by_text("Lebih dari 1 anggota dapat dinominasikan: cari nama usahanya.")).to_be_visible()
    page.get_by_label("Cari anggota yang akan dinominasikan").fill("mebel jati")
    page.get_by_role("button", name="Cari anggota").click()
    expect(page).to_have_url(re.compile(r"anggota=mebel"))
    check_accessibility(page)
    screenshot(page, "phone-blora-dinas-nominee-search")
    page.get_by_label("Nominasikan anggota Anda").select_option(label="Mebel Jati Bu Sri")
    page.get_by_role("button", name="Nominasikan", exact=True).click()
    expect(page.get_by_text("Mebel Jati Bu Sri dinominasikan; konfirmasi di daftar peserta di bawah.")).to_be_visible()
    row = page.get_by_role("row", name="Mebel Jati Bu Sri")
    row.get_by_role("button", name="Konfirmasi").click()
    expect(page.get_by_role("row", name="Mebel Jati Bu Sri")).to_contain_text("Dikonfirmasi")
    check_accessibility(page)
    # The participants table scrolls inside its frame; its hidden column title must not widen the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "phone-blora-dinas-nominated")
    assert Enrollment.objects.get().status == "dikonfirmasi"

    page.set_viewport_size({"width": 1280, "height": 900})
    monkeypatch.setattr(PickList, "LIMIT", 200)  # a short list: one select, grouped by kecamatan
    follow_nav(page, "Kurasi")
    page.get_by_role("link", name="Kurasi Kerajinan Jati untuk Pusat Oleh-oleh").click()
    expect(page.locator("#product optgroup")).to_have_count(2)  # Blora and Jepon
    check_accessibility(page)
    screenshot(page, "desktop-blora-dinas-curation-call")
    page.get_by_label("Ajukan produk anggota Anda").select_option(label="Kursi jati ukir · Mebel Jati Bu Sri")
    page.get_by_role("button", name="Ajukan", exact=True).click()
    expect(page.get_by_text("Kursi jati ukir diajukan ke kurasi.")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "desktop-blora-dinas-submitted-product")
    assert blora["call"].submissions.get().product.business == business

    page.get_by_role("link", name="Dasbor", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/dasbor/")  # the dinas keeps its own dashboard
