"""No user-controlled key reaches the ORM: unknown filter names and sort keys are ignored."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_business

HOSTILE = {
    "sort": "owner__nik",
    "owner__nik__startswith": "3515",
    "nik": "3515",
    "order_by": "-owner__birth_date",
    "kecamatan__kabupaten__in": "35.29",
}
LISTS = [
    "registry:business_list",
    "registry:product_list",
    "registry:business_export",
    "programs:bankreferral_list",
    "programs:enrollment_list",
    "programs:curationsubmission_list",
    "reports:dashboard",
]


@pytest.mark.parametrize("name", LISTS)
def test_unknown_filter_and_sort_keys_are_ignored(client, dinas_sidoarjo, kec_a, name):
    make_business(kec_a)
    client.force_login(dinas_sidoarjo)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name), HOSTILE)

    assert response.status_code == 200
    for query in queries.captured_queries:
        sql = query["sql"]
        where_and_order = sql.split(" WHERE ", 1)[1] if " WHERE " in sql else ""
        assert '"nik"' not in where_and_order, sql
        assert '"birth_date"' not in where_and_order, sql
        assert "'35.29'" not in sql, sql
