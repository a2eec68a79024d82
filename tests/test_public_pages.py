"""Item 7 of issue 20 across every public page: the anonymous public role, no owner's personal data, no
enumeration of what is not public, and the search's rate limit per address.

- The public role: every URL of the access matrix that answers an anonymous visitor is a known public page
  (and answers them as it answers staff), every other URL refuses the anonymous visitor.
- The NIK watch (tests/nik_watch.py) reads every public page for an owner's NIK, phone, birth date and home
  address; here each public page is opened, in Indonesian and English, for an owner who has all four.
- A product that is not public (taken down, consent withdrawn, curation not passed, no consent, business
  deleted, never listed) answers every public URL exactly as a product that does not exist.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from programs.models import CurationSubmission, Inquiry, InquiryStep, Listing, ListingConsent
from registry.models import Business, LegalDocument
from registry.services import add_product_photo
from tests import nik_watch
from tests.factories import jpeg_upload, make_business, make_document, make_listing, make_owner, make_product
from tests.test_access_matrix import MATRIX, ROLES

pytestmark = pytest.mark.django_db
SIDOARJO = "35.15"
# Pages of the portal itself that a visitor without an account needs (logging in, a forgotten password, the
# language, a training certificate's check, the load balancer's health check).
PORTAL_PUBLIC = {
    "healthz",
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "set_language",
    "programs:certificate_verify",
}
PHONE, BIRTH, HOME = "+6281298765432", "1984-03-09", "Jl. Melati Gg. 3 No. 12 RT 01 RW 02"


def _anonymous(name):
    return MATRIX[name][0].split()[ROLES.index("anon")]


def test_every_public_url_answers_the_anonymous_visitor_and_every_staff_url_refuses_them():
    public = {name for name in MATRIX if _anonymous(name) not in ("302", "405")}

    assert public - PORTAL_PUBLIC == nik_watch.PUBLIC_VIEWS & set(MATRIX)  # every public page is watched
    assert set(MATRIX) >= nik_watch.PUBLIC_VIEWS  # and the watch names no page that does not exist
    for name in nik_watch.PUBLIC_VIEWS:
        get, post = (answers.split() for answers in MATRIX[name])
        assert len(set(get)) == 1, (name, "a public page answers everyone alike", get)
        assert post[0] != "302", (name, "a public POST is never sent to log in")
    for name in set(MATRIX) - public:
        assert _anonymous(name) in ("302", "405"), name


@pytest.fixture
def owner_with_everything(kec_a):
    """An owner with a NIK, a phone, a birth date and a home address, whose business (at another address,
    which the consent lets be shown) has a listed product with a photo, a valid halal certificate and a
    buyer's inquiry."""
    import datetime

    owner = make_owner(kec_a, phone=PHONE, birth_date=datetime.date(1984, 3, 9), address=HOME)
    business = make_business(kec_a, owner=owner, name="UD Lumpia Melati", address="Jl. Raya Balongbendo 7")
    listing = make_listing(
        make_product(business, name="Lumpia Bandeng Melati", description="Lumpia isi bandeng."),
        price_from=25_000,
        description_en="Milkfish spring rolls.",
        consent_fields={"show_address": True, "contact_channel": "whatsapp", "contact": "+62 31 555 0101"},
    )
    add_product_photo(listing.product, upload=jpeg_upload(), by=listing.listed_by)
    make_document(business, kind=LegalDocument.Kind.HALAL, expires_on=timezone.localdate().replace(year=2030))
    inquiry = Inquiry(
        business=business,
        product=listing.product,
        buyer_name="Toko Oleh-oleh Delta",
        buyer_kind="toko",
        buyer_email="pembeli@example.com",
        quantity=50,
        destination="Surabaya",
    )
    token = inquiry.new_token()
    inquiry.save()
    InquiryStep.objects.create(inquiry=inquiry, status="baru")
    return listing, token


def _public_urls(listing, token):
    product, business = listing.product, listing.product.business
    photo = product.photos.get()
    return [
        reverse("programs:catalogue_home"),
        reverse("programs:catalogue", args=[SIDOARJO]),
        reverse("programs:catalogue", args=[SIDOARJO]) + "?q=lumpia+melati",
        reverse("programs:catalogue", args=[SIDOARJO]) + "?q=lumpya&category=makanan&certification=halal",
        reverse("programs:catalogue_product", args=[product.pk]),
        reverse("programs:catalogue_business", args=[business.pk]),
        reverse("programs:catalogue_inquiry", args=[product.pk]),
        reverse("programs:catalogue_inquiry_sent", args=[product.pk]),
        reverse("programs:inquiry_status", args=[token]),
        reverse("programs:sitemap"),
        reverse("programs:sitemap_section", args=["produk"]),
        reverse("programs:sitemap_section", args=["usaha"]),
        reverse("programs:robots"),
        *(reverse("programs:catalogue_photo", args=[photo.pk, size]) for size in ("kecil", "sedang", "besar")),
    ]


@pytest.mark.parametrize("language", ["id", "en"])
def test_no_public_page_shows_an_owners_nik_phone_birth_date_or_home_address(
    client, owner_with_everything, language, settings
):
    settings.PUBLIC_SEARCH_RATE = "1000/m"
    listing, token = owner_with_everything
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    owner = listing.product.business.owner
    personal = {owner.pk: (owner.phone, owner.birth_date, owner.address)}
    shown = {}

    for url in _public_urls(listing, token):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if response["Content-Type"].startswith("image/"):
            continue
        text = response.content.decode()
        assert owner.nik not in text, url
        shown[url] = nik_watch.personal_data_in(text, personal)
    # The inquiry form shown again after a mistake (a buyer's own phone typed, which is not the owner's).
    refused = client.post(
        reverse("programs:catalogue_inquiry", args=[listing.product_id]),
        {"buyer_name": "Rina", "buyer_phone": "0812 1111 2222", "quantity": "abc"},
    )
    assert refused.status_code == 400
    shown["inquiry refused"] = nik_watch.personal_data_in(refused.content.decode(), personal)

    assert {url: found for url, found in shown.items() if found} == {}
    assert nik_watch.leaks == []  # the watch read the same pages (and every other test's public pages)
    page = client.get(reverse("programs:catalogue_business", args=[listing.product.business_id])).content.decode()
    assert "Jl. Raya Balongbendo 7" in page  # the business's own address, which the consent lets be shown


#
# What is not public answers as what does not exist
#

HIDDEN = ["unlisted", "withdrawn", "not_passed", "no_consent", "deleted", "never_listed"]


def _hide(listing, how):
    business, product = listing.product.business, listing.product
    staff = get_user_model().objects.get(pk=listing.listed_by_id)
    now = timezone.now()
    if how == "unlisted":
        Listing.objects.filter(pk=listing.pk).update(unlisted_at=now, unlisted_by=staff)
    elif how == "withdrawn":
        ListingConsent.objects.filter(business=business).update(withdrawn_at=now, withdrawn_by=staff)
    elif how == "not_passed":
        CurationSubmission.objects.filter(product=product).update(decision=CurationSubmission.Decision.REVISE)
    elif how == "no_consent":
        ListingConsent.objects.filter(business=business).delete()
    elif how == "deleted":
        Business.all_objects.filter(pk=business.pk).update(deleted_at=now, deleted_by=staff)
    else:
        Listing.objects.filter(pk=listing.pk).delete()


def _same(response):
    """The answer without what differs by the visitor's own request: their masked CSRF token (new on each
    answer), the address they asked for (the language switch's way back) and the request's own headers."""
    content = response.content.replace(response.wsgi_request.path.encode(), b"PATH")
    content = re.sub(rb'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', rb"\1-", content)
    headers = {k: v for k, v in response.headers.items() if k not in ("Date", "X-Request-ID", "Content-Length")}
    return response.status_code, headers, content


@pytest.mark.parametrize("how", HIDDEN)
def test_a_product_that_is_not_public_answers_every_public_url_exactly_as_a_missing_one(client, kec_a, how, settings):
    settings.PUBLIC_INQUIRY_RATE = "1000/h"
    listing = make_listing(make_product(make_business(kec_a), name="Kerupuk Tersembunyi"))
    photo = add_product_photo(listing.product, upload=jpeg_upload(), by=listing.listed_by)
    product, business = listing.product_id, listing.product.business_id
    _hide(listing, how)
    missing = 999_999_999
    inquiry = {"buyer_name": "Rina", "buyer_kind": "toko", "buyer_email": "rina@example.com", "quantity": "10"}
    inquiry |= {"destination": "Surabaya", "destination_country": "ID"}
    cases = [
        ("GET", "programs:catalogue_product", [product], {}),
        ("GET", "programs:catalogue_business", [business], {}),
        ("GET", "programs:catalogue_inquiry", [product], {}),
        ("POST", "programs:catalogue_inquiry", [product], inquiry),
        ("GET", "programs:catalogue_inquiry_sent", [product], {}),
        *(("GET", "programs:catalogue_photo", [photo.pk, size], {}) for size in ("kecil", "sedang", "besar")),
    ]
    for method, name, args, data in cases:
        send = client.get if method == "GET" else client.post
        hidden = send(reverse(name, args=args), data)
        absent = send(reverse(name, args=[missing, *args[1:]]), data)

        assert hidden.status_code == 404, (how, method, name)
        assert _same(hidden) == _same(absent), (how, method, name)
    assert not Inquiry.objects.exists()
    page = client.get(reverse("programs:catalogue", args=[SIDOARJO]), {"q": "kerupuk"}).content.decode()
    assert "Kerupuk Tersembunyi" not in page
    sitemap = client.get(reverse("programs:sitemap_section", args=["produk"])).content.decode()
    assert f"/katalog/produk/{product}/" not in sitemap


#
# The search's rate limit per address (PUBLIC_SEARCH_RATE)
#


def test_searches_are_limited_per_address_in_the_shared_cache_and_browsing_is_not(client, kec_a, settings):
    from django.test import Client

    settings.PUBLIC_SEARCH_RATE = "3/m"
    make_listing(make_product(make_business(kec_a), name="Lumpia Bandeng"))
    url = reverse("programs:catalogue", args=[SIDOARJO])

    answers = [client.get(url, {"q": f"lumpia {n}"}).status_code for n in range(2)]
    answers.append(Client().get(url, {"q": "bandeng"}).status_code)  # another process, the same address
    refused = client.get(url, {"q": "lumpia"})
    browsing = [client.get(url, {"category": "makanan"}).status_code, client.get(url).status_code]
    elsewhere = client.get(url, {"q": "lumpia"}, REMOTE_ADDR="10.20.0.99")

    assert answers == [200, 200, 200]
    assert refused.status_code == 429
    assert "Terlalu banyak permintaan" in refused.content.decode()
    assert browsing == [200, 200]  # filters and pages without a search are not counted
    assert elsewhere.status_code == 200


def test_the_search_limit_is_the_setting(client, kec_a, settings):
    settings.PUBLIC_SEARCH_RATE = "1/m"
    url = reverse("programs:catalogue", args=[SIDOARJO])

    assert [client.get(url, {"q": "kopi"}).status_code for _ in range(2)] == [200, 429]
