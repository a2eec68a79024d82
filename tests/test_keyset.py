import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import Business
from tests.factories import make_business, make_product
from umkm_portal.keyset import iterate_by_pk


@pytest.fixture
def businesses(kec_a):
    made = [make_business(kec_a, name=f"Usaha {n}") for n in (3, 1, 4, 1, 5, 9, 2)]
    return sorted(made, key=lambda business: business.pk)


def test_every_row_comes_once_in_pk_order_reading_a_bounded_chunk_per_query(businesses):
    with CaptureQueriesContext(connection) as queries:
        rows = list(iterate_by_pk(Business.objects.order_by("name"), chunk_size=3))

    assert [row.pk for row in rows] == [business.pk for business in businesses]
    assert len(queries.captured_queries) == 3  # 3 + 3 + 1 rows
    assert all(query["sql"].endswith("LIMIT 3") for query in queries.captured_queries)


def test_values_rows_and_prefetches_are_walked_too(businesses):
    make_product(businesses[0], name="Keripik")
    pks = [business.pk for business in businesses]

    as_dicts = [row["pk"] for row in iterate_by_pk(Business.objects.values("pk", "name"), chunk_size=2)]
    as_tuples = [pk for pk, _name in iterate_by_pk(Business.objects.values_list("pk", "name"), chunk_size=2)]
    flat = list(iterate_by_pk(Business.objects.values_list("pk", flat=True), chunk_size=2))
    prefetched = list(iterate_by_pk(Business.objects.prefetch_related("products"), chunk_size=2))

    assert as_dicts == as_tuples == flat == pks
    assert [product.name for product in prefetched[0].products.all()] == ["Keripik"]


def test_an_exact_multiple_of_the_chunk_ends_with_one_empty_read(businesses):
    with CaptureQueriesContext(connection) as queries:
        rows = list(iterate_by_pk(Business.objects.all(), chunk_size=len(businesses)))

    assert len(rows) == len(businesses)
    assert len(queries.captured_queries) == 2


def test_a_sliced_queryset_is_refused():
    with pytest.raises(TypeError):
        next(iterate_by_pk(Business.objects.all()[:5]))
