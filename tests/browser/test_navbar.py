"""The staff navbar on a 1280 px desktop in both languages and on a phone (issue 20): the programs' pages sit in
one "Program" dropdown, so the bar keeps one line; the dropdown opens with the keyboard, marks the page shown,
and passes axe-core open and closed."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, follow_nav, log_in, screenshot

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WORDS = {
    "id": {"nav": "Navigasi utama", "programs": "Program", "training": "Pelatihan", "heading": "Pelatihan"},
    "en": {"nav": "Main navigation", "programs": "Programs", "training": "Trainings", "heading": "Training"},
}


def bar_fits_one_line(page):
    """Every item of the bar (the brand, the links, the dropdowns) on one line, nothing past the screen's edge."""
    tops = page.evaluate(
        "[...document.querySelectorAll('.navbar-brand, #nav-main > .navbar-nav > .nav-item')]"
        ".map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, tops
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_bar_fits_a_desktop_and_the_programs_open_from_the_keyboard(page, live_server, browser_cast, lang):
    words = WORDS[lang]
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, "admin.uji")  # the admin sees every link (Django's admin is in the user's menu)
    if lang == "en":
        page.locator('button[name="language"][value="en"]').click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    nav = page.get_by_role("navigation", name=words["nav"])
    screenshot(page, f"navbar-desktop-1280-{lang}")
    bar_fits_one_line(page)

    # From the keyboard: the toggle takes the focus, Enter opens the menu, the arrow keys walk it.
    toggle = nav.get_by_role("button", name=words["programs"], exact=True)
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    training = nav.get_by_role("link", name=words["training"], exact=True)
    expect(training).to_be_focused()
    check_accessibility(page)
    screenshot(page, f"navbar-desktop-1280-{lang}-programs-open")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text(words["heading"])
    expect(toggle).to_have_class(r"nav-link dropdown-toggle btn btn-link active")
    expect(toggle).to_have_attribute("aria-current", "true")
    marked = nav.locator("[aria-current=page]")  # in the closed menu: hidden, still marked for a screen reader
    expect(marked).to_have_count(1)
    expect(marked).to_have_text(words["training"])
    bar_fits_one_line(page)
    check_accessibility(page)
    page.keyboard.press("Escape")


def test_on_a_phone_the_menu_then_the_programs(page, live_server, browser_cast):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "dinas.sidoarjo")
    page.get_by_role("button", name="Buka menu").click()
    page.get_by_role("button", name="Program", exact=True).click()
    expect(page.get_by_role("link", name="Acara", exact=True)).to_be_visible()
    check_accessibility(page)
    screenshot(page, "navbar-phone-programs-open")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.goto(f"{live_server.url}/")
    follow_nav(page, "Acara")  # what the journeys do: the menu, the dropdown, the link
    expect(page.get_by_role("heading", level=1)).to_contain_text("Acara")
