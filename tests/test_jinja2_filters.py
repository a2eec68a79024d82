"""The Jinja2 environment's filters (umkm_portal/jinja2.py) write what Django's templates write."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from umkm_portal.jinja2 import day_month_year

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
