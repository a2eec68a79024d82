"""Reads on a real streaming replica (scripts/replica.sh), writes and a writer's next reads on the primary."""

import csv
import io
import time

import pytest
from django.contrib.sessions.models import Session
from django.db import connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registry.models import AccessLog, Business
from tests.factories import make_business
from umkm_portal.routers import PIN_COOKIE, ReplicaRoutingMiddleware

pytestmark = [
    pytest.mark.usefixtures("replica_database"),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]
LIST = reverse("registry:business_list")


def _pause_replay():
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")


def test_lists_read_the_replica_and_a_writer_then_reads_the_primary(with_replica, client, coordinator_a, kec_a):
    copied = make_business(kec_a, name="Sudah Tersalin")
    client.force_login(coordinator_a)
    with_replica()
    _pause_replay()
    fresh = make_business(kec_a, name="Belum Tersalin")  # on the primary only, while replay is paused

    with CaptureQueriesContext(connections["replica"]) as on_replica:
        lagging = client.get(LIST).content.decode()
        export = b"".join(client.get(reverse("registry:business_export"), {"format": "csv"}).streaming_content)
    read_on_replica = [query["sql"] for query in on_replica.captured_queries]  # before the next request clears it
    detail = client.get(copied.get_absolute_url())
    wrote = client.post(reverse("registry:legaldocument_create", args=[copied.pk]), {"kind": "halal", "number": "ID1"})
    after_write = client.get(LIST).content.decode()

    assert copied.get_absolute_url() in lagging
    assert fresh.get_absolute_url() not in lagging
    assert [row[0] for row in csv.reader(io.StringIO(export.decode()))][1:] == ["Sudah Tersalin"]
    assert sum('FROM "registry_business"' in sql for sql in read_on_replica) >= 2  # the list and the export
    assert detail.status_code == 200
    assert AccessLog.objects.filter(object_id=str(copied.pk), action=AccessLog.Action.VIEW).exists()  # on the primary
    assert wrote.status_code == 302
    assert PIN_COOKIE in wrote.cookies
    assert fresh.get_absolute_url() in after_write


def test_the_router_keeps_writes_transactions_and_security_state_on_the_primary(with_replica, coordinator_a):
    seen = {}

    def view(request):
        seen[request.method] = {
            "list": Business.objects.all().db,
            "for_update": Business.objects.select_for_update().db,
            "session": Session.objects.all().db,
        }
        with transaction.atomic():
            seen[request.method]["in_atomic"] = Business.objects.all().db
        if request.method == "POST":
            make_business()
        return HttpResponse()

    middleware = ReplicaRoutingMiddleware(view)
    factory = RequestFactory()

    middleware(factory.get("/"))
    posted = middleware(factory.post("/"))
    factory.cookies[PIN_COOKIE] = posted.cookies[PIN_COOKIE].value
    middleware(factory.get("/"))
    pinned = seen["GET"]

    assert Business.objects.all().db == "default"  # outside a request: commands, the worker
    assert set(seen["POST"].values()) == {"default"}
    assert set(pinned.values()) == {"default"}


def test_a_safe_request_reads_the_replica_only_outside_transactions(with_replica):
    seen = {}

    def view(request):
        seen["list"] = Business.objects.all().db
        seen["for_update"] = Business.objects.select_for_update().db
        seen["session"] = Session.objects.all().db
        with transaction.atomic():
            seen["in_atomic"] = Business.objects.all().db
        return HttpResponse()

    ReplicaRoutingMiddleware(view)(RequestFactory().get("/"))

    assert seen == {"list": "replica", "for_update": "default", "session": "default", "in_atomic": "default"}


def test_a_replica_that_does_not_answer_sends_reads_to_the_primary(with_replica, client, coordinator_a, kec_a, caplog):
    """Before: with the replica down every GET failed with a 500, although the primary was up."""
    import socket

    business = make_business(kec_a, name="Tetap Terbaca")
    client.force_login(coordinator_a)
    with socket.socket() as probe:  # a port nothing listens on: the replica's server is gone
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    replica = connections["replica"]
    replica.close()
    kept_port = replica.settings_dict["PORT"]
    replica.settings_dict["PORT"] = closed_port
    try:
        page = client.get(LIST)
        again = client.get(business.get_absolute_url())
    finally:
        replica.close()
        replica.settings_dict["PORT"] = kept_port

    assert page.status_code == 200
    assert business.get_absolute_url() in page.content.decode()
    assert again.status_code == 200
    assert [r.getMessage()[:20] for r in caplog.records if r.name == "umkm_portal.routers"] == ["replica unreachable "]


def test_the_public_catalogue_reads_the_primary_while_the_replica_lags(with_replica, client, kec_a):
    """Before: the catalogue's GETs read the replica, so a product withdrawn on the primary could still be shown
    (and its page stored under the new generation) while the replica lagged."""
    from programs.models import ListingConsent
    from tests.factories import make_listing, make_product

    shown = make_listing(make_product(make_business(kec_a), name="Lumpia Bandeng"))
    with_replica()
    _pause_replay()
    ListingConsent.objects.filter(business=shown.product.business).update(withdrawn_at=timezone.now())
    fresh = make_listing(make_product(make_business(kec_a), name="Tenun Ikat"))  # on the primary only

    with CaptureQueriesContext(connections["replica"]) as on_replica:
        catalogue = client.get(reverse("programs:catalogue", args=["35.15"])).content.decode()
        product = client.get(reverse("programs:catalogue_product", args=[shown.product_id]))
        page = client.get(reverse("programs:catalogue_product", args=[fresh.product_id]))

    assert "Tenun Ikat" in catalogue
    assert "Lumpia Bandeng" not in catalogue
    assert product.status_code == 404
    assert page.status_code == 200
    assert on_replica.captured_queries == []


def _count_on_a_lasting_replica_read(request):
    """A read that lasts on the replica (its statement holds its lock on the business table for ten seconds) and
    is quick on the primary: answers where it read and what it counted. ?db=replica reads the replica always."""
    from django.db import router

    alias = request.GET.get("db") or router.db_for_read(Business)
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM registry_business), "
            "pg_sleep(CASE WHEN pg_is_in_recovery() THEN 10 ELSE 0 END)::text"
        )
        count = cursor.fetchone()[0]
    return HttpResponse(f"{alias} {count}")


def _urlpatterns():
    from django.urls import include, path

    return [path("uji-baca-ulang/", _count_on_a_lasting_replica_read), path("", include("umkm_portal.urls"))]


urlpatterns = _urlpatterns()  # this module is the URLconf of the test below


@pytest.fixture
def replica_cancels_quickly(with_replica, settings):
    """The replica cancels a conflicting read after 100 ms (max_standby_streaming_delay) and this module is the
    URLconf; reset afterwards."""
    settings.ROOT_URLCONF = __name__
    with connections["replica"].cursor() as cursor:
        cursor.execute("ALTER SYSTEM SET max_standby_streaming_delay = '100ms'")
        cursor.execute("SELECT pg_reload_conf()")
    yield with_replica
    with connections["replica"].cursor() as cursor:
        cursor.execute("ALTER SYSTEM RESET max_standby_streaming_delay")
        cursor.execute("SELECT pg_reload_conf()")


def _get_while_the_primary_locks_the_table(client, url, times):
    """GET `url` while another connection takes an exclusive lock on the business table on the primary, `times`
    times, each once a read of the view runs on the replica: the replica's replay of that lock cancels the read.
    Returns the answer and the seconds it took."""
    from tests.locks import in_a_thread

    def lock_the_table_each_time_the_replica_reads_it():
        try:
            for _ in range(times):
                with connections["replica"].cursor() as cursor:
                    for _ in range(200):
                        cursor.execute("SELECT pg_stat_clear_snapshot()")
                        cursor.execute(
                            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                            "AND query LIKE '%%pg_is_in_recovery%%'"
                        )
                        if cursor.fetchone()[0] > 1:  # that read, and this one
                            break
                        time.sleep(0.05)
                with transaction.atomic(), connections["default"].cursor() as cursor:
                    cursor.execute("LOCK TABLE registry_business IN ACCESS EXCLUSIVE MODE")
            return "locked"
        finally:
            connections["replica"].close()

    other, other_side = in_a_thread(lock_the_table_each_time_the_replica_reads_it)
    other.start()
    started = time.monotonic()
    try:
        page = client.get(url)
    finally:
        other.join()
    assert other_side == ["locked"]
    return page, time.monotonic() - started


def test_a_read_the_replica_cancels_is_read_again_on_the_primary(replica_cancels_quickly, client, caplog):
    """A replica cancels a query that holds what the replay of a primary's change needs, after
    max_standby_streaming_delay: "canceling statement due to conflict with recovery" (SQLSTATE 40001). Before: the
    page said the request had collided with another save and that what collided was not saved; now the read is
    run again on the primary, and the officer sees the page."""
    make_business(name="Terbaca Ulang")
    replica_cancels_quickly()

    page, seconds = _get_while_the_primary_locks_the_table(client, "/uji-baca-ulang/", times=1)

    assert page.status_code == 200
    assert page.content.decode() == "default 1"
    assert seconds < 9  # the replica's read was cancelled, not waited for
    assert [r.getMessage() for r in caplog.records if r.name == "umkm_portal.middleware"] == [
        "read ended by the database (40001), read again: GET /uji-baca-ulang/"
    ]


def test_a_read_ended_twice_says_to_reload_and_that_nothing_changed(replica_cancels_quickly, client, caplog):
    replica_cancels_quickly()

    page, _ = _get_while_the_primary_locks_the_table(client, "/uji-baca-ulang/?db=replica", times=2)

    assert page.status_code == 503
    assert page["Retry-After"] == "2"
    html = page.content.decode()
    assert "<title>Halaman belum dapat dimuat" in html
    assert "Tidak ada yang berubah. Muat ulang halaman sebentar lagi." in html
    assert "tidak tersimpan" not in html
    assert [r.getMessage()[:38] for r in caplog.records if r.name == "umkm_portal.middleware"] == [
        "read ended by the database (40001), re",
        "request ended by the database (40001):",
    ]
