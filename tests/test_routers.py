"""Reads on a real streaming replica (scripts/replica.sh), writes and a writer's next reads on the primary."""

import csv
import io

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
