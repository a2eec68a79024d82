"""/healthz: the database, the replica, the cache, the storage and the worker, on real services."""

import datetime
import socket

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from umkm_portal import health

HEALTHZ = reverse("healthz")


def closed_port():
    """A loopback port nothing listens on (the kernel's free pick, released at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database_alias(monkeypatch, django_db_setup, django_db_blocker):
    """Add a database alias beside "default" (the test database) for one test: `database_alias(name, **overrides)`.

    Such a test runs outside a test transaction (a test case allows only the aliases it names when it
    starts), which is safe here: /healthz writes nothing."""
    added = []
    django_db_blocker.unblock()

    def add(name, **overrides):
        config = {**connections.settings["default"], "CONN_MAX_AGE": 0, **overrides}
        monkeypatch.setitem(settings.DATABASES, name, config)
        connections.settings[name] = config
        added.append(name)

    yield add
    for name in added:
        connections[name].close()
        del connections[name]
        del connections.settings[name]
    django_db_blocker.restore()


def test_everything_up_answers_200_with_each_check(client, db):
    from umkm_portal.worker import beat

    without_worker = client.get(HEALTHZ).json()
    beat("worker-1")
    response = client.get(HEALTHZ)

    body = response.json()
    assert without_worker["status"] == "degraded"  # no worker has run: imports would wait
    assert without_worker["worker"] == {"status": "unknown", "last_heartbeat_seconds": None}
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["database"]["ms"] >= 0
    assert body["cache"] == {"status": "ok", "backend": "DatabaseCache", "ms": body["cache"]["ms"]}
    assert body["storage"]["status"] == "ok"
    assert body["worker"]["status"] == "ok"
    assert "replica" not in body  # none configured
    assert response["Cache-Control"].startswith("max-age=0")


def test_everything_up_on_redis(client, db, redis_cache):
    response = client.get(HEALTHZ)

    assert response.status_code == 200
    assert response.json()["cache"]["backend"] == "TolerantRedisCache"


def test_cache_down_answers_degraded_naming_the_cache(client, db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "umkm_portal.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }

    response = client.get(HEALTHZ)

    body = response.json()
    assert response.status_code == 200  # pages are served without the cache: the node stays in the pool
    assert body["status"] == "degraded"
    assert body["cache"]["status"] == "error"
    assert body["cache"]["error"] == "ConnectionError"
    assert body["database"]["status"] == "ok"
    assert body["storage"]["status"] == "ok"


def test_database_check_times_select_1(db):
    result = health.database()

    assert result["status"] == "ok"
    assert 0 <= result["ms"] < 5000


def test_database_check_reports_a_server_that_does_not_answer(database_alias):
    database_alias("down", HOST="127.0.0.1", PORT=str(closed_port()))

    result = health.database("down")

    assert result["status"] == "error"
    assert result["error"] == "OperationalError"
    assert "127.0.0.1" not in str(result)  # the message (hosts, ports) stays in the log


def test_a_replica_alias_is_checked_with_its_lag(client, database_alias):
    # The test database stands in for a replica: it answers, but is not in recovery and replays nothing.
    database_alias("replica")

    body = client.get(HEALTHZ).json()

    assert body["replica"] == {"status": "ok", "in_recovery": False, "lag_seconds": None, "ms": body["replica"]["ms"]}


def test_an_unreachable_replica_is_reported_without_failing_the_node(client, database_alias):
    database_alias("replica", PORT=str(closed_port()))

    response = client.get(HEALTHZ)

    assert response.status_code == 200  # the primary serves; monitoring sees the replica's error
    assert response.json()["replica"]["status"] == "error"


def test_the_worker_check_reads_the_newest_heartbeat(client, db, settings):
    from umkm_portal.models import WorkerHeartbeat
    from umkm_portal.worker import beat

    beat("node1-100-aaaaaa")
    alive = client.get(HEALTHZ).json()["worker"]
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.WORKER_LOST_SECONDS + 5)
    WorkerHeartbeat.objects.update(beat_at=long_ago)
    silent = client.get(HEALTHZ)

    assert alive["status"] == "ok"
    assert 0 <= alive["last_heartbeat_seconds"] < settings.WORKER_LOST_SECONDS
    assert silent.json()["worker"]["status"] == "error"
    assert silent.status_code == 200  # pages are still served; monitoring sees the silent worker


def test_healthz_writes_nothing_and_counts_no_table(client, db):
    client.get(HEALTHZ)  # the connection and the cache table are warm

    with CaptureQueriesContext(connection) as queries:
        client.get(HEALTHZ)

    statements = [query["sql"].split()[0].upper() for query in queries.captured_queries]
    assert set(statements) <= {"SELECT"}
    assert not any("count(" in query["sql"].lower() for query in queries.captured_queries)


def test_healthz_needs_no_login_and_shows_no_personal_data(client, db, coordinator_a):
    anonymous = client.get(HEALTHZ)
    client.force_login(coordinator_a)
    logged_in = client.get(HEALTHZ)

    assert anonymous.status_code == logged_in.status_code == 200
    assert coordinator_a.username not in logged_in.content.decode()
    assert set(anonymous.json()) == {"status", "database", "cache", "storage", "worker"}


def test_pages_keep_answering_without_their_cache_while_redis_is_down(client, settings, dinas_sidoarjo, kec_a):
    """A Redis that does not answer costs the pages their cache, not the pages (umkm_portal.cache)."""
    from django.core.cache import caches

    from tests.factories import make_business

    make_business(kec_a, name="Kue Lumpur Bu Sri")
    settings.CACHES = {
        "default": {
            "BACKEND": "umkm_portal.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    client.force_login(dinas_sidoarjo)

    dashboard = client.get(reverse("reports:dashboard"))
    listed = client.get(reverse("registry:business_list"))
    health = client.get(HEALTHZ)

    assert dashboard.status_code == listed.status_code == 200
    assert "Kue Lumpur Bu Sri" in listed.content.decode()
    assert caches["default"].get("anything", "miss") == "miss"
    assert (health.status_code, health.json()["status"]) == (200, "degraded")
    assert health.json()["cache"]["error"] == "ConnectionError"
