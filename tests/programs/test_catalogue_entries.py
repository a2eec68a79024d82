"""The public catalogue's entries (programs/catalogue_entries.py): after every kind of write they equal what
`Listing.objects.public()` gives, computed here the plain way; and the catalogue's pages, read through the
entries, give the same products in the same order, with the same counts, as the plain queryset would."""

import copy
import datetime
import re

import pytest
from django.contrib.postgres.search import TrigramSimilarity
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.urls import reverse
from django.utils import timezone

from programs import catalogue_cache, catalogue_entries, catalogue_services, public
from programs.models import CatalogueEntry, CatalogueWord, CurationSubmission, Listing, ListingConsent
from registry import duplicates, services
from registry.models import Business, BusinessGroup, Desa, ImportBatch, LegalDocument, Product
from registry.search import SearchKey, name_matches
from registry.signals import import_finished
from tests.factories import make_business, make_document, make_listing, make_product, make_region, make_user
from tests.once import made_once

pytestmark = pytest.mark.django_db
SIDOARJO = "35.15"
HALAL, BPOM_ML, SNI = LegalDocument.Kind.HALAL, LegalDocument.Kind.BPOM_ML, LegalDocument.Kind.SNI


#
# The plain way, kept here (not in the code)
#


def _plain_certificates(listing, today):
    """The certification filter's codes the listing's product holds valid today, read the plain way."""
    product = listing.product
    held = set()
    for document in LegalDocument.objects.filter(business=product.business_id):
        if document.product_id not in (None, product.pk):
            continue
        if document.expires_on is None or document.expires_on >= today:
            held |= {code for code, (_label, kinds) in public.CERTIFICATIONS.items() if document.kind in kinds}
    return held


def _expected_entries():
    """(listing, business, kabupaten, kecamatan, category, export_ready, listed_at, product key, business key)
    of every public listing, and the certificates each holds today."""
    rows = (
        Listing.objects.public()
        .select_related("product__business__kecamatan")
        .annotate(product_key=SearchKey("product__name"), business_key=SearchKey("product__business__name"))
    )
    today = timezone.localdate()
    return {
        listing.pk: (
            listing.product.business_id,
            listing.product.business.kecamatan.kabupaten_id,
            listing.product.business.kecamatan_id,
            listing.product.category,
            listing.export_ready,
            listing.listed_at,
            listing.product_key,
            listing.business_key,
            _plain_certificates(listing, today),
        )
        for listing in rows
    }


def _entries():
    today = timezone.localdate()
    found = {}
    for entry in CatalogueEntry.objects.all():
        held = {
            code
            for code, field in catalogue_entries.CERTIFICATE_FIELDS.items()
            if (getattr(entry, field) or datetime.date.min) >= today
        }
        found[entry.listing_id] = (
            entry.business_id,
            entry.kabupaten_id,
            entry.kecamatan_id,
            entry.category,
            entry.export_ready,
            entry.listed_at,
            entry.product_key,
            entry.business_key,
            held,
        )
    return found


def _expected_words():
    """(kabupaten, word) of every word of the public listings' product and business names (search keys)."""
    words = set()
    for (
        _business,
        kabupaten,
        _kecamatan,
        _category,
        _export,
        _listed,
        product,
        business,
        _held,
    ) in _expected_entries().values():
        words |= {(kabupaten, word) for word in re.split(r"[\W_]+", f"{product} {business}") if word}
    return words


def _words():
    return set(CatalogueWord.objects.values_list("kabupaten", "word"))


def assert_entries_right():
    assert _entries() == _expected_entries()
    assert _expected_words() <= _words()  # a typo search finds every word of a listed name


#
# Data
#


@pytest.fixture
def dinas(kab_sidoarjo):
    from registry import roles

    return make_user(roles.DINAS, kabupaten=kab_sidoarjo)


@pytest.fixture(scope="module")
def shop_once(django_db_setup, django_db_blocker):
    """Listings in two kecamatan of Sidoarjo: names that share words, categories, certificates. Made once for the
    module (tests/once.py): every test here takes them."""
    with made_once(django_db_blocker):
        yield _make_shop(make_region("35.15.12"), make_region("35.15.11"))


@pytest.fixture
def shop(shop_once, db):
    return copy.deepcopy(shop_once)


def _make_shop(kec_a, kec_b):
    listings = []
    lumpia = make_business(kec_a, name="UD Lumpia Bu Sri")
    listings.append(make_listing(make_product(lumpia, name="Lumpia Bandeng")))
    listings.append(make_listing(make_product(lumpia, name="Keripik Bandeng", category="makanan")))
    make_document(lumpia, kind=HALAL, expires_on=datetime.date(2030, 1, 1))
    sambal = make_business(kec_b, name="Sambal Mbok Yem", category="minuman")
    listings.append(make_listing(make_product(sambal, name="Sambal Bawang", category="minuman"), export_ready=True))
    listings.append(make_listing(make_product(sambal, name="Sirup Markisa", category="minuman")))
    make_document(sambal, kind=SNI, expires_on=datetime.date(2020, 1, 1))  # expired
    for n in range(30):  # more than a page
        business = make_business(kec_a if n % 2 else kec_b, name=f"Toko Keripik {n}")
        product = make_product(business, name=f"Keripik Singkong {n}" if n % 3 else f"Kerupuk Udang {n}")
        listings.append(make_listing(product, export_ready=n % 4 == 0))
        if n % 5 == 0:
            make_document(business, product=product, kind=BPOM_ML)  # no end date: valid
    return listings


#
# The entries after each kind of write
#


def test_entries_are_filled_as_listings_become_public(shop):
    assert len(_entries()) == len(shop)
    assert_entries_right()


def test_a_rebuild_gives_the_same_entries(shop):
    before = _entries()
    CatalogueEntry.objects.all().delete()
    CatalogueWord.objects.all().delete()
    call_command("rebuild_catalogue")
    assert _entries() == before
    assert _words() == _expected_words()
    CatalogueEntry.objects.filter(kabupaten=SIDOARJO).update(category="lainnya")
    call_command("rebuild_catalogue", kabupaten=SIDOARJO)
    assert _entries() == before


def test_migrate_fills_a_catalogue_that_has_listings_but_no_entries(shop):
    # A database migrated from before the entries existed (programs 0021): `migrate` fills them at its end,
    # with the live code and the whole schema; a catalogue that has its entries is left as it is.
    before, words = _entries(), _words()
    CatalogueEntry.objects.all().delete()
    CatalogueWord.objects.all().delete()
    call_command("migrate", verbosity=0)
    assert _entries() == before
    assert _words() == words
    CatalogueWord.objects.all().delete()
    call_command("migrate", verbosity=0)
    assert not CatalogueWord.objects.exists()  # entries there: not rebuilt at every migrate


def test_a_rebuild_forgets_only_the_kabupaten_it_corrected(shop, django_capture_on_commit_callbacks):
    # The daily rebuild of a catalogue its writers kept right moves no generation: no kept page is dropped,
    # and no printable catalogue being built for the current generation is thrown away.
    before = catalogue_cache.generation(SIDOARJO)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rebuild_catalogue")
    assert catalogue_cache.generation(SIDOARJO) == before

    listing = shop[-1]
    Listing.objects.filter(pk=listing.pk).update(unlisted_at=timezone.now())  # no signal: its entry is stale
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rebuild_catalogue")
    assert catalogue_cache.generation(SIDOARJO) != before
    assert not CatalogueEntry.objects.filter(listing=listing).exists()
    assert_entries_right()


def test_a_business_renamed_or_moved(shop, kec_b, kec_other_kabupaten):
    business = shop[0].product.business
    business.name = "UD Lumpia Bu Sri Rahayu"
    business.save()
    assert_entries_right()
    assert (SIDOARJO, "RAHAYU") in _words()
    business.name = "UD Lumpia Bu Sri"
    business.save()
    call_command("rebuild_catalogue", kabupaten=SIDOARJO)  # the rebuild drops a word no name has any more
    assert _words() == _expected_words()
    business.desa = Desa.objects.filter(kecamatan=kec_other_kabupaten).order_by("code").first()
    business.save()
    assert CatalogueEntry.objects.get(listing=shop[0]).kabupaten_id == kec_other_kabupaten.kabupaten_id
    assert_entries_right()


def test_a_business_deleted_and_restored(shop, dinas, portal_admin):
    business = shop[0].product.business
    services.delete_business(business, reason="Tutup usaha", by=portal_admin)
    assert not CatalogueEntry.objects.filter(business=business).exists()
    assert_entries_right()
    services.restore_business(business, by=portal_admin)
    assert CatalogueEntry.objects.filter(business=business).count() == 2
    assert_entries_right()


def test_a_product_renamed_or_recategorised(shop):
    product = shop[2].product
    product.name, product.category = "Sambal Terasi", "makanan"
    product.save()
    assert CatalogueEntry.objects.get(listing=shop[2]).category == "makanan"
    assert_entries_right()


def test_documents_added_changed_and_removed(shop):
    business = shop[2].product.business
    document = make_document(business, kind=HALAL, expires_on=datetime.date(2031, 5, 1))
    assert_entries_right()
    document.expires_on = datetime.date(2021, 5, 1)
    document.save()
    assert_entries_right()
    document.expires_on = None
    document.save()
    assert CatalogueEntry.objects.get(listing=shop[2]).halal_until == catalogue_entries.NO_END
    document.delete()
    assert CatalogueEntry.objects.get(listing=shop[2]).halal_until is None
    assert_entries_right()


def test_consent_withdrawn_and_recorded_again(shop, dinas):
    business = shop[2].product.business
    consent = ListingConsent.objects.get(business=business, withdrawn_at__isnull=True)
    catalogue_services.withdraw_consent(consent, reason="Pemilik minta", version=consent.version, by=dinas)
    assert not CatalogueEntry.objects.filter(business=business).exists()
    assert_entries_right()
    catalogue_services.record_consent(business, ListingConsent(), by=dinas)
    assert CatalogueEntry.objects.filter(business=business).count() == 2
    assert_entries_right()


def test_unlisted_relisted_and_marked_export_ready(shop, dinas):
    listing = shop[0]
    catalogue_services.unlist_product(listing, reason="Stok habis", version=listing.version, by=dinas)
    assert not CatalogueEntry.objects.filter(listing=listing).exists()
    catalogue_services.list_product(
        listing.product, Listing(), by=dinas, version=listing.version + 1, export_ready=True
    )
    assert CatalogueEntry.objects.get(listing=listing).export_ready
    assert_entries_right()


def test_a_curation_result_changed_or_removed(shop):
    submission = CurationSubmission.objects.get(product=shop[3].product)
    submission.decision = CurationSubmission.Decision.FAILED
    submission.save()
    assert not CatalogueEntry.objects.filter(listing=shop[3]).exists()
    submission.decision = CurationSubmission.Decision.PASSED
    submission.save()
    assert_entries_right()
    submission.delete()
    assert_entries_right()


def test_businesses_merged(shop, dinas, portal_admin):
    survivor = shop[4].product.business
    removed = make_business(survivor.kecamatan, name="Toko Keripik Kembar")
    hidden = make_listing(make_product(removed, name="Keripik Tempe"))
    consent = ListingConsent.objects.get(business=removed, withdrawn_at__isnull=True)
    catalogue_services.withdraw_consent(consent, reason="Digabung", version=consent.version, by=dinas)
    assert not CatalogueEntry.objects.filter(listing=hidden).exists()

    duplicates.merge(survivor, removed, by=portal_admin)  # its product is now shown under the survivor's consent

    assert CatalogueEntry.objects.get(listing=hidden).business_id == survivor.pk
    assert_entries_right()


def test_an_import_that_renamed_listed_businesses(shop, portal_admin):
    business = shop[0].product.business
    batch = ImportBatch.objects.create(
        user=portal_admin, file="imports/uji.csv", filename="uji.csv", started_at=timezone.now()
    )
    Business.objects.filter(pk=business.pk).update(name="UD Lumpia Baru", updated_at=timezone.now())  # in bulk
    assert _entries() != _expected_entries()
    import_finished.send(sender=ImportBatch, batch=batch)
    assert_entries_right()


def test_every_write_forgets_the_cached_pages(shop, dinas, kec_a, django_capture_on_commit_callbacks):
    business = shop[0].product.business
    group = BusinessGroup.objects.create(name="Klaster Bandeng", kecamatan=kec_a)
    writes = [
        lambda: business.save(),
        lambda: services.add_group_members(group, [business.pk], by=dinas),  # in bulk
        lambda: services.remove_group_members(group, [business.pk], by=dinas),
        lambda: business.groups.add(group),
        lambda: make_document(business, kind=HALAL),
    ]
    for write in writes:
        before = catalogue_cache.generation(SIDOARJO)
        with django_capture_on_commit_callbacks(execute=True):
            write()
        assert catalogue_cache.generation(SIDOARJO) != before


#
# The pages give what the plain queryset gives
#


def _plain(kabupaten=SIDOARJO, q="", category="", kecamatan="", certification="", group=None, export_ready=False):
    """The catalogue's listings the plain way: Listing.objects.public() with the filters as joins and
    subqueries, the search over every product and business name as the business list searches."""
    listings = Listing.objects.public().filter(product__business__kecamatan__kabupaten=kabupaten)
    if category:
        listings = listings.filter(product__category=category)
    if kecamatan:
        listings = listings.filter(product__business__kecamatan=kecamatan)
    if certification:
        listings = listings.filter(public.certified(public.CERTIFICATIONS[certification][1]))
    if group:
        listings = listings.filter(product__business__groups=group)
    if export_ready:
        listings = listings.filter(export_ready=True)
    if not q:
        return list(listings.values_list("pk", flat=True))

    # The names that contain the words; only when none does, the names with a word like them.
    products = name_matches(Product.objects.order_by(), q, similar=False).values("pk")
    businesses = name_matches(Business.objects.order_by(), q, similar=False).values("pk")
    if not listings.filter(Q(product__in=products) | Q(product__business__in=businesses)).exists():
        products = name_matches(Product.objects.order_by(), q).values("pk")
        businesses = name_matches(Business.objects.order_by(), q).values("pk")
    named = ExpressionWrapper(Q(product__in=products), output_field=BooleanField())
    closeness = TrigramSimilarity(SearchKey("product__name"), SearchKey(Value(q)))
    return list(
        listings.filter(Q(product__in=products) | Q(product__business__in=businesses))
        .alias(named=named, closeness=closeness)
        .order_by("-named", "-closeness", "-listed_at", "pk")
        .values_list("pk", flat=True)
    )


def _shown(client, **params):
    """The listing ids a page shows, page after page, and the count it says."""
    shown, page, count = [], 1, None
    while True:
        cache.clear()
        response = client.get(reverse("programs:catalogue", args=[SIDOARJO]), params | {"page": page})
        assert response.status_code == 200
        shown += [listing.pk for listing in response.context["listings"]]
        count = response.context["paginator"].count
        if not response.context["page_obj"].has_next():
            return shown, count
        page += 1


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"category": "minuman"},
        {"kecamatan": "35.15.11"},
        {"certification": "halal"},
        {"certification": "bpom"},
        {"certification": "sni"},
        {"export_ready": "on"},
        {"kecamatan": "35.15.12", "category": "makanan", "certification": "halal"},
        {"q": "keripik"},  # a common word, in product and business names
        {"q": "keripk"},  # a typo: the similar words
        {"q": "singkng"},  # a typo of a word in product names only
        {"q": "mbok yme"},  # a typo in a business name
        {"q": "lumpiya bandeng"},  # a typo beside a word that names other products
        {"q": "bandeng"},  # products named so
        {"q": "Mbok Yem"},  # one business
        {"q": "lumpia"},  # a product named so before the other products of a business named so
        {"q": "zzzz"},  # nothing
        {"q": "keripik", "export_ready": "on"},
    ],
)
def test_the_pages_give_what_the_plain_queryset_gives(client, shop, params):
    plain = _plain(**params)
    shown, count = _shown(client, **params)
    assert shown == plain
    assert count == len(plain)


def test_the_group_filter_gives_what_the_plain_queryset_gives(client, shop, dinas, kec_a):
    group = BusinessGroup.objects.create(name="Klaster Keripik", kecamatan=kec_a)
    members = [listing.product.business_id for listing in shop if listing.product.business.kecamatan_id == kec_a.pk]
    services.add_group_members(group, members[:5], by=dinas)
    plain = _plain(group=group)
    assert plain
    assert _shown(client, group=group.pk) == (plain, len(plain))


def test_two_mistyped_words_find_the_names_with_a_word_like_either(client, shop):
    # The typo search matches words (pg_trgm's words like each searched word), not the whole phrase: a name
    # with a word like either is found, the product named so first, the closest first. The phrase compared
    # whole with every name (before the vocabulary) found nothing for "kerupk udng".
    udang, _count = _shown(client, q="kerupk udng")
    lumpia, _count = _shown(client, q="lumpiya bandng")

    assert sorted(udang) == sorted(listing.pk for listing in shop if "Kerupuk Udang" in listing.product.name)
    assert lumpia == [shop[0].pk, shop[1].pk]  # Lumpia Bandeng, then the other product of "UD Lumpia Bu Sri"


def test_a_listing_taken_down_leaves_the_page_even_with_a_stale_entry(client, shop):
    listing = shop[-1]  # the newest: first on the list
    stale = CatalogueEntry.objects.get(listing=listing)
    Listing.objects.filter(pk=listing.pk).update(unlisted_at=timezone.now())  # no signal: the entry stays
    assert CatalogueEntry.objects.filter(pk=stale.pk).exists()
    shown, _count = _shown(client)
    assert listing.pk not in shown


def test_a_search_past_its_last_page_is_missing(client, shop):
    response = client.get(reverse("programs:catalogue", args=[SIDOARJO]), {"q": "keripik", "page": 9})
    assert response.status_code == 404
    response = client.get(reverse("programs:catalogue", args=[SIDOARJO]), {"q": "keripik", "page": "x"})
    assert response.status_code == 404
