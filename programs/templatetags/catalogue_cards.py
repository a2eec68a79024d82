"""The public catalogue's product cards, rendered by Jinja2 (umkm_portal/jinja2.py says why). The plain
reference is programs/catalogue/_card.html (`{% include %}` per card); a test renders both."""

from django import template
from django.utils.translation import gettext

from umkm_portal.jinja2 import render_fragment

register = template.Library()


@register.simple_tag
def catalogue_cards(cards):
    """The cards (programs.card_rows.Card rows), in order."""
    context = {"cards": cards, "export_ready": gettext("Siap ekspor")}
    return render_fragment("programs/catalogue_cards.html", context)
