"""The public pages' rate limits (umkm_portal.limits): one statement on PostgreSQL with the database cache,
Redis when it is the cache; exact under simultaneous requests and across processes."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests.processes import database_url, django_shell
from umkm_portal.limits import count_hit, over_limit, parse_rate, prune_rate_counts
from umkm_portal.models import RateCount

SIDOARJO = "35.15"


def _request(address="10.30.0.1"):
    return RequestFactory().get("/katalog/35.15/", {"q": "lumpia"}, REMOTE_ADDR=address)


def test_a_counted_request_is_one_statement_on_the_database_cache(db, django_assert_num_queries):
    over_limit(_request(), "catalogue-search", "5/m")

    with django_assert_num_queries(1):
        over_limit(_request(), "catalogue-search", "5/m")


def test_the_limit_holds_per_address_and_per_limit(db):
    answers = [over_limit(_request(), "catalogue-search", "3/m") for _ in range(4)]
    other_address = over_limit(_request("10.30.0.2"), "catalogue-search", "3/m")
    other_limit = over_limit(_request(), "inquiry", "3/m")

    assert answers == [False, False, False, True]
    assert other_address is False
    assert other_limit is False


def test_the_table_holds_no_address(db):
    over_limit(_request("10.30.0.77"), "catalogue-search", "3/m")

    row = RateCount.objects.get()

    assert "10.30.0.77" not in row.key
    assert row.hits == 1


def test_a_new_window_starts_the_count_again(db):
    answers = [over_limit(_request(), "catalogue-search", "2/h") for _ in range(3)]
    RateCount.objects.update(window_ends_at=timezone.now() - datetime.timedelta(seconds=1))  # the hour is over

    again = over_limit(_request(), "catalogue-search", "2/h")

    assert answers == [False, False, True]
    assert again is False
    assert RateCount.objects.get().hits == 1


def test_pruning_forgets_only_ended_windows(db):
    over_limit(_request(), "catalogue-search", "2/h")
    RateCount.objects.create(key="ended", hits=9, window_ends_at=timezone.now() - datetime.timedelta(minutes=1))

    pruned = prune_rate_counts()

    assert pruned == 1
    assert list(RateCount.objects.values_list("hits", flat=True)) == [1]


def test_the_counts_are_unlogged(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpersistence FROM pg_class WHERE oid = 'portal_ratecount'::regclass")
        assert cursor.fetchone()[0] == "u"


@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_are_all_counted():
    """Twelve requests at once from one address against a limit of five: exactly five pass (the database
    cache's read-then-write increment could let more through)."""
    barrier = threading.Barrier(12)
    answers = []

    def run():
        try:
            barrier.wait()
            answers.append(over_limit(_request(), "catalogue-search", "5/m"))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers) == [False] * 5 + [True] * 7
    assert RateCount.objects.get().hits == 12


@pytest.mark.django_db(transaction=True)
def test_another_process_counts_on_the_same_row():
    count_hit("catalogue-search", "10.30.0.5", "100/h")
    code = "from umkm_portal.limits import count_hit; print(count_hit('catalogue-search', '10.30.0.5', '100/h'))"

    child = django_shell(code, DATABASE_URL=database_url(), CACHE_URL="")
    after = count_hit("catalogue-search", "10.30.0.5", "100/h")

    assert child.stdout.strip().splitlines()[-1] == "2"
    assert after == 3


def test_with_redis_the_count_is_in_redis(redis_cache, client, kec_a, settings):
    from tests.factories import make_business, make_listing, make_product

    settings.PUBLIC_SEARCH_RATE = "2/m"
    make_listing(make_product(make_business(kec_a), name="Lumpia Bandeng"))
    url = reverse("programs:catalogue", args=[SIDOARJO])

    answers = [client.get(url, {"q": "lumpia"}).status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    assert not RateCount.objects.exists()


def test_rates_read_as_django_ratelimit_writes_them():
    assert parse_rate("30/m") == (30, 60)
    assert parse_rate("100/10m") == (100, 600)
    assert parse_rate("5/s") == (5, 1)
    assert parse_rate(" 2/H ") == (2, 3600)
    assert parse_rate("1000/d") == (1000, 86400)
    for wrong in ("30", "30/minute", "/m", "x/m"):
        with pytest.raises(ValueError, match="A rate is"):
            parse_rate(wrong)
