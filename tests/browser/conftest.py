"""Real-browser fixtures: Debian's Chromium driven by Playwright, axe-core for accessibility."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from registry import roles
from tests.factories import PASSWORD, make_bank, make_region, make_user

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
# An assertion waits as long as an action (page.set_default_timeout below): on CI's two loaded cores a page can take
# longer than Playwright's 5 seconds.
expect.set_options(timeout=15_000)
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Never `playwright install`: it downloads a browser, which this network refuses.
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "headless": True,
        "args": CHROMIUM_FLAGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "id-ID", "timezone_id": "Asia/Jakarta"}


@pytest.fixture
def page(page):
    """A page that fails the test on any browser console error, such as a CSP violation."""
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_default_timeout(15_000)
    yield page
    # A 403/404 the test asked for is logged as a failed resource; anything else is a defect.
    assert [e for e in errors if "the server responded with a status of 40" not in e] == []


def check_accessibility(page):
    """Run axe-core on the current page; fail on any serious or critical violation.

    A caller that has just clicked a link or submitted a form first waits for what the new page shows: axe run
    while the browser replaces the document fails on a null document (a CI run did)."""
    page.wait_for_load_state("load")
    # Evaluated through the DevTools protocol: a <script> tag would be (rightly) blocked by our CSP.
    page.evaluate(AXE_SOURCE)
    violations = page.evaluate("async () => (await axe.run()).violations")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[node['target'] for node in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"accessibility violations on {page.url}:\n" + "\n".join(bad)


def screenshot(page, name):
    """Keep a full-page screenshot under test-results/screenshots/ for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def log_in(page, live_server, username, password=PASSWORD):
    """Log in through the form (submit_login). Every test user's password is PASSWORD: with another, the login is
    refused and the form comes back with its message, which the caller reads."""
    page.goto(f"{live_server.url}/masuk/")
    submit_login(page, username, password)


def indonesian(indonesian_text, _english_text):
    return indonesian_text


def submit_login(page, username, password=PASSWORD, t=indonesian):
    """Fill and send the login form open on `page`, its labels in the language `t` picks (t("Masuk", "Log in")),
    and give the authenticator's code when the portal asks for it (setting one up with an admin's enrolment code on
    the first login). Returns once the form has gone; with a password other than PASSWORD, right after the click
    (refused: the form comes back with its message)."""
    page.get_by_label(t("Nama pengguna", "Username")).fill(username)
    page.get_by_label(t("Kata sandi", "Password")).fill(password)
    page.get_by_role("button", name=t("Masuk", "Log in")).click()
    if password != PASSWORD:
        return
    # The URL is read once the form has left for the next page (the click may return before it does): read at once,
    # it is still the form's, and the code would be skipped.
    page.wait_for_url(lambda url: urlsplit(url).path != "/masuk/")
    if "/masuk/kode/" in page.url:
        if page.locator("input[name=code]").count():
            page.get_by_label(t("Kode pendaftaran dari admin", "Enrolment code from the admin")).fill(
                enrolment_code(username)
            )
            page.get_by_role("button", name=t("Lanjut", "Continue")).click()
            page.wait_for_load_state()
        page.locator("input[name=token]").fill(current_code(username))
        page.locator("form:has(input[name=token]) button[type=submit]").click()
        # The caller often opens a page next: opened before the code is taken, it would be sent back here.
        page.wait_for_url(lambda url: urlsplit(url).path != "/masuk/kode/")


def follow_nav(page, name, *, navigation="Navigasi utama", programs="Program"):
    """Follow the main navigation's link `name` as a person does: on a phone the collapsed menu is opened first,
    and a link of the programs' dropdown (`programs`, the toggle's label) after opening that dropdown."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator("#nav-main.collapse.show")).to_be_visible()  # opened, its slide finished
    nav = page.get_by_role("navigation", name=navigation)
    link = nav.get_by_role("link", name=name, exact=True, include_hidden=True)
    if link.evaluate("a => a.closest('.dropdown-menu') !== null"):
        toggle = nav.get_by_role("button", name=programs, exact=True)
        if toggle.get_attribute("aria-expanded") != "true":
            toggle.click()
        expect(link).to_be_visible()
    href = urlsplit(link.get_attribute("href"))
    link.click()
    # The next step acts on the page the link opens: the one it leaves may hold the same controls (a filter bar's
    # "Terapkan" and "Kelompok" on the list and on the dashboard), and a CI run once filled the wrong one. The query
    # counts too: from a filtered list (/acara/?year=...) the link opens the same path without it.
    page.wait_for_url(lambda url: (urlsplit(url).path, urlsplit(url).query) == (href.path, href.query))


def enrolment_code(username):
    """A one-time code the admin issued for setting up the user's authenticator (as the user admin's action does)."""
    from django.contrib.auth import get_user_model

    from umkm_portal.accounts import issue_enrolment_code

    return issue_enrolment_code(get_user_model().objects.get(username=username), by=None)


def current_code(username):
    """What the user's authenticator app shows now (the replay guard is reset: tests log in often)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username).order_by("-confirmed", "-pk").first()
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


@pytest.fixture
def browser_cast(transactional_db):
    """The cast for browser tests: one user per role on real regions, committed for the live server."""
    kec_a = make_region("35.15.12")
    make_region("35.15.11")
    bank = make_bank(short_name="BRI", name="PT Bank Rakyat Indonesia (Persero) Tbk")
    return {
        "admin": make_user(roles.ADMIN, username="admin.uji", first_name="Sri", last_name="Wahyuni"),
        "dinas": make_user(roles.DINAS, kabupaten=kec_a.kabupaten, username="dinas.sidoarjo", first_name="Agus"),
        "coordinator": make_user(
            roles.COORDINATOR, kecamatan=kec_a, username="koordinator.balongbendo", first_name="Ike"
        ),
        "bank": make_user(roles.BANK, bank=bank, username="bank.bri", first_name="Dewi"),
        "kec_a": kec_a,
    }


# A journey walks twice: Indonesian on a phone (the coordinators' and members' portal) and English on a desktop
# (the dinas's and the buyers'), so both languages and both devices are walked. The two other pairs add no check of
# their own: the language and the device are independent (no step branches on both), axe-core's rules do not read
# the language, and what only English on a phone could break (longer words wider than the screen) is measured on
# every English step in a phone-sized tab as well (Walk.seen). A module that needs all four sets WALKS = ALL_WALKS,
# saying why.
WALKS = [("id", "phone"), ("en", "desktop")]
ALL_WALKS = [(lang, device) for lang in ("id", "en") for device in ("phone", "desktop")]


def pytest_generate_tests(metafunc):
    if "walk" in metafunc.fixturenames:
        walks = getattr(metafunc.module, "WALKS", WALKS)
        metafunc.parametrize("walk", walks, indirect=True, ids=["-".join(pair) for pair in walks])


def fits_a_phone(page, width=390, height=844):
    """The page shown is no wider than a phone's screen. A wider window opens the same address again in a phone-sized
    tab of the same session (resizing the window would keep what scripts sized for the wider one, such as charts);
    a page that is not there to open again (a refused form's answer to a POST) is measured in the window resized."""
    if page.viewport_size["width"] <= width:
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
    else:
        scroll_width = _width_in_a_phone_tab(page, width, height)
        if scroll_width is None:
            size = page.viewport_size
            page.set_viewport_size({"width": width, "height": height})
            try:
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
            finally:
                page.set_viewport_size(size)
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide on a phone"


def _width_in_a_phone_tab(page, width, height):
    phone = page.context.new_page()
    try:
        phone.set_viewport_size({"width": width, "height": height})
        try:
            response = phone.goto(page.url)
        except PlaywrightError:
            return None
        if response is None or not response.ok:
            return None
        return phone.evaluate("document.documentElement.scrollWidth")
    finally:
        phone.close()


@pytest.fixture
def walk(request, page, live_server):
    """A district's journey (tests/browser/test_journey_<district>.py) in one language on one device."""
    from tests.browser.journeys import VIEWPORTS, Walk

    lang, device = request.param
    page.set_viewport_size(VIEWPORTS[device])
    district = request.module.__name__.rsplit("test_journey_", 1)[-1]
    return Walk(page=page, base=live_server.url, district=district, lang=lang, device=device)
