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
