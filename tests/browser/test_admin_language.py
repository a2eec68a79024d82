"""An admin cleaning data in Django's admin switches it to English from the admin's own header, and back: the
index, a list with its actions, and the duplicate finder read the chosen language; the switch is a pair of
buttons a keyboard reaches, and the pages pass axe-core."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, log_in, screenshot
from tests.factories import make_business, make_owner

pytestmark = pytest.mark.browser


def test_an_admin_switches_the_admin_to_english_and_back(page, live_server, browser_cast):
    kec_a = browser_cast["kec_a"]
    born = datetime.date(1984, 5, 17)
    make_owner(kec_a, name="Siti Aminah", birth_date=born, female=True)
    make_owner(kec_a, name="SITI AMINAH", birth_date=born, female=True)
    make_business(kec_a, name="Roti Bu Rina")
    log_in(page, live_server, "admin.uji")
    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", name="Pengelolaan data")).to_be_visible()
    screenshot(page, "admin-index-id")

    page.locator('#language-form button[value="en"]').click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Data management")).to_be_visible()
    expect(page.get_by_role("link", name="UMKM registry")).to_be_visible()
    expect(page.locator('#language-form button[value="en"]')).to_have_attribute("aria-pressed", "true")
    check_accessibility(page)
    screenshot(page, "admin-index-en")

    page.get_by_role("link", name="Business", exact=True).first.click()
    page.locator('select[name="action"]').click()
    expect(page.locator('select[name="action"] option[value="verify_selected"]')).to_have_text(
        "Verify the selected businesses"
    )
    page.get_by_role("link", name="Possible duplicates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Possible duplicates")
    expect(page.get_by_text("Same name and birth date, different NIK")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "admin-duplicates-en")

    page.get_by_role("link", name="Compare").first.click()
    expect(page.get_by_role("button", name="Not duplicates")).to_be_visible()
    screenshot(page, "admin-compare-en")

    page.locator('#language-form button[value="id"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("button", name="Bukan data ganda")).to_be_visible()
    screenshot(page, "admin-compare-id")
