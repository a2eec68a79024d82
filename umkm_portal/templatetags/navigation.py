"""The staff navbar's current page (templates/includes/_navbar.html): which of its links is the page shown, so
that link, and the "Program" dropdown holding it, are marked active."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

register = template.Library()

# The programs' dropdown, in the order shown: (entry, the permission that shows it, its page, its label). The
# toggle is active when one of them is the page shown.
PROGRAMS_MENU = [
    ("training", "programs.view_training", "programs:training_list", _("Pelatihan")),
    ("mentoring", "programs.view_mentoringvisit", "programs:mentoringvisit_list", _("Pendampingan")),
    ("curation", "programs.view_curationcall", "programs:curationcall_list", _("Kurasi")),
    ("placement", "programs.view_placement", "programs:placement_list", _("Penempatan")),
    ("listing", "programs.view_listing", "programs:listing_list", _("Kelola katalog")),
    ("inquiry", "programs.view_inquiry", "programs:inquiry_list", _("Permintaan pembeli")),
    ("event", "programs.view_marketevent", "programs:event_list", pgettext_lazy("menu", "Acara")),
    ("bankreferral", "programs.view_bankreferral", "programs:bankreferral_list", _("Rujukan bank")),
    ("bank", "programs.view_bankofficer", "programs:bank_list", _("Bank")),
]
PROGRAM_ENTRIES = frozenset(entry for entry, *_rest in PROGRAMS_MENU)


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


@register.simple_tag
def programs_menu(user):
    """The programs' dropdown entries this user may open, as (entry, URL, label): `{% programs_menu user as
    entries %}` (none: no dropdown)."""
    return [(entry, reverse(page), label) for entry, perm, page, label in PROGRAMS_MENU if user.has_perm(perm)]
