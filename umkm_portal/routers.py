"""Reads from a streaming replica where that is safe; every write, and every other read, on the primary.

With DATABASE_REPLICA_URL set (settings: DATABASES["replica"]), a request with a safe method (GET, HEAD,
OPTIONS) reads the replica: lists, search, reports and exports. These read the primary all the same:
- a browser's requests for DATABASE_REPLICA_PIN_SECONDS after one of its own non-safe requests wrote
  (a signed cookie), so an officer sees what they just saved even while the replica lags;
- reads inside transaction.atomic() and select_for_update() (a check-then-write must see the primary);
- sessions, login lockouts and the database cache (a logout or a lockout holds at once on every node);
- everything outside a request: management commands, the worker, threads.
Writes always go to the primary. GET requests write nothing except the access log (AccessLog.objects.record)
and the session's idle clock (umkm_portal.middleware.IdleSessionMiddleware), both on the primary.
Without a "replica" database nothing here changes anything.

A replica that does not answer costs nothing but its speed: a safe request first makes sure the replica
connection is up (a connection kept from an earlier request costs no round trip); if it cannot connect, the
request and this process's next ones for REPLICA_RETRY_SECONDS read the primary, and a warning is logged.
"""

import contextlib
import contextvars
import functools
import logging
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.http import FileResponse

REPLICA = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Read where they are written: security state (a logout, a lockout), and the database cache (an entry
# read from a lagging replica could be one the primary has already replaced or deleted).
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes", "django_cache"})
PIN_COOKIE = "umkm_primary"
_PIN_SALT = "umkm_portal.routers.pin"
_WRITE_STARTS = ("INSERT", "UPDATE", "DELETE", "MERGE", "COPY", "TRUNCATE", "CREATE", "ALTER", "DROP")

REPLICA_RETRY_SECONDS = 10

logger = logging.getLogger(__name__)

# Set per request by ReplicaRoutingMiddleware; false everywhere else (commands, workers, threads).
_replica_reads = contextvars.ContextVar("umkm_replica_reads", default=False)


def replica_configured():
    return REPLICA in settings.DATABASES


@contextlib.contextmanager
def primary_reads():
    """Inside this block every read of the request goes to the primary (a page whose copies must never be
    older than a write the portal has acknowledged, such as the public catalogue after a withdrawal)."""
    token = _replica_reads.set(False)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def reads_primary(view):
    """A view decorator: the view (and what it renders inside) reads the primary; see primary_reads()."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with primary_reads():
            return view(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    """Route reads to the replica inside requests that allow it (see the module docstring)."""

    def db_for_read(self, model, **hints):
        if not replica_configured():
            return None
        if (
            _replica_reads.get()
            and model._meta.app_label not in PRIMARY_ONLY_APPS
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        # Explicit, or Django would follow an instance read from the replica back to it.
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS if replica_configured() else None

    def allow_relation(self, obj1, obj2, **hints):
        # One database seen through two connections: a row read from the replica may be linked to any row.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, **hints):
        # A replica is read-only: migrations run on the primary and reach it by replication.
        return False if db == REPLICA else None


class ReplicaRoutingMiddleware:
    """Let a safe request read the replica unless its browser wrote a moment ago; remember a write.

    A non-safe request that wrote to the primary sets a signed cookie valid for
    DATABASE_REPLICA_PIN_SECONDS; while it is valid that browser reads the primary. A streamed response
    (a CSV export) keeps the request's routing while it is read.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._replica_down_until = 0.0  # this process's own note; nothing another process needs

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        if request.method in SAFE_METHODS:
            pinned = request.get_signed_cookie(
                PIN_COOKIE, default=None, salt=_PIN_SALT, max_age=settings.DATABASE_REPLICA_PIN_SECONDS
            )
            token = _replica_reads.set(pinned is None and self._replica_answers())
            try:
                response = self.get_response(request)
                if response.streaming and not isinstance(response, FileResponse):
                    response.streaming_content = _in_context(contextvars.copy_context(), response.streaming_content)
            finally:
                _replica_reads.reset(token)
            return response
        writes = []
        token = _replica_reads.set(False)
        try:
            with connections[DEFAULT_DB_ALIAS].execute_wrapper(_WriteSpy(writes)):
                response = self.get_response(request)
        finally:
            _replica_reads.reset(token)
        if writes:
            response.set_signed_cookie(
                PIN_COOKIE,
                "1",
                salt=_PIN_SALT,
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def _replica_answers(self):
        """Whether the replica can be read: connected already, or connecting now. A replica that cannot be
        reached is left alone for REPLICA_RETRY_SECONDS."""
        if time.monotonic() < self._replica_down_until:
            return False
        replica = connections[REPLICA]
        try:
            replica.close_if_health_check_failed()  # a kept connection the replica dropped since
            replica.ensure_connection()
        except OperationalError as error:
            self._replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
            logger.warning("replica unreachable (%s); reading the primary for %d s", error, REPLICA_RETRY_SECONDS)
            return False
        return True


class _WriteSpy:
    """An execute wrapper that notes whether a statement wrote."""

    def __init__(self, writes):
        self.writes = writes

    def __call__(self, execute, sql, params, many, context):
        if not self.writes and _writes(sql):
            self.writes.append(True)
        return execute(sql, params, many, context)


def _writes(sql):
    text = str(sql).lstrip().upper()
    return text.startswith(_WRITE_STARTS) or (
        text.startswith("WITH") and any(f"{verb} " in text for verb in ("INSERT", "UPDATE", "DELETE"))
    )


def _in_context(context, iterator):
    """Read `iterator` inside `context`: the routing of the request that made a streamed response."""
    iterator = iter(iterator)
    while True:
        try:
            chunk = context.run(next, iterator)
        except StopIteration:
            return
        yield chunk
