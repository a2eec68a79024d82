"""The public catalogue's product cards, rendered by Jinja2 (umkm_portal/jinja2.py says why). The plain
reference is programs/catalogue/_card.html (`{% include %}` per card); a test renders both."""

from django import template
from django.utils.translation import gettext

from umkm_portal.jinja2 import render_fragment

register = template.Library()


@register.simple_tag
def catalogue_cards(listings):
    """The cards of `listings` (from programs.public.for_display), in order."""
    context = {"listings": listings, "export_ready": gettext("Siap ekspor")}
    return render_fragment("programs/catalogue_cards.html", context)
