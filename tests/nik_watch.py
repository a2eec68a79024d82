"""A watch over every page the app renders and every log line it writes during the tests: no full NIK.

The middleware is added by tests/conftest.py; an autouse fixture fails the test that produced a leak.
A NIK may appear only where the user asked for it on purpose: the logged reveal (with a reason) and
Django admin (superusers cleaning data), or as the echo of what the user typed themselves: a form
re-shown after an error, the registration form resumed from their own server-side draft, or the
failed rows of a sheet they uploaded, given back to them to fix.
"""

import logging
import re
from urllib.parse import quote

from django.urls import resolve
from django.urls.exceptions import Resolver404

NIK = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")
ALLOWED_VIEWS = {"registry:owner_reveal_nik", "registry:business_register", "registry:import_preview"}
TEXT_TYPES = ("text/", "application/json", "application/javascript")
leaks = []


def _allowed(request):
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name in ALLOWED_VIEWS or match.namespace == "admin"


class NikWatchMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if getattr(response, "streaming", False) or not content_type.startswith(TEXT_TYPES) or _allowed(request):
            return response
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        typed = " ".join(str(value) for value in request.POST.values()) if request.method == "POST" else ""
        typed_digits = set(NIK.findall(re.sub(r"[^0-9]", "", typed))) | set(NIK.findall(typed))
        # The query string is echoed too (the language switch's `next`, sort and page links): percent-encoded,
        # a generated value such as " 12345678901234" reads "%2012345678901234", sixteen digits it was sent.
        values = [value for values in request.GET.lists() for value in values[1]]
        asked = " ".join([request.get_full_path(), *values, *(quote(value) for value in values)])
        for number in set(NIK.findall(response.content.decode(errors="replace"))):
            if number not in typed and number not in typed_digits and number not in asked:
                leaks.append(f"{request.method} {request.path}: {number[:4]}…")
        return response


class NikWatchHandler(logging.Handler):
    def emit(self, record):
        try:
            line = self.format(record)
        except Exception:
            return
        if NIK.search(line):
            leaks.append(f"log {record.name}: {NIK.sub('<NIK>', line)[:200]}")
