"""What the public catalogue shows and nothing more: listings (`Listing.objects.public()`), certifications
read from documents valid today, and the photo sizes a phone needs.

Read by the catalogue's pages (programs/catalogue.py), its filter (programs/filtersets.py:CatalogueFilter)
and its sitemap. No owner's data is read here: a business's public face is its name, kecamatan, groups,
listed products, valid certifications and, where its consent allows, the business's own address.
"""

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import CatalogueEntry, Listing, ListingConsent
from registry.images import resize_jpeg
from registry.models import BusinessGroup, LegalDocument, Product, ProductPhoto

#
# Certifications
#

Kind = LegalDocument.Kind
# The certificates a buyer asks about, as the catalogue's filter offers them (BPOM MD and ML are one filter).
CERTIFICATIONS = {
    "halal": (_("Halal"), [Kind.HALAL]),
    "pirt": (_("P-IRT"), [Kind.PIRT]),
    "bpom": (_("BPOM"), [Kind.BPOM_MD, Kind.BPOM_ML]),
    "sni": (_("SNI"), [Kind.SNI]),
}
SHOWN_KINDS = [kind for _label, kinds in CERTIFICATIONS.values() for kind in kinds]


def certification_choices():
    """The certificate filter's options, (code, label): the catalogue page's and its files'."""
    return [(code, label) for code, (label, _kinds) in CERTIFICATIONS.items()]


def valid_on(day=None):
    """The condition of a document valid on `day` (today): no expiry date, or one not yet passed."""
    day = day or timezone.localdate()
    return Q(expires_on__isnull=True) | Q(expires_on__gte=day)


def certificates():
    """The certificate documents a public page may name: the shown kinds, valid today."""
    return LegalDocument.objects.filter(valid_on(), kind__in=SHOWN_KINDS)


def certified(kinds):
    """A condition on listings: the product holds one of `kinds`, valid today, on itself or on its business
    (a business-wide document, such as a P-IRT, names no product)."""
    return Exists(
        certificates()
        .filter(kind__in=kinds, business=OuterRef("product__business"))
        .filter(Q(product__isnull=True) | Q(product=OuterRef("product")))
    )


def for_display(listings, show_price=None):
    """Give each listing's product `certificates` (the kinds valid today on the product or its business, as
    labels, no numbers; one query for the whole page) and each listing `prices` (low, high) when its
    consent lets them show (`show_price`, else the listing's annotation from cards())."""
    listings = list(listings)
    businesses = {listing.product.business_id for listing in listings}
    found = {}
    rows = certificates().filter(business__in=businesses).values_list("business", "product", "kind").order_by("kind")
    for business, product, kind in rows:
        found.setdefault(business, []).append((product, kind))
    labels = dict(Kind.choices)
    for listing in listings:
        product = listing.product
        kinds = {kind for owner, kind in found.get(product.business_id, []) if owner in (None, product.pk)}
        product.certificates = [labels[kind] for kind in SHOWN_KINDS if kind in kinds]
        shown = show_price if show_price is not None else getattr(listing, "show_price", False)
        listing.prices = price_range(listing) if shown else None
    return listings


def price_range(listing):
    """(low, high) in Rupiah: the listing's range, else the product's own price; None when neither is known.
    Shown only where the business's consent allows (show_price)."""
    low = listing.price_from if listing.price_from is not None else listing.price_to
    high = listing.price_to if listing.price_to is not None else listing.price_from
    if low is None and listing.product.price is not None:
        low = high = listing.product.price
    return (low, high) if low is not None else None


#
# Listings
#


# The columns a card shows (templates/jinja2/programs/catalogue_cards.html, programs/catalogue/_card.html,
# for_display): a page of cards reads these, not the three wide rows (product, business, kecamatan) behind
# each listing and every column of its photos. tests/programs/test_catalogue_cards.py renders both.
CARD_FIELDS = (
    "pk",
    "price_from",
    "price_to",
    "export_ready",
    "listed_at",
    "product__name",
    "product__unit",
    "product__price",
    "product__business__name",
    "product__business__kecamatan__name",
)
CARD_PHOTO_FIELDS = ("pk", "product", "created_at")


def first_photo(fields=()):
    photos = ProductPhoto.objects.order_by("created_at", "pk")
    return Prefetch("product__photos", queryset=photos.only(*fields) if fields else photos)


def cards(queryset, *, card_only=False):
    """Listings ready to be shown as cards: product, business, kecamatan, photos and whether the consent
    lets the price show (`show_price`), in a fixed number of queries whatever the page size; `card_only`
    reads only what a card shows (CARD_FIELDS)."""
    consent = ListingConsent.objects.active().filter(business=OuterRef("product__business")).order_by()
    queryset = (
        queryset.select_related("product__business__kecamatan")
        .prefetch_related(first_photo(CARD_PHOTO_FIELDS if card_only else ()))
        .annotate(show_price=Subquery(consent.values("show_price")[:1]))
    )
    return queryset.only(*CARD_FIELDS) if card_only else queryset


def open_consent(business):
    """The business's open consent (what may be shown, how buyers reach it), or None."""
    return ListingConsent.objects.active().filter(business=business).first()


def with_others(product_pk, limit):
    """The product's public listing and its business's other public listings, as cards, the product's first
    (then newest first), at most `limit`; in one query and its photos' (empty when it is not public)."""
    business = Product.objects.filter(pk=product_pk).values("business")[:1]
    first = ExpressionWrapper(Q(product=product_pk), output_field=BooleanField())
    listings = Listing.objects.public().filter(product__business=Subquery(business))
    return list(cards(listings).alias(first=first).order_by("-first", *Listing._meta.ordering)[:limit])


def public_photos():
    """Photos of listed products only."""
    return ProductPhoto.objects.filter(product__listing__in=Listing.objects.public())


def groups_with_listings(kabupaten):
    """The groups and clusters of the kabupaten with at least one member's product listed (a group with
    none stays an internal matter)."""
    members = CatalogueEntry.objects.filter(business__groups=OuterRef("pk"))
    return BusinessGroup.objects.filter(Exists(members), kecamatan__kabupaten=kabupaten).order_by("name", "pk")


def shown(listing_ids):
    """The public listings of `listing_ids` (the catalogue entries' page), as cards, in that order; one that
    is no longer public (an entry behind its listing) is left out. By primary key alone: the entries chose
    the kabupaten (a join more here doubled the planning time)."""
    listings = Listing.objects.public().filter(pk__in=listing_ids)
    found = {listing.pk: listing for listing in cards(listings, card_only=True)}
    return [found[pk] for pk in listing_ids if pk in found]


#
# Photo sizes
#

# The middle size: a phone's screen at 2x without the full 1600-pixel JPEG (the page's weight target).
MEDIUM_EDGE = 800


def medium_photo(photo):
    """The photo's middle-sized JPEG, made once from the full one and stored in the configured storage (every
    node serves the same file). Two first requests at once may both make one: the first to record it wins
    and the other's file is deleted."""
    if photo.medium:
        return photo.medium
    with photo.image.open("rb") as source:
        content = resize_jpeg(source, MEDIUM_EDGE)
    field = photo.medium
    field.save("medium.jpg", content, save=False)
    won = ProductPhoto.objects.filter(pk=photo.pk, medium="").update(medium=field.name)
    if not won:
        field.storage.delete(field.name)
        photo.refresh_from_db(fields=["medium"])
    return photo.medium
