"""The public catalogue (programs/catalogue.py): no login, listed products only, search and filters,
certificates valid today, English, shared-cache copies forgotten at once, no personal data."""

import datetime
import hashlib
import json
import re

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from programs import catalogue, catalogue_cache, catalogue_entries
from programs.models import CurationSubmission, Listing, ListingConsent
from registry import roles
from registry.models import BusinessGroup, LegalDocument, ProductPhoto
from registry.services import add_product_photo
from tests.factories import (
    jpeg_upload,
    make_business,
    make_document,
    make_listing,
    make_product,
    make_user,
    photo_upload,
)

pytestmark = pytest.mark.django_db
SIDOARJO = "35.15"


def _page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _catalogue(client, **params):
    return _page(client, reverse("programs:catalogue", args=[SIDOARJO]), **params)


def _product_url(listing):
    return reverse("programs:catalogue_product", args=[listing.product_id])


@pytest.fixture
def lumpia(kec_a):
    business = make_business(kec_a, name="UD Lumpia Bu Sri", address="Jl. Raya Balongbendo 12")
    product = make_product(business, name="Lumpia Bandeng", description="Lumpia isi bandeng asap.", unit="pak")
    return make_listing(
        product,
        price_from=25000,
        price_to=40000,
        minimum_order=20,
        capacity_per_month=1500,
        description_en="Spring rolls filled with smoked milkfish.",
        export_ready=True,
    )


#
# Each page, anonymous
#


def test_the_home_lists_kabupaten_with_listed_products_and_their_counts(client, lumpia, kec_other_kabupaten):
    make_listing(make_product(make_business(lumpia.product.business.kecamatan)))
    make_listing(make_product(make_business(kec_other_kabupaten)), consent=False)  # not public: no Sumenep

    html = _page(client, reverse("programs:catalogue_home"))

    assert reverse("programs:catalogue", args=[SIDOARJO]) in html
    assert "Sidoarjo" in html
    assert "2 produk" in html
    assert reverse("programs:catalogue", args=[kec_other_kabupaten.kabupaten_id]) not in html


def test_the_catalogue_shows_listed_products_as_cards(client, lumpia):
    add_product_photo(lumpia.product, upload=jpeg_upload(), by=lumpia.listed_by)
    make_document(lumpia.product.business, kind=LegalDocument.Kind.HALAL, expires_on=datetime.date(2030, 1, 1))

    html = _catalogue(client)

    assert _product_url(lumpia) in html
    assert "Lumpia Bandeng" in html
    assert "UD Lumpia Bu Sri" in html
    assert "Balongbendo" in html
    assert "Rp\N{NO-BREAK SPACE}25.000 \N{EN DASH} Rp\N{NO-BREAK SPACE}40.000 / pak" in html
    assert "Sertifikat halal" in html
    assert "Siap ekspor" in html
    photo = ProductPhoto.objects.get()
    assert reverse("programs:catalogue_photo", args=[photo.pk, "kecil"]) in html


@pytest.mark.parametrize(
    "hidden",
    ["unlisted", "withdrawn", "uncurated", "no_consent", "deleted"],
)
def test_only_public_listings_are_shown(client, lumpia, hidden, dinas_sidoarjo):
    other = make_listing(make_product(make_business(lumpia.product.business.kecamatan), name="Kerupuk Udang"))
    business = other.product.business
    if hidden == "unlisted":
        Listing.objects.filter(pk=other.pk).update(unlisted_at=timezone.now(), unlisted_by=dinas_sidoarjo)
    elif hidden == "withdrawn":
        ListingConsent.objects.filter(business=business).update(
            withdrawn_at=timezone.now(), withdrawn_by=dinas_sidoarjo
        )
    elif hidden == "uncurated":
        CurationSubmission.objects.filter(product=other.product).update(decision=CurationSubmission.Decision.FAILED)
    elif hidden == "no_consent":
        ListingConsent.objects.filter(business=business).delete()
    else:
        type(business).all_objects.filter(pk=business.pk).update(deleted_at=timezone.now())

    html = _catalogue(client)
    product = client.get(_product_url(other))
    business_page = client.get(reverse("programs:catalogue_business", args=[business.pk]))

    assert "Lumpia Bandeng" in html
    assert "Kerupuk Udang" not in html
    assert product.status_code == 404
    assert business_page.status_code == 404


def test_a_hidden_product_answers_exactly_as_a_missing_one(client, lumpia, dinas_sidoarjo):
    hidden = make_listing(make_product(make_business(lumpia.product.business.kecamatan)), passed=False)
    missing = hidden.product_id + 10_000

    one = client.get(_product_url(hidden))
    two = client.get(reverse("programs:catalogue_product", args=[missing]))
    ignored = {"Date", "X-Request-ID"}

    def body(response):
        # What differs is only what the visitor sent: their own masked CSRF token, new on each answer, and
        # the address they asked for (the language switch's way back).
        content = response.content.replace(response.wsgi_request.path.encode(), b"PATH")
        return re.sub(rb'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', rb"\1-", content)

    assert one.status_code == 404
    assert two.status_code == 404
    assert body(one) == body(two)
    headers = [{k: v for k, v in r.headers.items() if k not in ignored} for r in (one, two)]
    for header, response in zip(headers, (one, two), strict=True):
        assert int(header.pop("Content-Length")) == len(response.content)
    assert headers[0] == headers[1]


def test_the_product_page_shows_what_the_consent_allows(client, lumpia):
    add_product_photo(lumpia.product, upload=photo_upload(), by=lumpia.listed_by)
    sister = make_listing(make_product(lumpia.product.business, name="Otak-otak Bandeng"))

    html = _page(client, _product_url(lumpia))

    assert "<h1>Lumpia Bandeng</h1>" in html
    assert "Rp\N{NO-BREAK SPACE}25.000 \N{EN DASH} Rp\N{NO-BREAK SPACE}40.000 / pak" in html
    assert "Pesanan minimal" in html
    assert "20 pak" in html
    assert "Kapasitas per bulan" in html
    assert "1.500 pak" in html
    assert "Lumpia isi bandeng asap." in html
    assert "Jl. Raya Balongbendo" not in html  # show_address is off by default
    assert _product_url(sister) in html  # other products of the business
    assert reverse("programs:catalogue_business", args=[lumpia.product.business_id]) in html


def test_the_product_and_business_pages_show_the_listed_products_newest_first(client, lumpia):
    business = lumpia.product.business
    make_document(business, kind=LegalDocument.Kind.PIRT, number="2063515010123-31")  # business-wide
    others = [make_listing(make_product(business, name=f"Sambal {i:02}"), price_from=10000 + i) for i in range(13)]
    start = timezone.now() - datetime.timedelta(days=30)
    for day, listing in enumerate(others):  # Sambal 12 the newest
        Listing.objects.filter(pk=listing.pk).update(listed_at=start + datetime.timedelta(days=day))
    catalogue_entries.refresh(businesses=[business.pk])
    make_listing(make_product(business, name="Sambal Belum Dikurasi"), passed=False)

    html = _page(client, _product_url(lumpia))
    shown = html[html.index("Produk lain dari") :]

    names = re.findall(r">(Sambal \d\d)</a>", shown)
    assert names == [f"Sambal {i:02}" for i in range(12, 0, -1)]  # twelve at most, newest first
    assert "Lumpia Bandeng</a>" not in shown  # not the product itself
    assert "Belum Dikurasi" not in html
    assert "Rp\N{NO-BREAK SPACE}10.012" in shown  # the consent lets prices show
    assert shown.count(">P-IRT<") == 12  # the business's certificate on each card
    page = _page(client, reverse("programs:catalogue_business", args=[business.pk]))
    assert re.findall(r">(Sambal \d\d|Lumpia Bandeng)</a>", page) == ["Lumpia Bandeng", *names, "Sambal 00"]


def test_a_business_page_shows_its_products_a_page_at_a_time(client, kec_a):
    business = make_business(kec_a, name="UD Kerupuk Banyak")
    listings = [make_listing(make_product(business, name=f"Kerupuk {i:02}")) for i in range(catalogue.PER_PAGE + 2)]
    start = timezone.now() - datetime.timedelta(days=60)
    for day, listing in enumerate(listings):  # Kerupuk 25 the newest
        Listing.objects.filter(pk=listing.pk).update(listed_at=start + datetime.timedelta(days=day))
    Listing.objects.filter(pk=listings[0].pk).update(export_ready=True)  # the oldest, on the last page
    make_document(business, product=listings[1].product, kind=LegalDocument.Kind.BPOM_MD, number="MD 224")
    catalogue_entries.refresh(businesses=[business.pk])
    url = reverse("programs:catalogue_business", args=[business.pk])

    first, second = _page(client, url), _page(client, url, page=2)

    assert re.findall(r">(Kerupuk \d\d)</a>", first) == [f"Kerupuk {i:02}" for i in range(25, 1, -1)]
    assert re.findall(r">(Kerupuk \d\d)</a>", second) == ["Kerupuk 01", "Kerupuk 00"]
    assert "26 produk" in first
    assert "Halaman 1 dari 2" in first
    assert 'href="?page=2"' in first
    for html in (first, second):  # what the business holds, whichever page shows the product
        assert "BPOM MD" in html.split("<h2>")[0]
        assert "Siap ekspor" in html.split("<h2>")[0]
    assert [client.get(url, {"page": page}).status_code for page in (3, 0, "x")] == [404, 404, 404]


def test_a_consent_without_price_capacity_shows_neither_but_the_business_address(client, kec_a):
    product = make_product(make_business(kec_a, address="Jl. Pasar 3"), name="Sambal Roa", unit="botol")
    listing = make_listing(
        product,
        price_from=20000,
        price_to=20000,
        capacity_per_month=300,
        consent_fields={"show_price": False, "show_capacity": False, "show_address": True},
    )

    html = _page(client, _product_url(listing))
    listed = _catalogue(client)

    assert "Rp\N{NO-BREAK SPACE}20.000" not in html
    assert "Rp\N{NO-BREAK SPACE}20.000" not in listed
    assert "Kapasitas" not in html
    assert "Jl. Pasar 3" in html
    assert '"offers"' not in html


def test_the_contact_channel_of_the_consent(client, kec_a):
    wa = make_listing(
        make_product(make_business(kec_a)),
        consent_fields={"contact_channel": "whatsapp", "contact": "+62 857-1111-2222"},  # the business's own
    )
    mail = make_listing(
        make_product(make_business(kec_a)), consent_fields={"contact_channel": "email", "contact": "jual@contoh.id"}
    )

    assert 'href="https://wa.me/6285711112222"' in _page(client, _product_url(wa))
    assert 'href="mailto:jual@contoh.id"' in _page(client, _product_url(mail))


def test_the_business_page_is_its_public_face_only(client, lumpia, kec_a):
    business = lumpia.product.business
    owner = business.owner
    group = BusinessGroup.objects.create(name="Klaster Bandeng Balongbendo", kecamatan=kec_a)
    business.groups.add(group)
    unlisted = make_product(business, name="Produk Belum Dikurasi")
    make_document(business, kind=LegalDocument.Kind.PIRT, number="2063515010123-30")

    html = _page(client, reverse("programs:catalogue_business", args=[business.pk]))

    assert "<h1>UD Lumpia Bu Sri</h1>" in html
    assert "Klaster Bandeng Balongbendo" in html
    assert "P-IRT" in html
    assert _product_url(lumpia) in html
    assert unlisted.name not in html
    for personal in (owner.name, owner.nik, owner.phone, owner.phone[3:], owner.birth_date.strftime("%d-%m-%Y")):
        assert personal not in html
    assert business.address not in html  # show_address is off


def test_the_business_page_shows_the_address_as_the_open_consent_says_and_its_groups_by_name(client, kec_a):
    shown = make_business(kec_a, name="UD Sambal Roa", address="Jl. Pasar 3")
    kept = make_business(kec_a, name="UD Kerupuk Udang", address="Jl. Tambak 7")
    ListingConsent.objects.create(  # an earlier consent, withdrawn, that showed the address: it says nothing now
        business=kept, recorded_by=make_user(roles.DINAS), show_address=True, withdrawn_at=timezone.now()
    )
    make_listing(make_product(shown), consent_fields={"show_address": True})
    make_listing(make_product(kept), consent_fields={"show_address": False})
    for name in ("Paguyuban <b>Udang</b>", "Kelompok Anyaman", "Klaster Bandeng"):
        shown.groups.add(BusinessGroup.objects.create(name=name, kecamatan=kec_a))

    page = _page(client, reverse("programs:catalogue_business", args=[shown.pk]))
    other = _page(client, reverse("programs:catalogue_business", args=[kept.pk]))

    assert "<dt>Alamat usaha</dt><dd>Jl. Pasar 3</dd>" in page
    assert "Jl. Tambak 7" not in other
    assert "<dd>Kelompok Anyaman, Klaster Bandeng, Paguyuban &lt;b&gt;Udang&lt;/b&gt;</dd>" in page
    assert "Kelompok atau klaster" not in other


def test_no_page_carries_an_owners_personal_data(client, lumpia):
    owner = lumpia.product.business.owner
    pages = [
        reverse("programs:catalogue_home"),
        reverse("programs:catalogue", args=[SIDOARJO]),
        _product_url(lumpia),
        reverse("programs:catalogue_business", args=[lumpia.product.business_id]),
        reverse("programs:sitemap_section", args=["produk"]),
    ]

    for url in pages:
        html = _page(client, url)
        assert owner.nik not in html
        assert owner.name not in html
        assert owner.phone not in html
        assert not re.search(r"(?<![0-9])[0-9]{16}(?![0-9])", html)


#
# Search and filters
#


def test_search_forgives_a_typo_and_accents(client, lumpia, kec_a):
    make_listing(make_product(make_business(kec_a, name="Café Sinom"), name="Sinom Belimbing Wuluh"))

    typo = _catalogue(client, q="lumpiya bandeng")
    accent = _catalogue(client, q="cafe")
    business = _catalogue(client, q="bu sri")

    assert "Lumpia Bandeng" in typo
    assert "Sinom Belimbing" not in typo
    assert "Sinom Belimbing Wuluh" in accent
    assert "Lumpia Bandeng" not in accent
    assert "Lumpia Bandeng" in business


def test_filters(client, lumpia, kec_a, kec_b):
    plain = make_listing(
        make_product(make_business(kec_b, category="kerajinan"), name="Tas Anyaman", category="kerajinan")
    )
    group = BusinessGroup.objects.create(name="Kelompok Anyaman Krian", kecamatan=kec_b)
    plain.product.business.groups.add(group)

    def names(**params):
        html = _catalogue(client, **params)
        return {name for name in ("Lumpia Bandeng", "Tas Anyaman") if name in html}

    assert names() == {"Lumpia Bandeng", "Tas Anyaman"}
    assert names(category="kerajinan") == {"Tas Anyaman"}
    assert names(kecamatan=kec_a.pk) == {"Lumpia Bandeng"}
    assert names(group=group.pk) == {"Tas Anyaman"}
    assert names(export_ready="on") == {"Lumpia Bandeng"}
    assert names(certification="halal") == set()


def test_the_group_filter_offers_only_groups_with_listed_products(client, lumpia, kec_a):
    shown = BusinessGroup.objects.create(name="Klaster Bandeng", kecamatan=kec_a)
    lumpia.product.business.groups.add(shown)
    BusinessGroup.objects.create(name="Kelompok Tanpa Katalog", kecamatan=kec_a)

    html = _catalogue(client)

    assert "Klaster Bandeng" in html
    assert "Kelompok Tanpa Katalog" not in html


def test_a_bad_filter_value_is_a_clear_message_not_an_error(client, lumpia):
    response = client.get(reverse("programs:catalogue", args=[SIDOARJO]), {"kecamatan": "x' OR 1=1", "category": "zzz"})

    assert response.status_code == 200
    assert "Masukkan pilihan yang valid" in response.content.decode()


def test_an_unknown_kabupaten_or_page_answers_404(client, lumpia):
    assert client.get(reverse("programs:catalogue", args=["99.99"])).status_code == 404
    assert client.get(reverse("programs:catalogue", args=[SIDOARJO]), {"page": 99}).status_code == 404


#
# Certificates valid today
#


def test_certificates_show_while_valid(client, lumpia):
    business = lumpia.product.business
    today = timezone.localdate()
    make_document(business, kind=LegalDocument.Kind.HALAL, expires_on=today)  # valid through today
    make_document(business, kind=LegalDocument.Kind.SNI, number="SNI-1", expires_on=today - datetime.timedelta(days=1))
    make_document(business, kind=LegalDocument.Kind.BPOM_MD, number="MD 123456789012", product=lumpia.product)
    other = make_product(business, name="Bukan Produk Ini")
    make_document(business, kind=LegalDocument.Kind.PIRT, number="2063515010124-30", product=other)

    html = _page(client, _product_url(lumpia))
    halal = _catalogue(client, certification="halal")
    sni = _catalogue(client, certification="sni")
    bpom = _catalogue(client, certification="bpom")
    pirt = _catalogue(client, certification="pirt")

    assert "Sertifikat halal" in html
    assert "BPOM MD" in html
    assert "SNI" not in html  # expired yesterday
    assert "P-IRT" not in html  # another product's
    assert "Lumpia Bandeng" in halal
    assert "Lumpia Bandeng" in bpom
    assert "Lumpia Bandeng" not in sni
    assert "Lumpia Bandeng" not in pirt


#
# English
#


def test_the_english_page_reads_english_and_the_english_description(client, lumpia):
    client.cookies["django_language"] = "en"

    html = _page(client, _product_url(lumpia))
    listed = _catalogue(client)

    assert '<html lang="en">' in html
    assert "Spring rolls filled with smoked milkfish." in html
    assert "Lumpia isi bandeng asap." not in html
    assert "Minimum order" in html
    assert "Export-ready" in html
    assert "Export-ready" in listed
    assert "Search" in listed
    for page in (html, listed):  # the portal's Rupiah in English too, as the staff's pages and the PDF write it
        assert "Rp\N{NO-BREAK SPACE}25.000 \N{EN DASH} Rp\N{NO-BREAK SPACE}40.000 / pak" in page


#
# Open Graph, schema.org, sitemap, robots.txt
#


def test_the_product_page_carries_open_graph_and_schema_org_product(client, lumpia):
    add_product_photo(lumpia.product, upload=jpeg_upload(), by=lumpia.listed_by)
    photo = ProductPhoto.objects.get()

    html = _page(client, _product_url(lumpia))
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))

    assert '<meta property="og:title" content="Lumpia Bandeng · UD Lumpia Bu Sri">' in html
    image = f"http://testserver{reverse('programs:catalogue_photo', args=[photo.pk, 'sedang'])}"
    assert f'<meta property="og:image" content="{image}">' in html
    assert f'<meta property="og:url" content="http://testserver{_product_url(lumpia)}">' in html
    assert data["@type"] == "Product"
    assert data["name"] == "Lumpia Bandeng"
    assert data["brand"]["name"] == data["manufacturer"]["name"] == "UD Lumpia Bu Sri"
    assert data["image"] == [image]
    assert data["offers"] == {
        "@type": "AggregateOffer",
        "priceCurrency": "IDR",
        "lowPrice": "25000",
        "highPrice": "40000",
    }


def test_json_ld_cannot_close_its_script(client, kec_a):
    listing = make_listing(make_product(make_business(kec_a), name="Keripik </script><script>alert(1)</script>"))

    html = _page(client, _product_url(listing))

    assert "</script><script>alert(1)" not in html


def test_the_sitemap_lists_public_pages_and_robots_points_to_it(client, lumpia, kec_a):
    hidden = make_listing(make_product(make_business(kec_a)), consent=False)

    index = _page(client, reverse("programs:sitemap"))
    products = _page(client, reverse("programs:sitemap_section", args=["produk"]))
    businesses = _page(client, reverse("programs:sitemap_section", args=["usaha"]))
    catalogues = _page(client, reverse("programs:sitemap_section", args=["katalog"]))
    robots = _page(client, reverse("programs:robots"))

    assert "sitemap-produk.xml" in index
    assert f"http://testserver{_product_url(lumpia)}" in products
    assert _product_url(hidden) not in products
    assert reverse("programs:catalogue_business", args=[lumpia.product.business_id]) in businesses
    assert reverse("programs:catalogue", args=[SIDOARJO]) in catalogues
    assert "Sitemap: http://testserver/sitemap.xml" in robots
    assert "Disallow: /\n" in robots
    assert "Allow: /katalog/" in robots


#
# Photos
#


def test_photos_of_listed_products_only_with_a_middle_size_made_once(client, lumpia, kec_a):
    add_product_photo(lumpia.product, upload=photo_upload(), by=lumpia.listed_by)
    photo = ProductPhoto.objects.get()
    hidden_product = make_product(make_business(kec_a))
    add_product_photo(hidden_product, upload=jpeg_upload(), by=lumpia.listed_by)
    hidden = ProductPhoto.objects.get(product=hidden_product)

    medium = client.get(reverse("programs:catalogue_photo", args=[photo.pk, "sedang"]))
    again = client.get(reverse("programs:catalogue_photo", args=[photo.pk, "sedang"]))
    full = client.get(reverse("programs:catalogue_photo", args=[photo.pk, "besar"]))
    photo.refresh_from_db()

    assert medium.status_code == 200
    assert medium["Content-Type"] == "image/jpeg"
    assert medium["Cache-Control"] == "public, max-age=86400"
    body = b"".join(medium.streaming_content)
    assert b"".join(again.streaming_content) == body
    assert photo.medium.name.startswith(f"products/{lumpia.product_id}/medium/")
    assert len(body) < len(b"".join(full.streaming_content))
    from PIL import Image

    assert max(Image.open(photo.medium).size) == 800
    for size in ("kecil", "sedang", "besar"):
        assert client.get(reverse("programs:catalogue_photo", args=[hidden.pk, size])).status_code == 404


#
# Shared-cache copies and HTTP caching
#


@pytest.fixture(params=["database", "redis"])
def shared_cache(request):
    """The shared cache as deployed: the database's table, or Redis (CACHE_URL)."""
    return request.getfixturevalue("redis_cache") if request.param == "redis" else cache


def test_a_withdrawal_removes_a_cached_page_at_once(
    client, lumpia, dinas_sidoarjo, django_capture_on_commit_callbacks, shared_cache
):
    url = _product_url(lumpia)
    first = client.get(url)
    cached = client.get(url)
    assert first.status_code == cached.status_code == 200
    assert cached["ETag"] == first["ETag"]
    kept = _copy_key(url, "product")
    assert "Lumpia Bandeng" in shared_cache.get(kept)["content"]  # the copy made before the withdrawal

    with django_capture_on_commit_callbacks(execute=True):
        ListingConsent.objects.filter(business=lumpia.product.business).update(
            withdrawn_at=timezone.now(), withdrawn_by=dinas_sidoarjo
        )
        catalogue_cache.forget_business(lumpia.product.business)

    assert client.get(url).status_code == 404
    assert "Lumpia Bandeng" not in _catalogue(client)
    assert shared_cache.get(kept) is not None  # still stored, under a generation no one reads again


def _copy_key(url, page, query=""):
    address = hashlib.sha256(f"testserver{url}?{query}".encode()).hexdigest()
    return catalogue_cache.page_key(SIDOARJO, page, "id", address)


def test_parameters_the_page_does_not_read_are_served_the_kept_copy(
    client, lumpia, django_assert_max_num_queries, django_assert_num_queries
):
    url = reverse("programs:catalogue", args=[SIDOARJO])
    product = _product_url(lumpia)
    client.get(url, {"q": "lumpia", "category": "makanan"})
    client.get(product)
    Listing.objects.filter(pk=lumpia.pk).update(minimum_order=777)  # without forget(): a kept copy shows 20

    # Junk, trackers, blank filters and another order of the parameters: the same page, the same copy.
    with django_assert_num_queries(3) as read:  # the search's rate-limit counter (one upsert), generation, the copy
        junk = _page(client, f"{url}?category=makanan&utm_source=wa&q=lumpia&kecamatan=&junk=1")
    with django_assert_max_num_queries(3):  # location, generation, the copy
        shared = _page(client, f"{product}?fbclid=abc&x=1")

    built = [q["sql"] for q in read.captured_queries if "umkm_cache" not in q["sql"] and "SAVEPOINT" not in q["sql"]]
    assert len(built) == 1
    assert "portal_ratecount" in built[0]  # only the counter and the cache were read
    assert "Lumpia Bandeng" in junk
    assert "777" not in shared
    assert "20 pak" in shared
    assert cache.get(_copy_key(url, "list", "category=makanan&q=lumpia")) is not None
    assert cache.get(_copy_key(product, "product")) is not None


def test_a_page_asked_with_junk_parameters_is_built_and_kept_without_them(client, kec_a):
    for i in range(30):  # two pages of cards
        make_listing(make_product(make_business(kec_a), name=f"Keripik {i}"))
    url = reverse("programs:catalogue", args=[SIDOARJO])

    _page(client, f"{url}?junk=%3Cb%3E&q=keripik&q=")
    kept = cache.get(_copy_key(url, "list", "q=keripik"))["content"]
    clean = _page(client, url, q="keripik")

    assert "junk" not in kept  # only the visitor's own language switch names it, outside the copy
    assert "%3Cb%3E" not in kept
    assert 'href="?q=keripik&amp;page=2"' in kept  # the next page keeps the search (it was "??q=")
    assert 'value="keripik"' in clean
    assert 'href="?q=keripik&amp;page=2"' in clean


def test_the_copy_is_read_from_the_shared_cache(client, lumpia):
    url = _product_url(lumpia)
    client.get(url)
    key = _copy_key(url, "product")
    Listing.objects.filter(pk=lumpia.pk).update(minimum_order=777)  # without forget(): the copy is served

    html = _page(client, url)

    assert "Lumpia Bandeng" in cache.get(key)["content"]
    assert "777" not in html


def test_pages_are_revalidated_downstream_and_answer_304_when_unchanged(client, lumpia):
    url = _product_url(lumpia)
    first = client.get(url)

    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert "no-cache" in first["Cache-Control"]
    assert "Cookie" in first["Vary"]
    assert again.status_code == 304
    assert again.content == b""


def test_each_answer_carries_the_visitors_own_language_switch(client, lumpia):
    url = _product_url(lumpia)
    client.get(url)

    html = _page(client, url)

    assert 'name="csrfmiddlewaretoken"' in html
    assert f'name="next" value="{url}"' in html
    assert "umkm:language-switch" not in html


def test_the_english_copy_is_kept_apart(client, lumpia):
    url = _product_url(lumpia)
    indonesian = _page(client, url)
    client.cookies["django_language"] = "en"

    english = _page(client, url)

    assert "Pesanan minimal" in indonesian
    assert "Minimum order" in english


@override_settings(PUBLIC_SEARCH_RATE="2/m")
def test_search_is_rate_limited_per_address(client, lumpia):
    url = reverse("programs:catalogue", args=[SIDOARJO])

    answers = [client.get(url, {"q": "lumpia"}).status_code for _ in range(3)]
    browsing = client.get(url).status_code

    assert answers == [200, 200, 429]
    assert browsing == 200


#
# Query counts
#


def _listings(kecamatan, n):
    for i in range(n):
        listing = make_listing(make_product(make_business(kecamatan), name=f"Keripik {i}"))
        add_product_photo(listing.product, upload=jpeg_upload(64, 48), by=listing.listed_by)
        make_document(listing.product.business, kind=LegalDocument.Kind.HALAL, number=f"ID35150000{i:06d}")


@pytest.mark.parametrize("n", [2, 30])
def test_the_catalogue_costs_the_same_queries_at_any_size(client, kec_a, django_assert_num_queries, n):
    _listings(kec_a, n)
    catalogue_cache.generation(SIDOARJO)
    url = reverse("programs:catalogue", args=[SIDOARJO])

    # generation, cached copy, kabupaten, count and page's ids (catalogue entries), the page's cards (their
    # first photo and certificates within: programs.card_rows), the kept filter bar (not yet there),
    # kecamatan and group options, storing the bar and the copy in the database cache (five each)
    with django_assert_num_queries(19):
        client.get(url)
    with django_assert_num_queries(2):  # generation and the copy
        client.get(url)
    # another page not kept yet: the filter bar is read from the cache, not built
    with django_assert_num_queries(12):
        client.get(url, {"page": 1})


@pytest.mark.parametrize("n", [2, 12])
def test_the_product_and_business_pages_cost_fixed_queries(client, kec_a, django_assert_num_queries, n):
    business = make_business(kec_a)
    listings = [make_listing(make_product(business, name=f"Sambal {i}")) for i in range(n)]
    for listing in listings:
        add_product_photo(listing.product, upload=jpeg_upload(64, 48), by=listing.listed_by)
    catalogue_cache.generation(SIDOARJO)

    product, business_page = _product_url(listings[0]), reverse("programs:catalogue_business", args=[business.pk])

    # location, generation, cached copy, the listing (its certificates and the pks of the business's other
    # listings within), its photos, consent, the other listings as card rows, and storing the copy (five)
    with django_assert_num_queries(12):
        client.get(product)
    # location, generation, cached copy, the business (its listings' pks, whether its consent shows the address
    # and its groups' names within), the listings as card rows, storing (five)
    with django_assert_num_queries(10):
        client.get(business_page)
    with django_assert_num_queries(3):  # location, generation, the copy
        client.get(product)


def test_staff_signed_in_get_the_page_built_afresh(client, lumpia, coordinator_a):
    url = _product_url(lumpia)
    client.get(url)  # an anonymous copy
    Listing.objects.filter(pk=lumpia.pk).update(minimum_order=777)
    client.force_login(coordinator_a)

    html = _page(client, url)

    assert "777 pak" in html


def test_a_product_named_as_searched_comes_before_its_businesss_other_products(client, kec_a):
    business = make_business(kec_a, name="UD Lumpia Bu Sri")
    other = make_listing(make_product(business, name="Otak-otak Bandeng"))
    named = make_listing(make_product(business, name="Lumpia Bandeng"))
    Listing.objects.filter(pk=named.pk).update(listed_at=other.listed_at - datetime.timedelta(days=1))

    html = _catalogue(client, q="lumpiya")
    closest = _catalogue(client, q="lumpiya bandeng")  # both names have a word like it: the closer first

    assert html.index("Lumpia Bandeng</a>") < html.index("Otak-otak Bandeng</a>")
    assert closest.index("Lumpia Bandeng</a>") < closest.index("Otak-otak Bandeng</a>")
    assert '<details class="more">' in html  # the filters stay folded: only a word was searched


def test_the_consent_withdrawn_through_the_service_leaves_every_page_at_once(
    client, lumpia, dinas_sidoarjo, django_capture_on_commit_callbacks
):
    from programs.catalogue_services import withdraw_consent

    business = lumpia.product.business
    pages = [_product_url(lumpia), reverse("programs:catalogue_business", args=[business.pk])]
    assert all(client.get(url).status_code == 200 for url in pages)  # kept in the shared cache
    assert "Lumpia Bandeng" in _catalogue(client)
    consent = ListingConsent.objects.get(business=business)

    with django_capture_on_commit_callbacks(execute=True):
        withdraw_consent(consent, reason="Pemilik minta diturunkan", version=consent.version, by=dinas_sidoarjo)

    assert [client.get(url).status_code for url in pages] == [404, 404]
    assert "Lumpia Bandeng" not in _catalogue(client)
    assert str(_product_url(lumpia)) not in _page(client, reverse("programs:sitemap_section", args=["produk"]))


def test_a_portal_contact_links_to_the_inquiry_form(client, lumpia):
    html = _page(client, _product_url(lumpia))

    assert f'href="{reverse("programs:catalogue_inquiry", args=[lumpia.product_id])}"' in html
