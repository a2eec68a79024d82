"""Template filters for Indonesian numbers: Rupiah written the way a dinas report writes it."""

from decimal import Decimal

from django import forms, template

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


@register.filter
def compact_field(field):
    """A filter bar field's widget with Bootstrap's classes, without crispy's per-field templates."""
    widget = field.field.widget
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})
