"""Form widgets that stay fast on pages rendered on every request."""

import copy
from html import escape

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import mark_safe


def _attrs(attrs):
    """HTML attributes as Django's attrs.html writes them: True alone, False and None left out."""
    return "".join(
        f" {key}" if value is True else f' {key}="{escape(str(value))}"'
        for key, value in attrs.items()
        if value is not False and value is not None
    )


class FastSelect(forms.Select):
    """A select rendered by joining strings instead of through one template per option: a filter bar
    with a 250-country list costs 40 ms the template way, about 0.2 ms this way."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        html = [f'<select name="{escape(name)}"{_attrs(self.build_attrs(self.attrs, attrs))}>']
        for key, label in self.choices:
            key = "" if key is None else str(key)
            mark = " selected" if key in selected else ""
            html.append(f'<option value="{escape(key)}"{mark}>{escape(str(label))}</option>')
        html.append("</select>")
        return mark_safe("".join(html))  # noqa: S308 - every value above is escaped  # nosec B308, B703


class _FastInput:
    """An <input> written as Django's input.html template writes it, without the template."""

    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        value = "" if value is None else f' value="{escape(str(value))}"'
        attrs = _attrs(self.build_attrs(self.attrs, attrs))
        html = f'<input type="{self.input_type}" name="{escape(name)}"{value}{attrs}>'
        return mark_safe(html)  # noqa: S308 - every value above is escaped  # nosec B308, B703


class FastTextInput(_FastInput, forms.TextInput):
    pass


class FastNumberInput(_FastInput, forms.NumberInput):
    pass


class FastDateInput(_FastInput, forms.DateInput):
    pass


_FAST = {
    forms.Select: FastSelect,
    forms.TextInput: FastTextInput,
    forms.NumberInput: FastNumberInput,
    forms.DateInput: FastDateInput,
}


class _LabelChoices(BaseChoiceIterator):
    """A model select's options read as (pk, label) pairs from the model's `choice_label` column (the
    column its __str__ shows): no model instances and no server-side cursor for a hundred kecamatan."""

    def __init__(self, field):
        self.field = field

    def __iter__(self):
        if self.field.empty_label is not None:
            yield "", self.field.empty_label
        queryset = self.field.queryset
        if not queryset.query.is_empty():  # the desa select before a kecamatan is chosen
            yield from queryset.values_list("pk", queryset.model.choice_label)


def speed_up_widgets(form):
    """Give the plain selects and inputs of `form` the fast rendering, keeping their choices, attributes
    and formats (a filter bar of 26 fields is rendered on every list page)."""
    for field in form.fields.values():
        fast = _FAST.get(type(field.widget))
        if not fast:
            continue
        field.widget = copy.copy(field.widget)
        field.widget.__class__ = fast
        if isinstance(field, forms.ModelChoiceField) and hasattr(field.queryset.model, "choice_label"):
            field.widget.choices = _LabelChoices(field)
    return form
