"""What the five districts' journeys share (tests/browser/test_journey_*.py): a person walking the portal in a
language, on a device, with every page checked by axe-core and kept as a screenshot.

A district's test is run twice by the `walk` fixture (tests/browser/conftest.py:WALKS): Indonesian on a phone
(390 x 844) and English on a desktop (1366 x 900), the English pages measured at a phone's width as well. Each
step asserts what the person reads in that language: `walk.t("Indonesian", "English")` is the text expected on
the page.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils import translation
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_accessibility, fits_a_phone, follow_nav, screenshot, submit_login

LANGUAGES = ("id", "en")
# Text whose English is not settled yet (item 8 of issue 18 is translating flash messages, form labels, choices,
# figures): `t("...", UNTRANSLATED)` expects on the English page what the English catalogue holds for that msgid
# today, which is the Indonesian itself while it is untranslated; so a translation landing keeps the walk green, and
# a page that stays Indonesian once the catalogue has English fails it. Messages with values are given as their
# msgid and the values: `t("%(name)s dinominasikan", UNTRANSLATED, name=...)`.
UNTRANSLATED = object()
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


@dataclass
class Walk:
    page: Page
    base: str  # the live server's URL
    district: str
    lang: str
    device: str
    steps: list = field(default_factory=list)

    def t(self, indonesian, english, *, number=None, **values):
        """The text the person reads in the walk's language (`number`: the count a message with plural forms
        is read for)."""
        if self.lang == "id":
            text = indonesian
        elif english is UNTRANSLATED:
            with translation.override("en"):
                if number is None:
                    text = translation.gettext(indonesian)
                else:
                    text = translation.ngettext(indonesian, indonesian, number)
        else:
            text = english
        return text % values if values else text

    def go(self, path):
        return self.page.goto(f"{self.base}{path}")

    def enter(self, username):
        """Log in as `username` from a fresh browser: the language is chosen in the login page's footer first, as
        a person who reads English does; an admin's or a dinas officer's authenticator code follows."""
        page = self.page
        page.context.clear_cookies()
        page.goto(f"{self.base}/masuk/")
        if self.lang == "en":
            page.get_by_role("button", name="EN").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            self.t("Masuk ke UMKM Portal", "Log in to UMKM Portal")
        )
        submit_login(page, username, t=self.t)
        expect(page.get_by_role("heading", level=1)).to_contain_text(self.t("Selamat datang", "Welcome"))

    def nav(self, indonesian, english):
        """Follow a link of the main navigation: on a phone the collapsed menu first, then (for a program's page)
        the "Program" dropdown."""
        follow_nav(
            self.page,
            self.t(indonesian, english),
            navigation=self.t("Navigasi utama", "Main navigation"),
            programs=self.t("Program", "Programs"),
        )

    def open_business(self, name, query):
        """Find a business through the list's search box (as a person does among hundreds), then open it."""
        self.nav("Usaha", "Businesses")
        self.page.get_by_text(self.t("Cari dan saring", "Search and filter")).click()
        self.page.get_by_label(self.t("Cari usaha, pemilik, NIB, produk", "Search business, owner, NIB, product")).fill(
            query
        )
        self.page.get_by_role("button", name=self.t("Terapkan", "Apply")).click()
        # The list before the search may show the business too (a kabupaten of few): it is opened from the results.
        expect(self.page).to_have_url(re.compile(re.escape(urlencode({"q": query}))))
        self.page.get_by_role("link", name=name, exact=True).click()
        self.heading(name)

    def seen(self, step):
        """The page as the person sees it, kept as a screenshot: axe-core clean, nothing wider than a phone."""
        self.steps.append(step)
        screenshot(self.page, f"journey-{self.district}-{self.lang}-{self.device}-{len(self.steps):02d}-{step}")
        check_accessibility(self.page)
        # Django admin is the data steward's desktop tool; its compare page runs 1px wider than a phone (reported).
        # An English walk on a desktop measures its pages at a phone's width too: English words run longer, and
        # no English walk is made on a phone (conftest.WALKS).
        if (self.device == "phone" or self.lang == "en") and "/admin/" not in self.page.url:
            fits_a_phone(self.page, **VIEWPORTS["phone"])

    def flash(self, indonesian, english, *, number=None, **values):
        """The message the portal shows after a step."""
        text = self.t(indonesian, english, number=number, **values)
        expect(self.page.locator(".alert").filter(has_text=text).first).to_be_visible()

    def heading(self, text):
        expect(self.page.get_by_role("heading", level=1)).to_contain_text(text)


def words(*parts):
    """A regular expression matching the parts in order, whatever lies between them (numbers, names)."""
    return re.compile(".*".join(re.escape(part) for part in parts), re.S)
