"""The public catalogue's cards read as rows, not model instances (issue 20: a page built for a new address,
the list and every search, within 3x the floor).

A page of 24 cards read through the ORM (programs.public.cards: the listings with their product, business
and kecamatan, a prefetch of their photos) built about 120 model instances and spent 40% of the view's CPU
there. Here the same listings are one `values_list` query (the first photo and the consent's "show the
price" as subqueries, so no prefetch query), each row a `Card` with only what a card shows, and the
certificates read as programs.public.for_display reads them. Only the list and its searches read cards this
way; the product and business pages keep their model instances (`Card.of`).

The plain path is programs.public.cards + for_display rendered by programs/catalogue/_card.html; tests
(tests/programs/test_catalogue_cards.py) render the same listings through both, in both languages.
"""

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from programs import public
from programs.models import Listing, ListingConsent
from registry.models import ProductPhoto


@dataclass(slots=True)
class Card:
    """What one card shows (templates/jinja2/programs/catalogue_cards.html)."""

    product_id: int
    name: str
    unit: str
    business_name: str
    kecamatan_name: str
    photo_id: int | None
    export_ready: bool
    prices: tuple | None
    certificates: list

    @classmethod
    def of(cls, listing):
        """The card of a listing read by programs.public.cards and given its prices and certificates by
        for_display (the product and business pages)."""
        product = listing.product
        photo = next(iter(product.photos.all()), None)
        return cls(
            product.pk,
            product.name,
            product.unit,
            product.business.name,
            product.business.kecamatan.name,
            photo.pk if photo else None,
            listing.export_ready,
            listing.prices,
            product.certificates,
        )


def shown(listing_ids):
    """The public listings of `listing_ids` (the catalogue entries' page) as cards, in that order; one that is
    no longer public (an entry behind its listing) is left out. Two queries: the rows and the certificates."""
    consent = ListingConsent.objects.active().filter(business=OuterRef("product__business")).order_by()
    photos = ProductPhoto.objects.filter(product=OuterRef("product")).order_by("created_at", "pk")
    rows = (
        Listing.objects.public()
        .filter(pk__in=listing_ids)
        .annotate(show_price=Subquery(consent.values("show_price")[:1]), photo=Subquery(photos.values("pk")[:1]))
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
        )
    )
    found = {row[0]: row for row in rows}
    found = [found[pk] for pk in listing_ids if pk in found]
    labels = public.certificate_labels({(row[5], row[1]) for row in found})
    cards = []
    for _pk, product, name, unit, price, _business, business_name, kecamatan, photo, export, low, high, show in found:
        prices = public.prices_of(low, high, price) if show else None
        cards.append(Card(product, name, unit, business_name, kecamatan, photo, export, prices, labels[product]))
    return cards
