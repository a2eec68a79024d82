"""Template filters for Indonesian numbers: Rupiah written the way a dinas report writes it."""

from decimal import Decimal

from django import forms, template
from django.db import connection
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django_filters import ModelChoiceFilter

from registry import tables
from registry.models import area_codes_seen_by

register = template.Library()

_UNITS = [(10**12, "triliun"), (10**9, "miliar"), (10**6, "juta")]


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


@register.simple_tag
def filter_field(field):
    """A filter bar field (label, widget with Bootstrap's classes, errors) as crispy lays one out, written
    here instead of through a template: a list page's filter bar has up to 26 fields on every request."""
    css = "form-select" if isinstance(field.field.widget, forms.Select) else "form-control"
    if field.errors:
        css += " is-invalid"
    return format_html(
        '<div class="mb-3"><label for="{}" class="form-label">{}</label>{}{}</div>',
        field.id_for_label,
        field.label,
        field.as_widget(attrs={"class": css}),
        format_html_join("", '<div class="invalid-feedback d-block">{}</div>', ((error,) for error in field.errors)),
    )


# Blank filter bars already written, by what they show that can change while the portal runs (see filter_bar).
_BLANK_BARS = {}
BLANK_BARS_KEPT = 256


@register.simple_tag
def filter_bar(filterset):
    """The filter bar of a list (includes/_filter_form.html). A blank one (no filter set) is the same for all
    who see the same select options, so this process keeps it, keyed by the language, the query string and
    the options of its model selects (read here: one small query instead of building and writing the form);
    everything else in it comes from the code."""
    key = _blank_bar_key(filterset)
    html = _BLANK_BARS.get(key) if key else None
    if html is None:
        html = render_to_string("includes/_filter_form.html", {"filter": filterset})
        if key:
            if len(_BLANK_BARS) >= BLANK_BARS_KEPT:
                _BLANK_BARS.clear()
            _BLANK_BARS[key] = html
    return html


def _blank_bar_key(filterset):
    if not getattr(filterset, "is_blank", False) or filterset.advanced_shown:
        return None
    options = []
    for name, filter_ in filterset.filters.items():
        if name in filterset.advanced or not isinstance(filter_, ModelChoiceFilter):
            continue
        statement = _options_sql(filterset, name, filter_)
        if statement is None:
            return None
        if statement:
            with connection.cursor() as cursor:
                cursor.execute(*statement)
                options.append((name, tuple(cursor.fetchall())))
    return (type(filterset).__name__, translation.get_language(), filterset.data.urlencode(), tuple(options))


# The SQL (and parameters) of a blank filter bar's select options, by filter set, filter and area.
_OPTIONS_SQL = {}


def _options_sql(filterset, name, filter_):
    """The query of a model select's (pk, label) options, as SQL: building it through the ORM cost more
    than running it. A filter's choices depend on the user's area (and on the filters set, but a blank
    filter set has none), so the SQL is kept per filter set class, filter and area. "" for no options
    (the desa select before a kecamatan is chosen); None for a model without a `choice_label`."""
    codes = area_codes_seen_by(filterset.request.user)
    key = (type(filterset), name, None if codes is None else tuple(codes))
    if key not in _OPTIONS_SQL:
        queryset = filter_.get_queryset(filterset.request)
        if not hasattr(queryset.model, "choice_label"):
            statement = None
        elif queryset.query.is_empty():
            statement = ""
        else:
            statement = queryset.values_list("pk", queryset.model.choice_label).query.sql_with_params()
        _OPTIONS_SQL[key] = statement
    return _OPTIONS_SQL[key]


@register.filter
def verification_badge(business):
    """A business's verification state as a coloured badge (registry.tables writes the list's)."""
    return tables.verification_badge(business.verification)
