"""The public catalogue's cards read as rows, not model instances (issue 20: a page built for a new address,
the list and every search, within 3x the floor).

A page of 24 cards read through the ORM (the listings with their product, business and kecamatan, a
prefetch of their photos) built about 120 model instances and spent 40% of the view's CPU there. Here the
same listings are one `values_list` query (the first photo and the consent's "show the price" as
subqueries, so no prefetch query, and the kinds of the certificates valid today as an array subquery,
programs.public.held_kinds, so no query of their own), its SQL compiled by the ORM once per page size, day
and process (`_compiled`), each row a `Card` with only what a card shows. Every page with cards reads them
this way: the list and its searches, a business's page, and a product's page for the business's other
products.

The plain path is the listings read whole through the ORM and rendered by programs/catalogue/_card.html
(`_plain` in tests/programs/test_catalogue_cards.py); the tests render the same listings through both, in
both languages.
"""

import functools
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from programs import public
from programs.models import Listing, ListingConsent
from registry.models import ProductPhoto


@dataclass(slots=True)
class Card:
    """What one card shows (templates/jinja2/programs/catalogue_cards.html), and its listing's pk."""

    pk: int
    product_id: int
    name: str
    business_name: str
    kecamatan_name: str
    photo_id: int | None
    export_ready: bool
    price: str  # public.price_text, empty where the consent hides the price
    certificates: list


def _query(listing_ids, day):
    """The cards' rows as the ORM reads them: the public listings of `listing_ids`, what a card shows, with
    the kinds of the certificates valid on `day` that the product or its business holds."""
    consent = ListingConsent.objects.active().filter(business=OuterRef("product__business")).order_by()
    photos = ProductPhoto.objects.filter(product=OuterRef("product")).order_by("created_at", "pk")
    return (
        Listing.objects.public()
        .filter(pk__in=listing_ids)
        .annotate(
            show_price=Subquery(consent.values("show_price")[:1]),
            photo=Subquery(photos.values("pk")[:1]),
            kinds=public.held_kinds(day),
        )
        .order_by()
        .values_list(
            "pk",
            "product",
            "product__name",
            "product__unit",
            "product__price",
            "product__business",
            "product__business__name",
            "product__business__kecamatan__name",
            "photo",
            "export_ready",
            "price_from",
            "price_to",
            "show_price",
            "kinds",
        )
    )


# Listing ids no listing has (the primary key is a positive bigint), standing for a page's ids in the SQL
# compiled once per page size.
_STAND_IN = -(2**62)


@functools.lru_cache(maxsize=64)
def _compiled(count, day):
    """The SQL of _query() for `count` ids on `day` and its parameters, with stand-ins where the ids go.
    Building and compiling the query (public(): two Exists, three subqueries, three joins) cost about 4 ms
    of CPU a page, running it 0.3 ms; the page size is fixed, so a process compiles it once or twice a day.
    The SQL depends on nothing else (no language, no user)."""
    stand_ins = [_STAND_IN + n for n in range(count)]
    sql, params = _query(stand_ins, day).query.sql_with_params()
    return sql, params, stand_ins


def _rows(listing_ids, day=None):
    """_query(listing_ids, day) (today) run with its SQL compiled once per page size and day (tests compare
    the two)."""
    sql, params, stand_ins = _compiled(len(listing_ids), day or timezone.localdate())
    ids = dict(zip(stand_ins, listing_ids, strict=True))
    params = [ids.get(value, value) if type(value) is int else value for value in params]
    with connections[router.db_for_read(Listing)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def shown(listing_ids):
    """The public listings of `listing_ids` (the catalogue entries' page) as cards, in that order; one that is
    no longer public (an entry behind its listing) is left out. One query."""
    if not listing_ids:
        return []
    found = {row[0]: row for row in _rows(listing_ids)}
    cards = []
    for pk in listing_ids:
        if pk not in found:
            continue
        _pk, product, name, unit, price, _business, business_name, kecamatan, photo, export, low, high, show, kinds = (
            found[pk]
        )
        prices = public.prices_of(low, high, price) if show else None
        text = public.price_text(prices, unit) if prices else ""
        labels = public.labels_of(set(kinds))
        cards.append(Card(pk, product, name, business_name, kecamatan, photo, export, text, labels))
    return cards
