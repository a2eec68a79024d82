"""Template filters for Indonesian numbers: Rupiah written the way a dinas report writes it."""

from decimal import Decimal

from django import forms, template
from django.utils.html import format_html, format_html_join

from registry import tables

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


@register.filter
def verification_badge(business):
    """A business's verification state as a coloured badge (registry.tables writes the list's)."""
    return tables.verification_badge(business.verification)
