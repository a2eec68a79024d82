"""Template filters for Indonesian numbers: Rupiah written the way a dinas report writes it."""

import functools
import hashlib
from decimal import Decimal

from django import forms, template
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy
from django_filters import ModelChoiceFilter

from registry import tables
from registry.models import Business
from umkm_portal.jinja2 import address_of, render_fragment

register = template.Library()

# The amount keeps the Indonesian decimal comma in both languages; the unit word is the reader's.
_UNITS = [(10**12, gettext_lazy("triliun")), (10**9, gettext_lazy("miliar")), (10**6, gettext_lazy("juta"))]


def _group(number):
    return f"{number:,}".replace(",", ".")


@register.filter
def rupiah(value):
    """250000 -> "Rp 250.000"; empty for None."""
    if value in (None, ""):
        return ""
    amount = int(Decimal(value))
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {_group(abs(amount))}"


@register.filter
def rupiah_short(value):
    """37000000000 -> "Rp 37 miliar", 1200000 -> "Rp 1,2 juta", below a million as rupiah()."""
    if value in (None, ""):
        return ""
    amount = Decimal(value)
    for size, word in _UNITS:
        if abs(amount) >= size:
            scaled = (amount / size).quantize(Decimal("0.1"))
            text = f"{scaled:f}".rstrip("0").rstrip(".").replace(".", ",")
            return f"Rp {text} {word}"
    return rupiah(amount)


@register.filter
def number_id(value):
    """12345 -> "12.345" (Indonesian thousands separator)."""
    if value in (None, ""):
        return ""
    return _group(int(value))


@register.filter
def minutes(value):
    """A timedelta in whole minutes (rounded up): 0:15:00 -> 15."""
    if value in (None, ""):
        return ""
    return -(-int(value.total_seconds()) // 60)


@register.inclusion_tag("includes/_filter_form.html#field")
def filter_field(field):
    """One filter bar field: the `field` partial of includes/_filter_form.html (the dashboard's filters)."""
    return {"field": field}


@register.simple_tag
def bootstrap_widget(field):
    """A form field's widget with Bootstrap's class (and its invalid state), as crispy renders one."""
    css = "form-select" if isinstance(field.field.widget, forms.Select) else "form-control"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})


# A filter bar is kept this long in the shared cache (registry/business_list.html's {% cache %} says
# the same); its key changes with whatever it shows.
BAR_SECONDS = 60 * 60
# The files a filter bar is written from: a deploy that changes one writes new bars (the cache outlives it).
_BAR_SOURCES = [
    "templates/includes/_filter_form.html",
    "templates/registry/business_list.html",
    "registry/templatetags/umkm.py",
    "registry/filtersets.py",
    "programs/filtersets.py",
    "locale/en/LC_MESSAGES/django.mo",
]


@register.simple_tag
def bar_key(filterset):
    """The shared cache's key of a filter bar, for {% cache %}; None for a bar with a search word (free
    text: a key per search would fill the cache with bars seen once). A bar is the same for all who see
    the same select options, so the key names the language, the query string (the values and their
    errors follow from it) and the options of its model selects (read here: one small query each, instead
    of building and writing the form); everything else in it comes from the code, which the key names too."""
    data = getattr(filterset, "data", None)
    if data is None or data.get("q"):
        return None
    options = []
    for name, filter_ in filterset.filters.items():
        if (name in filterset.advanced and not filterset.advanced_shown) or not isinstance(filter_, ModelChoiceFilter):
            continue
        queryset = filter_.get_queryset(filterset.request)
        label = getattr(queryset.model, "choice_label", None)
        if label is None:
            return None
        # The select's (pk, label) options as rows: one small query, cheaper than the form's model choices.
        rows = () if queryset.query.is_empty() else tuple(queryset.values_list("pk", label))
        options.append((name, rows))
    parts = (_code_version(), type(filterset).__name__, translation.get_language(), data.urlencode(), options)
    return hashlib.sha256(repr(parts).encode()).hexdigest()


@functools.cache
def _code_version():
    """A digest of the files in _BAR_SOURCES (code, not data: it is read once per process)."""
    digest = hashlib.sha256()
    for name in _BAR_SOURCES:
        path = settings.BASE_DIR / name
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:16]


@register.simple_tag
def business_rows(page):
    """The business list's rows, rendered by Jinja2 (umkm_portal/jinja2.py says why)."""
    fields = Business._meta.get_field
    context = {
        "page_obj": page,
        "flagship": gettext("Unggulan"),
        "guided": gettext("Binaan"),
        # The choices' labels read (and translated: they are lazy) once per page: get_FOO_display() rebuilds
        # its field's choices on each call, and escaping a lazy label translates it again.
        "categories": {key: str(label) for key, label in fields("category").flatchoices},
        "size_classes": {key: str(label) for key, label in fields("size_class").flatchoices},
        # The verification badges made once per page (there are three), not once per row.
        "badges": {state: tables.verification_badge(state) for state in Business.Verification},
        "detail_url": address_of("registry:business_detail"),
        "timezone": timezone.get_current_timezone(),
    }
    return render_fragment("registry/business_rows.html", context)


@register.filter
def verification_badge(business):
    """A business's verification state as a coloured badge (registry.tables writes the list's)."""
    return tables.verification_badge(business.verification)
