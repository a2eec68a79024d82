"""The public catalogue's cards, rendered by Jinja2 (programs/templatetags/catalogue_cards.py,
umkm_portal/jinja2.py), give what the plain Django template programs/catalogue/_card.html gives; and the
catalogue's filter bar, kept under the kabupaten's generation, follows it."""

import datetime
import re

import pytest
from django.db.models import Prefetch, Q
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation

from programs import card_rows, catalogue_cache, public
from programs.models import Listing, ListingConsent
from programs.templatetags.catalogue_cards import catalogue_cards
from registry.models import BusinessGroup, LegalDocument, ProductPhoto
from registry.services import add_product_photo
from tests.factories import jpeg_upload, make_business, make_document, make_listing, make_product

pytestmark = pytest.mark.django_db
SIDOARJO = "35.15"


def _same_html(html):
    """The same document: whitespace around the tags is not the page's content, and a quote escaped as
    MarkupSafe writes it (&#34;, &#39;) is the character Django's escape writes as &quot; and &#x27;."""
    html = re.sub(r"\s*(<[^>]*>)\s*", r"\1", " ".join(html.split()))
    return html.replace("&#34;", "&quot;").replace("&#39;", "&#x27;")


@pytest.fixture
def varied(kec_a, kec_b):
    """Cards of every shape: photo or none, a price range, one price, a product's own price, no price shown
    (the consent), no unit, certificates of the product and of the business, export-ready, a name that
    needs escaping."""
    photo = make_listing(make_product(make_business(kec_a), name="Lumpia Bandeng"), price_from=25000, price_to=40000)
    add_product_photo(photo.product, upload=jpeg_upload(64, 48), by=photo.listed_by)
    one_price = make_listing(
        make_product(make_business(kec_b, name='Tenun "Ikat" <Sumber>'), name="Sarung <b>tenun</b> & ikat", unit=""),
        price_from=150000,
        price_to=150000,
        export_ready=True,
    )
    make_document(one_price.product.business, kind=LegalDocument.Kind.HALAL)
    own_price = make_listing(make_product(make_business(kec_a), name="Keripik Tempe", price=1250000))
    make_document(own_price.product.business, kind=LegalDocument.Kind.PIRT, number="P-IRT 2063515010001-29")
    hidden_price = make_listing(
        make_product(make_business(kec_a), name="Sambal Roa"), price_from=20000, consent_fields={"show_price": False}
    )
    make_document(
        hidden_price.product.business, product=hidden_price.product, kind=LegalDocument.Kind.BPOM_MD, number="MD 123"
    )
    ids = [photo.pk, one_price.pk, own_price.pk, hidden_price.pk]
    return ids


def _plain(ids):
    """The plain path: the public listings of `ids` read whole through the ORM (product, business, kecamatan,
    photos in order, the open consent), each given its prices as its consent allows and the labels of the
    certificates valid today on it or its business, and rendered by the Django card, in the order of `ids`."""
    whole = (
        Listing.objects.public()
        .filter(pk__in=ids)
        .select_related("product__business__kecamatan")
        .prefetch_related(Prefetch("product__photos", queryset=ProductPhoto.objects.order_by("created_at", "pk")))
    )
    card = get_template("programs/catalogue/_card.html")
    html = []
    for listing in sorted(whole, key=lambda one: ids.index(one.pk)):
        product = listing.product
        consent = ListingConsent.objects.active().get(business=product.business)
        held = public.certificates().filter(Q(product=None) | Q(product=product), business=product.business)
        product.certificates = public.labels_of(set(held.values_list("kind", flat=True)))
        listing.prices = public.price_range(listing) if consent.show_price else None
        html.append(card.render({"listing": listing}))
    return "".join(html)


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_jinja2_cards_render_what_the_django_card_renders(varied, language):
    with translation.override(language):
        plain = _plain(varied)
        fast = catalogue_cards(card_rows.shown(varied))

    assert fast.count('class="card"') == 4
    assert _same_html(fast) == _same_html(plain)
    assert "Sarung &lt;b&gt;tenun&lt;/b&gt; &amp; ikat" in fast  # escaped, as Django escapes
    assert "Rp\u00a025.000 \u2013 Rp\u00a040.000 / pak" in fast  # the portal's Rupiah, an en dash between
    assert "Rp\u00a01.250.000 / pak" in fast
    assert "Rp\u00a020" not in fast  # the consent hides its price


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_rows_keep_the_page_order_and_leave_out_what_is_no_longer_public(varied, language):
    order = [varied[2], varied[0], varied[3], varied[1]]
    Listing.objects.filter(pk=varied[3]).update(unlisted_at=timezone.now())  # its entry not yet refreshed
    with translation.override(language):
        plain = _plain(order)
        fast = catalogue_cards(card_rows.shown(order))

    assert fast.count('class="card"') == 3
    assert _same_html(fast) == _same_html(plain)
    assert fast.index("Keripik Tempe") < fast.index("Lumpia Bandeng") < fast.index("Sarung")


def test_the_rows_compiled_once_read_what_the_orm_reads(varied, kec_a):
    others = [make_listing(make_product(make_business(kec_a), name=f"Dodol {n}")).pk for n in range(4)]
    pages = [varied, others, list(reversed(varied)), [varied[1], others[2]], [others[0]], [*varied, *others]]

    today, later = timezone.localdate(), timezone.localdate() + datetime.timedelta(days=60)
    lumpia = Listing.objects.select_related("product").get(pk=varied[0]).product
    make_document(lumpia.business, kind=LegalDocument.Kind.SNI, expires_on=today + datetime.timedelta(days=30))

    for ids in pages:  # the same page sizes again with other ids: the SQL compiled for the first is reused
        assert sorted(card_rows._rows(ids)) == sorted(card_rows._query(ids, today))
        assert sorted(card_rows._rows(ids, later)) == sorted(card_rows._query(ids, later))  # expired by then
    assert card_rows._rows([-5, varied[0]]) == list(card_rows._query([varied[0]], today))
    assert card_rows._rows([varied[0]])[0][-1] == ["sni"]  # valid today, expired 60 days on
    assert card_rows._rows([varied[0]], later)[0][-1] == []


def test_a_page_of_cards_is_one_query(varied, django_assert_num_queries):
    with django_assert_num_queries(1):  # the rows (first photo, consent and certificates as subqueries)
        cards = card_rows.shown(varied)

    names = [card.name for card in cards]
    assert names == ["Lumpia Bandeng", "Sarung <b>tenun</b> & ikat", "Keripik Tempe", "Sambal Roa"]


def test_the_cards_show_on_the_list_the_business_page_and_the_product_page(client, varied):
    listings = {listing.pk: listing for listing in Listing.objects.filter(pk__in=varied).select_related("product")}
    keripik = listings[varied[2]].product

    pages = [
        reverse("programs:catalogue", args=[SIDOARJO]),
        reverse("programs:catalogue_business", args=[keripik.business_id]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert f'<a href="/katalog/produk/{keripik.pk}/">Keripik Tempe</a>' in html
    other = make_listing(make_product(keripik.business, name="Keripik Singkong"))
    html = client.get(reverse("programs:catalogue_product", args=[other.product_id])).content.decode()
    assert f'<a href="/katalog/produk/{keripik.pk}/">Keripik Tempe</a>' in html  # the business's other products


#
# The filter bar, kept
#


def test_a_new_search_reads_the_filter_bar_from_the_cache(client, kec_a, django_assert_num_queries):
    business = make_business(kec_a)
    make_listing(make_product(business, name="Keripik Pisang"))
    group = BusinessGroup.objects.create(name="Klaster Keripik", kecamatan=kec_a)
    business.groups.add(group)
    url = reverse("programs:catalogue", args=[SIDOARJO])
    first = client.get(url, {"q": "keripik"}).content.decode()

    # the rate limit's counter (one upsert, umkm_portal.limits), generation, the copy,
    # the kabupaten, whether a name contains the words, the page with its count, the cards (their first photo
    # and certificates within), the kept filter bar, storing the copy (five): no kecamatan or group options
    with django_assert_num_queries(13):
        second = client.get(url, {"q": "pisang"}).content.decode()

    bar = _bar(first)
    assert bar == _bar(second)
    assert "Klaster Keripik" in bar
    assert "Balongbendo" in bar


def test_the_kept_filter_bar_follows_the_catalogue(client, kec_a, kec_b, django_capture_on_commit_callbacks):
    make_listing(make_product(make_business(kec_a), name="Keripik Pisang"))
    url = reverse("programs:catalogue", args=[SIDOARJO])
    assert "Klaster Tenun" not in _bar(client.get(url).content.decode())

    with django_capture_on_commit_callbacks(execute=True):  # the generation moves when the change commits
        weaver = make_business(kec_b)
        group = BusinessGroup.objects.create(name="Klaster Tenun", kecamatan=kec_b)
        weaver.groups.add(group)
        make_listing(make_product(weaver, name="Sarung Tenun"))  # the group's first listed product

    assert "Klaster Tenun" in _bar(client.get(url, {"q": "sarung"}).content.decode())


def test_a_chosen_filter_is_shown_chosen_and_opens_the_bar(client, kec_a, kec_b):
    make_listing(make_product(make_business(kec_a), name="Keripik Pisang"))
    url = reverse("programs:catalogue", args=[SIDOARJO])
    client.get(url)  # the blank bar kept

    html = client.get(url, {"kecamatan": kec_a.pk}).content.decode()

    assert '<details class="more" open>' in html
    assert f'<option value="{kec_a.pk}" selected>' in html
    assert catalogue_cache.generation(SIDOARJO)


def _bar(html):
    return html[html.index('<details class="more"') : html.index("</details>")]
