"""The checks behind /healthz, one function each; every one answers a dict with a "status".

They are cheap (no count of a big table), write nothing to the database, and show no personal data:
a load balancer may call them every few seconds. A failure is reported by the name of its exception
(the message, which may name hosts, goes to the log only).
"""

import logging
import time
import uuid

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

logger = logging.getLogger(__name__)

REPLICA_ALIAS = "replica"
# Without these two a node cannot serve a page: /healthz answers 503 when one of them fails. A cache that does
# not answer only slows pages (umkm_portal.cache serves them without it), so it makes the node "degraded", as a
# lagging replica or a silent worker does: still 200, so the load balancer keeps every node.
REQUIRED = ("database", "storage")


def _failed(check, error, started):
    logger.warning("health check %s failed: %s: %s", check, type(error).__name__, error)
    return {"status": "error", "error": type(error).__name__, "ms": _ms_since(started)}


def _ms_since(started):
    return round((time.perf_counter() - started) * 1000, 1)


def database(alias=DEFAULT_DB_ALIAS):
    """SELECT 1 on the database `alias`, and how long it took."""
    started = time.perf_counter()
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return _failed("database", error, started)
    return {"status": "ok", "ms": _ms_since(started)}


def replica(alias=REPLICA_ALIAS):
    """Whether the read replica answers, and how far behind the primary its replay is.

    The lag is the time since the last transaction it replayed: on a primary that writes nothing for a
    while it grows although the replica is up to date, so monitoring should alert on it only together
    with writes. None when the replica has replayed nothing yet (or is not in recovery)."""
    started = time.perf_counter()
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(), EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float"
            )
            in_recovery, lag = cursor.fetchone()
    except Exception as error:
        return _failed("replica", error, started)
    return {
        "status": "ok",
        "in_recovery": in_recovery,
        "lag_seconds": None if lag is None else round(max(lag, 0.0), 3),
        "ms": _ms_since(started),
    }


def cache(backend=None):
    """The shared cache answers: a short-lived key is set and read back.

    The database cache is the database itself: it is only read (a probe that writes would make every
    load balancer poll a database write); the database check covers the rest."""
    backend = backend or caches["default"]
    started = time.perf_counter()
    probe = "healthz:" + uuid.uuid4().hex
    try:
        if isinstance(backend, BaseDatabaseCache):
            backend.get(probe)
        elif hasattr(backend, "probe"):  # umkm_portal.cache.TolerantRedisCache hides an outage from pages
            if not backend.probe(probe):
                raise LookupError("the probe key was not read back")
        else:
            backend.set(probe, "ok", timeout=10)
            if backend.get(probe) != "ok":
                raise LookupError("the probe key was not read back")
            backend.delete(probe)
    except Exception as error:
        return _failed("cache", error, started)
    return {"status": "ok", "backend": type(backend).__name__, "ms": _ms_since(started)}


def storage():
    """The default file storage answers (a local folder or an S3 bucket): exists() of a probe name."""
    started = time.perf_counter()
    try:
        default_storage.exists("healthz-probe")
    except Exception as error:
        return _failed("storage", error, started)
    return {"status": "ok", "backend": default_storage.__class__.__name__, "ms": _ms_since(started)}


def worker():
    """How long ago a background worker last wrote its heartbeat (umkm_portal.worker).

    "ok" within WORKER_LOST_SECONDS, "error" when every worker has been silent longer (their tasks are then
    given to the next worker that starts), "unknown" when none has ever run. A node serves pages without a
    worker, so this does not decide the answer's status (not in REQUIRED)."""
    from umkm_portal.worker import last_heartbeat

    started = time.perf_counter()
    try:
        beat_at = last_heartbeat()
    except Exception as error:
        return _failed("worker", error, started)
    if beat_at is None:
        return {"status": "unknown", "last_heartbeat_seconds": None}
    age = (timezone.now() - beat_at).total_seconds()
    status = "ok" if age <= settings.WORKER_LOST_SECONDS else "error"
    return {"status": status, "last_heartbeat_seconds": round(max(age, 0.0), 1)}


def run_checks():
    """Every check, by name; the replica's only when DATABASES has one."""
    checks = {"database": database()}
    if REPLICA_ALIAS in settings.DATABASES:
        checks["replica"] = replica()
    checks["cache"] = cache()
    checks["storage"] = storage()
    checks["worker"] = worker()
    return checks


def healthy(checks):
    """Whether a node can serve: the database and the storage answered."""
    return all(checks[name]["status"] == "ok" for name in REQUIRED)


def overall(checks):
    """ "ok" when every check is, "error" when a node cannot serve, else "degraded"."""
    if not healthy(checks):
        return "error"
    return "ok" if all(check["status"] == "ok" for check in checks.values()) else "degraded"
