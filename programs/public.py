"""What the public catalogue shows and nothing more: listings (`Listing.objects.public()`), certifications
read from documents valid today, and the photo sizes a phone needs.

Read by the catalogue's pages (programs/catalogue.py), its filter (programs/filtersets.py:CatalogueFilter)
and its sitemap. No owner's data is read here: a business's public face is its name, kecamatan, groups,
listed products, valid certifications and, where its consent allows, the business's own address.
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import CatalogueEntry, Listing, ListingConsent
from registry.images import resize_jpeg
from registry.models import BusinessGroup, LegalDocument, ProductPhoto
from registry.templatetags.umkm import rupiah

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


def certificates(day=None):
    """The certificate documents a public page may name: the shown kinds, valid on `day` (today)."""
    return LegalDocument.objects.filter(valid_on(day), kind__in=SHOWN_KINDS)


def labels_of(kinds):
    """The labels of the certificate `kinds` held, in the order the pages show them."""
    labels = dict(Kind.choices)
    return [labels[kind] for kind in SHOWN_KINDS if kind in kinds]


def certified(kinds):
    """A condition on listings: the product holds one of `kinds`, valid today, on itself or on its business
    (a business-wide document, such as a P-IRT, names no product)."""
    return Exists(
        certificates()
        .filter(kind__in=kinds, business=OuterRef("product__business"))
        .filter(Q(product__isnull=True) | Q(product=OuterRef("product")))
    )


def held_kinds(day=None):
    """The kinds of the certificates valid on `day` (today) that a listing's product or its business holds, as
    an array: annotate listings with it, then labels_of(set(kinds))."""
    held = (
        certificates(day)
        .filter(business=OuterRef("product__business"))
        .filter(Q(product__isnull=True) | Q(product=OuterRef("product")))
        .order_by()
        .values("kind")
    )
    return ArraySubquery(held)


def price_range(listing):
    """(low, high) in Rupiah: the listing's range, else the product's own price; None when neither is known.
    Shown only where the business's consent allows (show_price)."""
    return prices_of(listing.price_from, listing.price_to, listing.product.price)


def price_text(prices, unit):
    """A price range as every catalogue page and file writes it, in the portal's Rupiah in both languages: two
    amounts with an en dash between ("Rp 25.000 \N{EN DASH} Rp 40.000 / pak"), or one ("Rp 30.000 / pak"); no line
    breaks inside an amount (a no-break space after "Rp")."""
    low, high = prices
    amounts = [rupiah(amount).replace(" ", "\N{NO-BREAK SPACE}") for amount in ((low,) if high == low else (low, high))]
    text = " \N{EN DASH} ".join(amounts)  # a line may break between the amounts, never inside one
    return f"{text} / {unit}" if unit else text


def prices_of(price_from, price_to, own_price):
    """price_range() of a listing's range and its product's own price."""
    low = price_from if price_from is not None else price_to
    high = price_to if price_to is not None else price_from
    if low is None and own_price is not None:
        low = high = own_price
    return (low, high) if low is not None else None


#
# Listings
#


def open_consent(business):
    """The business's open consent (what may be shown, how buyers reach it), or None."""
    return ListingConsent.objects.active().filter(business=business).first()


def other_listings(limit):
    """The pks of the other public listings of a listing's business, newest first, at most `limit`, as an array:
    annotate a listing with it (its catalogue entries: one row per public listing)."""
    entries = CatalogueEntry.objects.filter(business=OuterRef("product__business")).exclude(listing=OuterRef("pk"))
    return ArraySubquery(entries.values("listing")[:limit])


def public_photos():
    """Photos of listed products only."""
    return ProductPhoto.objects.filter(product__listing__in=Listing.objects.public())


def groups_with_listings(kabupaten):
    """The groups and clusters of the kabupaten with at least one member's product listed (a group with
    none stays an internal matter)."""
    members = CatalogueEntry.objects.filter(business__groups=OuterRef("pk"))
    return BusinessGroup.objects.filter(Exists(members), kecamatan__kabupaten=kabupaten).order_by("name", "pk")


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
