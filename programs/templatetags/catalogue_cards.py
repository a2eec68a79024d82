"""The public catalogue's product cards, rendered by Jinja2 (umkm_portal/jinja2.py says why). The plain
reference is programs/catalogue/_card.html (`{% include %}` per card); a test renders both."""

from django import template
from django.utils.translation import gettext

from programs.card_rows import Card
from umkm_portal.jinja2 import render_fragment

register = template.Library()


@register.simple_tag
def catalogue_cards(listings):
    """The cards of `listings`, in order: programs.card_rows.Card rows (the list and its searches), or
    listings from programs.public.for_display (the product and business pages)."""
    cards = [one if isinstance(one, Card) else Card.of(one) for one in listings]
    context = {"cards": cards, "export_ready": gettext("Siap ekspor")}
    return render_fragment("programs/catalogue_cards.html", context)
