"""A watch over every page the app renders and every log line it writes during the tests: no full NIK.

The middleware is added by tests/conftest.py; an autouse fixture fails the test that produced a leak.
A NIK may appear only where the user asked for it on purpose: the logged reveal (with a reason) and
Django admin (superusers cleaning data), or as the echo of what the user typed themselves: a form
re-shown after an error, the registration form resumed from their own server-side draft, or the
failed rows of a sheet they uploaded, given back to them to fix.

The public pages (issue 20: the catalogue, the buyer's inquiry form and status page, the sitemap) are
watched for more: no owner's phone number, birth date or home address either, in any of the forms a
page could write them (+62 or 0, with spaces or dashes; ISO, day-month-year, the month's name in
Indonesian or English). The owners to look for are those saved during the test (a signal records them,
so the watch itself runs no query and leaves pinned query counts alone); an owner's address that is also
their business's address is the business's (shown only where the consent allows), not a home address, and
a number a consent gives as the business's contact is the contact the business chose to show. The portal's
own example number in its help texts and messages ("Contoh: 0812-3456-7890") is no one's.
"""

import datetime
import html
import logging
import re
from urllib.parse import quote

from django.db.models.signals import post_save
from django.urls import resolve
from django.urls.exceptions import Resolver404
from django.utils import dateformat, translation

# Sixteen digits standing alone. Digits glued to letters are part of a token, never a NIK as a page or a log
# writes one: a stored file's random name (a uuid's 32 hex characters hold sixteen digits in a row about once
# in a hundred names) or an opaque key.
NIK = re.compile(r"(?<![0-9A-Za-z])[0-9]{16}(?![0-9A-Za-z])")
ALLOWED_VIEWS = {"registry:owner_reveal_nik", "registry:business_register", "registry:import_preview"}
# Every page anyone may open without logging in that shows a business or a product (tests/test_public_pages.py
# checks that each public URL of the access matrix is here).
PUBLIC_VIEWS = {
    "programs:catalogue_home",
    "programs:catalogue",
    "programs:catalogue_product",
    "programs:catalogue_business",
    "programs:catalogue_photo",
    "programs:catalogue_inquiry",
    "programs:catalogue_inquiry_sent",
    "programs:inquiry_status",
    "programs:catalogue_pdf",
    "programs:catalogue_sheet",
    "programs:catalogue_csv",
    "programs:sitemap",
    "programs:sitemap_section",
    "programs:robots",
}
TEXT_TYPES = ("text/", "application/json", "application/javascript", "application/xml")
DATE_FORMATS = ["Y-m-d", "d-m-Y", "d/m/Y", "d.m.Y", "j-n-Y", "j/n/Y", "j F Y", "d F Y", "F j, Y", "N j, Y", "j M Y"]
ADULT_YEARS = 15  # a "birth date" less than this many years ago is a factory's filler, not a person's
EXAMPLE_NUMBERS = ("0812-3456-7890", "+62 812 3456 7890")  # registry.validators' and the forms' examples
leaks = []
owners = {}  # pk -> (phone, birth date, home address) of the owners saved during the test
business_addresses = set()  # (owner pk, address) of the businesses saved during the test
consent_contacts = set()  # the digits of the contacts consents gave during the test


def _view_name(request):
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


def _allowed(request):
    name = _view_name(request)
    return name is not None and (name in ALLOWED_VIEWS or name.startswith("admin:"))


def _digits(phone):
    digits = re.sub(r"[^0-9]", "", phone or "")
    return digits[2:] if digits.startswith("62") else digits.lstrip("0")


def remember_personal_data(sender, instance, **kwargs):
    label = sender._meta.label
    if label == "registry.Owner":
        owners[instance.pk] = (instance.phone or "", instance.birth_date, (instance.address or "").strip())
    elif label == "programs.ListingConsent":
        if _digits(instance.contact):
            consent_contacts.add(_digits(instance.contact))
    elif (instance.address or "").strip():
        business_addresses.add((instance.owner_id, instance.address.strip()))


def watch_personal_data():
    """Record the owners (and their businesses' addresses) saved from now on; models named lazily, so this
    may run before the apps are loaded."""
    post_save.connect(remember_personal_data, sender="registry.Owner", dispatch_uid="nik_watch_owner")
    post_save.connect(remember_personal_data, sender="registry.Business", dispatch_uid="nik_watch_business")
    post_save.connect(remember_personal_data, sender="programs.ListingConsent", dispatch_uid="nik_watch_consent")


def phone_pattern(phone):
    """The phone number as a page could write it: +62, 62 or 0 before it, spaces, dots or dashes between."""
    digits = _digits(phone)
    if len(digits) < 8 or digits in consent_contacts:
        return None
    return re.compile(r"(?<![0-9])(?:\+?62[\s.\-]?|0)?" + r"[\s.\-]?".join(digits) + r"(?![0-9])")


def date_texts(day):
    texts = set()
    for language in ("id", "en"):
        with translation.override(language):
            texts |= {dateformat.format(day, fmt) for fmt in DATE_FORMATS}
    return texts


def personal_data_in(text, owner_data, *, exclude=""):
    """What of the owners' personal data `text` shows (not counting what is in `exclude`, which the
    visitor typed or asked with themselves): a list of descriptions, without the values."""
    found = []
    text = html.unescape(text)
    for example in EXAMPLE_NUMBERS:
        text = text.replace(example, "")
    adult = datetime.date.today() - datetime.timedelta(days=365 * ADULT_YEARS)
    for pk, (phone, birth_date, address) in owner_data.items():
        pattern = phone_pattern(phone)
        if pattern and pattern.search(text) and not pattern.search(exclude):
            found.append(f"owner {pk}: phone")
        if birth_date and birth_date < adult:
            shown = [day for day in date_texts(birth_date) if day in text and day not in exclude]
            if shown:
                found.append(f"owner {pk}: birth date")
        home = len(address) >= 8 and (pk, address) not in business_addresses
        if home and address.casefold() in text.casefold() and address.casefold() not in exclude.casefold():
            found.append(f"owner {pk}: home address")
    return found


class NikWatchMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if getattr(response, "streaming", False) or not content_type.startswith(TEXT_TYPES) or _allowed(request):
            return response
        public = _view_name(request) in PUBLIC_VIEWS
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        typed = " ".join(str(value) for value in request.POST.values()) if request.method == "POST" else ""
        typed_digits = set(NIK.findall(re.sub(r"[^0-9]", "", typed))) | set(NIK.findall(typed))
        # The query string is echoed too (the language switch's `next`, sort and page links): percent-encoded,
        # a generated value such as " 12345678901234" reads "%2012345678901234", sixteen digits it was sent.
        values = [value for values in request.GET.lists() for value in values[1]]
        asked = " ".join([request.get_full_path(), *values, *(quote(value) for value in values)])
        content = response.content.decode(errors="replace")
        for number in set(NIK.findall(content)):
            if number not in typed and number not in typed_digits and number not in asked:
                leaks.append(f"{request.method} {request.path}: {number[:4]}…")
        if public:
            for what in personal_data_in(content, owners, exclude=f"{typed} {asked}"):
                leaks.append(f"{request.method} {request.path}: {what}")
        return response


class NikWatchHandler(logging.Handler):
    def emit(self, record):
        try:
            line = self.format(record)
        except Exception:
            return
        if NIK.search(line):
            leaks.append(f"log {record.name}: {NIK.sub('<NIK>', line)[:200]}")
