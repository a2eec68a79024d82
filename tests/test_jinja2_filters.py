"""The Jinja2 environment's filters and helpers (umkm_portal/jinja2.py) write what Django's templates write."""

import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from umkm_portal.jinja2 import address_of, day_month_year

UTC = datetime.UTC


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2026, 11, 30, 16, 59, 59, tzinfo=UTC),  # 23:59:59 in Jakarta
        datetime.datetime(2026, 11, 30, 17, 0, 0, tzinfo=UTC),  # midnight in Jakarta: the next day
        datetime.datetime(2024, 2, 29, 1, 2, 3, tzinfo=UTC),
        datetime.datetime(999, 1, 5, 0, 0, tzinfo=UTC),
    ],
)
def test_day_month_year_is_djangos_date_filter_d_m_y(moment):
    django = Template('{{ moment|date:"d-m-Y" }}').render(Context({"moment": moment}))

    assert day_month_year(moment) == django


def test_day_month_year_of_nothing_is_empty():
    assert day_month_year(None) == ""
    assert timezone.get_current_timezone_name() == "Asia/Jakarta"


@pytest.mark.parametrize(
    ("name", "after"),
    [("registry:business_detail", ()), ("programs:catalogue_product", ()), ("programs:catalogue_photo", ("kecil",))],
)
@pytest.mark.parametrize("pk", [1, 42, 987654321, 10**12])
def test_address_of_is_djangos_reverse(name, after, pk):
    assert address_of(name, *after)(pk) == reverse(name, args=[pk, *after])


def test_address_of_takes_only_a_number():
    with pytest.raises(ValueError, match="invalid literal for int"):
        address_of("registry:business_detail")("1/../../admin")
