"""The public catalogue's product cards, rendered by Jinja2 (umkm_portal/jinja2.py says why). The plain
reference is programs/catalogue/_card.html (`{% include %}` per card); a test renders both."""

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def catalogue_cards(listings):
    """The cards of `listings` (from programs.public.for_display), in order."""
    cards = get_template("programs/catalogue_cards.html", using="jinja2")
    context = {"listings": listings, "export_ready": gettext("Siap ekspor")}
    return mark_safe(cards.render(context))  # noqa: S308 - Jinja2 escaped every value (autoescape)  # nosec B308, B703
