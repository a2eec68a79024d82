"""Logs as JSON lines with the request's id, from Django and from gunicorn."""

import io
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse

from tests.processes import django_shell
from umkm_portal.logs import JsonFormatter, RequestIdFilter

ROOT = Path(__file__).resolve().parent.parent
HEALTHZ = reverse("healthz")
UUID_HEX = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def json_lines():
    """What the root logger writes through the production formatter and filter, as parsed lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    root.removeHandler(handler)


def test_a_log_line_is_one_json_object_with_the_id_the_response_carries(client, db, json_lines):
    response = client.post(HEALTHZ, {"q": "rahasia-pribadi"})  # 405: Django logs a warning for it

    [line] = [line for line in json_lines() if line["logger"] == "django.request"]
    assert set(line) >= {"time", "level", "logger", "message", "request_id"}
    assert line["level"] == "WARNING"
    assert line["message"] == "Method Not Allowed (POST): /healthz"
    assert line["request_id"] == response["X-Request-ID"]
    assert UUID_HEX.fullmatch(line["request_id"])
    assert "request" not in line  # Django's request object (with its query string) is left out
    assert "rahasia-pribadi" not in json.dumps(line)


def test_an_exception_is_written_in_the_line(json_lines):
    try:
        1 / 0  # noqa: B018
    except ZeroDivisionError:
        logging.getLogger("umkm_portal.test").exception("Hitungan gagal")

    [line] = [line for line in json_lines() if line["logger"] == "umkm_portal.test"]
    assert line["message"] == "Hitungan gagal"
    assert line["level"] == "ERROR"
    assert line["request_id"] is None  # outside a request
    assert "ZeroDivisionError: division by zero" in line["exception"]


def test_a_sane_request_id_from_the_proxy_is_kept(client, db, json_lines):
    response = client.post(HEALTHZ, HTTP_X_REQUEST_ID="lb-7f3a9c2e-0001")

    assert response["X-Request-ID"] == "lb-7f3a9c2e-0001"
    assert [line["request_id"] for line in json_lines() if line["logger"] == "django.request"] == ["lb-7f3a9c2e-0001"]


@pytest.mark.parametrize(
    "incoming",
    ["x" * 300, "abc", "id dengan spasi", '"><script>alert(1)</script>', "abcdefgh\nlevel=ERROR", ""],
)
def test_an_absurd_request_id_is_replaced(client, db, incoming):
    response = client.get(HEALTHZ, HTTP_X_REQUEST_ID=incoming)

    assert UUID_HEX.fullmatch(response["X-Request-ID"])


def test_every_request_gets_its_own_id(client, db):
    ids = {client.get(HEALTHZ)["X-Request-ID"] for _ in range(3)}

    assert len(ids) == 3


def run_logging(env):
    code = "import logging; logging.getLogger('umkm_portal.test').warning('Uji log')"
    result = django_shell(code, **env)
    return [line for line in result.stderr.splitlines() if "Uji log" in line]


def test_production_writes_json_lines_and_development_plain_text():
    [production] = run_logging({"DEBUG": "false", "LOG_FORMAT": ""})
    [development] = run_logging({"DEBUG": "true", "LOG_FORMAT": ""})
    [asked] = run_logging({"DEBUG": "true", "LOG_FORMAT": "json"})

    assert json.loads(production)["message"] == "Uji log"
    assert development.endswith("WARNING umkm_portal.test Uji log")
    assert json.loads(asked)["level"] == "WARNING"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_writes_its_own_lines_as_json_with_the_request_id(tmp_path):
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", "umkm_portal/gunicorn.conf.py", "umkm_portal.wsgi"]
    stderr = tmp_path / "gunicorn.err"
    env = {**os.environ, "DEBUG": "false", "LOG_FORMAT": "", "ALLOWED_HOSTS": "127.0.0.1"}
    with stderr.open("w") as err:
        server = subprocess.Popen(
            [*command, "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/healthz?q=rahasia-pribadi", headers={"X-Request-ID": "lb-0123456789"}
        )
        for _ in range(150):
            try:
                urllib.request.urlopen(request, timeout=10)  # noqa: S310 -- loopback
                break
            except urllib.error.HTTPError:
                break  # an answer (503 when this database has no cache table): enough for the log
            except OSError:
                time.sleep(0.1)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    lines = [json.loads(line) for line in stderr.read_text().splitlines() if line.startswith("{")]
    [access] = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert any(line["logger"] == "gunicorn.error" and "Booting worker" in line["message"] for line in lines)
    assert access["request_id"] == "lb-0123456789"
    assert access["method"] == "GET"
    assert access["path"] == "/healthz"
    assert "rahasia-pribadi" not in json.dumps(access)  # no query string in the access log


def test_a_password_reset_links_token_stays_out_of_the_access_log():
    from umkm_portal.logs import GunicornAccessFilter

    record = logging.LogRecord("gunicorn.access", logging.INFO, "", 0, '"%(m)s %(U)s"', (), None)
    record.args = {"m": "GET", "U": "/kata-sandi/atur/Mw/divl1p-2205ff47986cb7db724b9c81a26bc2e3/", "s": "302"}

    GunicornAccessFilter().filter(record)

    assert record.path == "/kata-sandi/atur/Mw/***/"
    assert "2205ff47" not in record.getMessage()
    other = logging.LogRecord("gunicorn.access", logging.INFO, "", 0, "%(U)s", (), None)
    other.args = {"U": "/usaha/12/"}
    GunicornAccessFilter().filter(other)
    assert other.path == "/usaha/12/"


def test_a_403_is_one_warning_without_a_traceback(client, bank_officer, caplog):
    client.force_login(bank_officer)

    with caplog.at_level(logging.INFO, logger="django"):
        response = client.get(reverse("registry:business_list"))

    assert response.status_code == 403
    [record] = [record for record in caplog.records if record.name.startswith("django")]
    assert (record.name, record.levelname, record.getMessage()) == (
        "django.request",
        "WARNING",
        "Forbidden (Permission denied): /usaha/",
    )
    assert record.exc_info is None


@pytest.mark.parametrize("debug", ["true", "false"])
def test_a_403_is_written_once_as_one_line(debug):
    """As Django logs a PermissionDenied (core.handlers.exception): with DEBUG, Django's own console handler
    used to write it a second time; without, the traceback followed it."""
    code = (
        "from django.core.exceptions import PermissionDenied\n"
        "from django.http import HttpResponseForbidden\n"
        "from django.test import RequestFactory\n"
        "from django.utils.log import log_response\n"
        "try:\n"
        "    raise PermissionDenied\n"
        "except PermissionDenied as refused:\n"
        "    log_response('Forbidden (Permission denied): %s', '/usaha/', response=HttpResponseForbidden(),\n"
        "                 request=RequestFactory().get('/usaha/'), exception=refused)\n"
    )

    result = django_shell(code, DEBUG=debug, LOG_FORMAT="")

    lines = [line for line in result.stderr.splitlines() if line.strip() and "AXES" not in line]
    assert len(lines) == 1, result.stderr
    assert "Forbidden (Permission denied): /usaha/" in lines[0]
    assert "Traceback" not in result.stderr
