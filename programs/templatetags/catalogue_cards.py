"""The public catalogue's product cards, rendered by Jinja2 (umkm_portal/jinja2.py says why). The plain
reference is programs/catalogue/_card.html (`{% include %}` per card); a test renders both."""

from django import template
from django.utils.translation import gettext

from programs import public
from umkm_portal.jinja2 import address_of, render_fragment

register = template.Library()


@register.filter
def price(prices, unit):
    """A listing's (low, high) Rupiah as the catalogue writes it (programs.public.price_text)."""
    return public.price_text(prices, unit)


@register.simple_tag
def catalogue_cards(cards):
    """The cards (programs.card_rows.Card rows), in order."""
    context = {
        "cards": cards,
        "export_ready": gettext("Siap ekspor"),
        "product_url": address_of("programs:catalogue_product"),
        "photo_url": address_of("programs:catalogue_photo", "kecil"),  # the cards' thumbnails
    }
    return render_fragment("programs/catalogue_cards.html", context)
