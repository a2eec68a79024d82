"""Groups and clusters in a real browser: the dinas creates a cluster, names its coordinator and adds
members with the search; the group coordinator then sees only those members, on a phone and a desktop."""

import pytest
from playwright.sync_api import expect

from registry import roles
from registry.models import BusinessGroup
from tests.browser.conftest import check_accessibility, follow_nav, log_in, screenshot
from tests.factories import make_business, make_region, make_user

pytestmark = pytest.mark.browser


def test_dinas_builds_a_cluster_and_its_coordinator_sees_only_its_members(page, live_server, browser_cast):
    kec_a = browser_cast["kec_a"]
    make_user(roles.GROUP_COORDINATOR, kecamatan=kec_a, username="klaster.batik", first_name="Rina", last_name="Batik")
    for n in range(12):
        make_business(kec_a, name=f"Batik Tulis Sekar {n:02d}", category="batik")
    make_business(kec_a, name="Kerupuk Udang Balong")
    make_business(make_region("35.15.11"), name="Batik Krian Jaya", category="batik")

    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "dinas.sidoarjo")
    page.get_by_role("link", name="Kelompok", exact=True).click()
    expect(page.get_by_role("link", name="Kelompok baru")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Kelompok baru").click()
    page.get_by_label("Nama kelompok atau klaster").fill("Klaster batik Balongbendo")
    page.get_by_label("Kecamatan").select_option(label="Balongbendo")
    page.get_by_label("Koordinator").select_option(label="Rina Batik")
    check_accessibility(page)
    screenshot(page, "desktop-group-form")
    page.get_by_role("button", name="Simpan kelompok").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Klaster batik Balongbendo")

    page.get_by_role("link", name="Tambah anggota").click()
    page.get_by_label("Cari usaha atau pemilik").fill("batik")
    page.get_by_role("button", name="Cari", exact=True).click()
    expect(page.get_by_text("Batik Tulis Sekar 00")).to_be_visible()
    expect(page.get_by_text("Kerupuk Udang Balong")).to_have_count(0)
    expect(page.get_by_text("Batik Krian Jaya")).to_have_count(0)  # another kecamatan is not offered
    check_accessibility(page)
    page.get_by_role("checkbox", name="Pilih Batik Tulis Sekar 00").check()
    screenshot(page, "desktop-group-member-search")
    page.get_by_role("button", name="Tambahkan yang dicentang").click()
    expect(page.get_by_text("1 usaha ditambahkan ke kelompok.")).to_be_visible()
    page.get_by_role("button", name="Tambahkan semua hasil pencarian").click()
    expect(page.get_by_text("11 usaha ditambahkan ke kelompok.")).to_be_visible()
    page.get_by_role("link", name="Kembali ke kelompok").click()
    expect(page.locator('[data-figure="members"]')).to_have_text("12")
    check_accessibility(page)
    screenshot(page, "desktop-group-page")
    assert BusinessGroup.objects.get().businesses.count() == 12

    page.context.clear_cookies()
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server, "klaster.batik")
    follow_nav(page, "Usaha")
    expect(page.get_by_role("link", name="Batik Tulis Sekar 00")).to_be_visible()
    expect(page.get_by_text("Kerupuk Udang Balong")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    check_accessibility(page)
    screenshot(page, "phone-group-coordinator-list")
    follow_nav(page, "Kelompok")
    page.get_by_role("link", name="Klaster batik Balongbendo").click()
    expect(page.locator('[data-figure="members"]')).to_have_text("12")
    expect(page.get_by_role("link", name="Tambah anggota")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    check_accessibility(page)
    screenshot(page, "phone-group-coordinator-group-page")
