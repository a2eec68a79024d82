import re

import pytest

from registry.templatetags.umkm import number_id, rupiah, rupiah_short


@pytest.mark.parametrize(
    ("value", "expected"),
    [(250000, "Rp 250.000"), (0, "Rp 0"), (None, ""), (-1500, "-Rp 1.500")],
)
def test_rupiah(value, expected):
    assert rupiah(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (37_000_000_000, "Rp 37 miliar"),
        (1_200_000, "Rp 1,2 juta"),
        (250_000, "Rp 250.000"),
        (2_500_000_000_000, "Rp 2,5 triliun"),
    ],
)
def test_rupiah_short(value, expected):
    assert rupiah_short(value) == expected


def test_number_id():
    assert number_id(13652) == "13.652"


def test_fast_widgets_render_as_django_does():
    """The filter bar's fast widgets write the same HTML as Django's templates, value and attributes alike."""
    from django import forms

    from registry.widgets import speed_up_widgets

    class Form(forms.Form):
        word = forms.CharField(required=False)
        year = forms.IntegerField(required=False)
        day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        kind = forms.ChoiceField(choices=[("", "Semua"), ("a", "A & B"), ("b", "<B>")], required=False)

    data = {"word": 'a "b"', "year": "2024", "day": "2026-11-23", "kind": "a"}
    plain, fast = Form(data), speed_up_widgets(Form(data))
    for name in ("word", "year", "day", "kind"):
        assert str(fast[name]) == re.sub(r">\s+<", "><", str(plain[name]).strip()), name
