"""Logs as JSON lines, each with the id of the request it was written during.

RequestIdMiddleware gives every request an id (the caller's X-Request-ID when it is a sane token, else
a new one), answers it in the X-Request-ID header and keeps it in a context variable until the request
is finished; RequestIdFilter copies it onto every log record, and JsonFormatter (python-json-logger)
writes the record as one JSON object. settings.LOGGING wires them; umkm_portal/gunicorn.conf.py does
the same for gunicorn's own error and access logs.
"""

import contextvars
import logging
import re
import uuid

from django.core.signals import request_finished
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _LibraryJsonFormatter

HEADER = "X-Request-ID"
# What a proxy or a client may hand us as an id: a uuid, nginx's $request_id, a trace id. Anything else
# (too long, spaces, quotes, markup) is replaced, so an id cannot forge log lines or bloat them.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")

request_id = contextvars.ContextVar("request_id", default=None)


def new_request_id(incoming=""):
    """`incoming` when it is a sane token, else a fresh uuid4 hex."""
    return incoming if SANE_REQUEST_ID.fullmatch(incoming or "") else uuid.uuid4().hex


class RequestIdMiddleware:
    """Give the request its id (request.request_id), for the logs written while it runs and in the answer.

    It comes first in MIDDLEWARE so that every line of the request carries the id, and stays set until
    request_finished: Django logs an error answer ("Not Found: ...") after the middleware has returned."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = new_request_id(request.headers.get(HEADER, ""))
        request_id.set(request.request_id)
        response = self.get_response(request)
        response[HEADER] = request.request_id
        return response


def _forget_request_id(**kwargs):
    request_id.set(None)


request_finished.connect(_forget_request_id, dispatch_uid="umkm_portal_forget_request_id")


class RequestIdFilter(logging.Filter):
    """Put the current request's id on the record (None outside a request): set on a handler."""

    def filter(self, record):
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id.get()
        return True


class RefusalWithoutTracebackFilter(logging.Filter):
    """A 403 is the area door or a role working as meant: Django's one "Forbidden" warning stays, the
    traceback of the PermissionDenied it carries goes (on django.request, in settings.LOGGING)."""

    def filter(self, record):
        if getattr(record, "status_code", None) == 403:
            record.exc_info = record.exc_text = None
        return True


# A password-reset link's path holds its token: in a log it would be a key to the account until used.
_RESET_TOKEN = re.compile(r"^(/kata-sandi/atur/[^/]+/)[^/]+(/)$")


class GunicornAccessFilter(logging.Filter):
    """gunicorn's access lines as fields: its atoms come as the record's arguments (a dict), the request
    id from our own answer header. The query string is left out: a search can hold a NIK; so is a
    password-reset link's token."""

    def filter(self, record):
        atoms = record.args if isinstance(record.args, dict) else {}
        if atoms:
            if "U" in atoms:
                atoms = record.args = {**atoms, "U": _RESET_TOKEN.sub(r"\1***\2", atoms["U"] or "")}
            record.request_id = atoms.get("{x-request-id}o") or None
            record.method = atoms.get("m")
            record.path = atoms.get("U")
            record.status = atoms.get("s")
            record.duration_ms = atoms.get("M")
            record.bytes = atoms.get("B")
        return True


class JsonFormatter(_LibraryJsonFormatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message, request_id, and
    "exception" with the traceback when there is one. Other `extra=` fields are kept, except a request
    object (Django passes one; its text would carry the query string)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger", "exc_info": "exception"})
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "server_time"])
        super().__init__(["levelname", "name", "message", "request_id"], *args, **kwargs)
