"""Pages timed in one process, interleaved with the floor page, for a machine shared with other work.

    DATABASE_URL=... .venv/bin/python bench/interleave.py [ROUNDS] [PAGE ...]

Settings as scripts/bench.sh sets them (DEBUG=false...). Each round requests the floor page and then every
page in turn; a page's ratio is its time over the floor's in the same round. Prints, per page, the medians of
its time and of its ratio, and its query count. Pages: detail, detail-plain (the business read through the
ORM's prefetches, registry.business_page.plain), dashboard (cached), dashboard-uncached (the shared cache
emptied before each request, outside the timing), dashboard-after-write (before each request, outside the
timing, one business of Sidoarjo is updated and a real worker, `manage.py run_worker` started here, recounts
it and moves the generation; the request follows the moment the new generation is seen; the delay from the
commit to the new generation is printed too), dashboard-after-recount (the same, the request following the
moment the worker has finished the recount's task), list, list-filtered, list-page-500.
"""

import atexit
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umkm_portal.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.recount import write_and_wait  # noqa: E402
from bench.timing import floor_then_page  # noqa: E402
from registry import business_page  # noqa: E402
from registry.models import Business  # noqa: E402
from registry.views import BusinessDetailView  # noqa: E402

FLOOR = "/kata-sandi/selesai/"


def logged_in(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _detail_by(load):
    def before():
        BusinessDetailView.load = staticmethod(load)

    return before


_worker = []
delays = []


def _write_and_wait_for_the_recount(business, *, settle=False):
    def before():
        if not _worker:
            _worker.append(
                subprocess.Popen(  # noqa: S603 - fixed arguments
                    [sys.executable, str(ROOT / "manage.py"), "run_worker"],
                    env=os.environ,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            atexit.register(_worker[0].terminate)
        delays.append(write_and_wait(business, poll=0.005, settle=settle))

    return before


def pages(admin, dinas):
    detail = Business.objects.filter(kecamatan="35.15.12", source_ref="sintetis").order_by("pk").first()
    return {
        "detail": (dinas, f"/usaha/{detail.pk}/", _detail_by(business_page.one_statement)),
        "detail-plain": (dinas, f"/usaha/{detail.pk}/", _detail_by(business_page.plain)),
        "dashboard": (dinas, "/dasbor/", None),
        "dashboard-uncached": (dinas, "/dasbor/", cache.clear),
        "dashboard-after-write": (dinas, "/dasbor/", _write_and_wait_for_the_recount(detail)),
        "dashboard-after-recount": (dinas, "/dasbor/", _write_and_wait_for_the_recount(detail, settle=True)),
        "list": (admin, "/usaha/", None),
        "list-filtered": (admin, "/usaha/?kecamatan=35.15.12&category=makanan", None),
        "list-page-500": (admin, "/usaha/?page=500", None),
    }


def main():
    args = sys.argv[1:]
    rounds = int(args.pop(0)) if args and args[0].isdigit() else 30
    admin, dinas = logged_in("admin"), logged_in("dinas.sidoarjo")
    known = pages(admin, dinas)
    chosen = args or ["detail", "dashboard-uncached"]
    times = {name: [] for name in chosen}
    ratios = {name: [] for name in chosen}
    floors = []
    queries = {}
    for name in chosen:  # warm-up: templates, connections, caches
        client, url, before = known[name]
        for _ in range(2):
            if before:
                before()
            client.get(url)
        if before:
            before()
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries[name] = len(captured)
    with CaptureQueriesContext(connection) as captured:
        dinas.get(FLOOR)
    queries["floor"] = len(captured)
    for _ in range(rounds):
        for name in chosen:
            client, url, before = known[name]
            floor, page = floor_then_page(dinas, FLOOR, client, url, before)
            floors.append(floor * 1000)
            times[name].append(page * 1000)
            ratios[name].append(page / floor)
    print(f"{rounds} rounds; floor {statistics.median(floors):.1f} ms, {queries['floor']} queries")
    for name in chosen:
        print(
            f"{name:<24} {statistics.median(times[name]):7.1f} ms  {statistics.median(ratios[name]):5.2f}x floor"
            f"  {queries[name]} queries"
        )
    if delays:
        print(f"recount: the new generation {statistics.median(delays):.0f} ms after the write's commit (median)")


if __name__ == "__main__":
    main()
