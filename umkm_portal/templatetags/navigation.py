"""The staff navbar's current page (templates/includes/_navbar.html): which of its links is the page shown, so
that link, and the "Program" dropdown holding it, are marked active."""

from django import template

register = template.Library()

# The navbar's entries in the programs' dropdown: the toggle is active when one of them is the page shown.
PROGRAM_ENTRIES = frozenset(
    {"training", "mentoring", "curation", "placement", "listing", "inquiry", "event", "bankreferral", "bank"}
)


def _entry(app, name):
    if app == "reports":
        return "dashboard"
    if name == "home":
        return "home"
    if name in ("business_list", "business_detail"):
        return "business"
    if name in ("kecamatan_list", "kecamatan_detail"):
        return "area"
    if app == "registry":
        if name == "product_list":
            return "product"
        if "group_" in name:
            return "group"
        if name == "business_queue":
            return "verification"
        return ""
    if app != "programs":
        return ""
    if name in ("training_list", "training_detail"):
        return "training"
    if name in ("mentoringvisit_list", "mentoringvisit_overdue", "mentoringvisit_detail"):
        return "mentoring"
    if "curation" in name:
        return "curation"
    if name == "placement_list":
        return "placement"
    if name == "listing_list":
        return "listing"
    if "inquiry" in name:
        return "inquiry"
    if "event" in name:
        return "event"
    if name in ("bankreferral_list", "bankreferral_detail"):
        return "bankreferral"
    if name == "bank_list":
        return "bank"
    return ""


@register.simple_tag
def nav_here(request):
    """The navbar entry of the page shown ("training", "business"...; "" for none), and whether it sits in the
    programs' dropdown: `{% nav_here request as here %}`, then `here.entry`, `here.in_programs`."""
    match = getattr(request, "resolver_match", None)
    entry = _entry(match.app_name, match.url_name or "") if match else ""
    return {"entry": entry, "in_programs": entry in PROGRAM_ENTRIES}
