"""Pages timed in one process, interleaved with the floor page, for a machine shared with other work.

    DATABASE_URL=... .venv/bin/python bench/interleave.py [--cpu] [ROUNDS] [PAGE ...]
    DATABASE_URL=... .venv/bin/python bench/interleave.py profile PAGE [VIEWS]

Settings as scripts/bench.sh sets them (DEBUG=false...). Each round requests the floor page (as Sidoarjo's
dinas) and then every page in turn; a page's ratio is its time over the floor's in the same round. Prints, per
page, the medians of its time and of its ratio, and its query count. With `--cpu` each request is also timed by
`time.process_time()` (this process's CPU: the other work on the same cores moves it less than the wall
clock, and the database server's time is not in it), and the ratio is the CPU's.

Pages: detail, detail-plain (the business read through the ORM's prefetches, registry.business_page.plain),
dashboard (cached), dashboard-missing (the figures' copy deleted before each request, outside the timing: the
filter bar kept, as after a new day or a copy's TTL), dashboard-uncached (the shared cache emptied before each
request, outside the timing, as `make bench` does), dashboard-after-write (before each request, outside the
timing, one business of Sidoarjo is updated and a real worker, `manage.py run_worker` started here, recounts
it and moves the generation; the request follows the moment the new generation is seen; the delay from the
commit to the new generation is printed too), dashboard-after-recount (the same, the request following the
moment the worker has finished the recount's task), list, list-filtered, list-page-500, catalogue-list (Sidoarjo's),
catalogue-typo (its search for 'keripk'), catalogue-product and catalogue-business (anonymous, built afresh: their kept
copies deleted before each request, outside the timing).

`profile` runs cProfile, by this process's CPU time, over VIEWS requests (default 30) of one page, its
`before` untimed, and prints the functions by cumulative and by own time.
"""

import atexit
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umkm_portal.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.public import forget_page, sample_listing  # noqa: E402
from bench.recount import write_and_wait  # noqa: E402
from bench.timing import floor_then_page  # noqa: E402
from registry import business_page  # noqa: E402
from registry.models import Business  # noqa: E402
from registry.views import BusinessDetailView  # noqa: E402
from reports import cache as reports_cache  # noqa: E402
from reports.tally import generation_key  # noqa: E402

FLOOR = "/kata-sandi/selesai/"


def logged_in(username):
    client = Client()
    client.user = get_user_model().objects.get(username=username)
    client.force_login(client.user)
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


def _figures_dropped(user):
    def before():
        cache.delete(reports_cache._key(user, QueryDict(), generation_key()))

    return before


def pages(admin, dinas):
    detail = Business.objects.filter(kecamatan="35.15.12", source_ref="sintetis").order_by("pk").first()
    return {
        "detail": (dinas, f"/usaha/{detail.pk}/", _detail_by(business_page.one_statement)),
        "detail-plain": (dinas, f"/usaha/{detail.pk}/", _detail_by(business_page.plain)),
        "dashboard": (dinas, "/dasbor/", None),
        "dashboard-missing": (dinas, "/dasbor/", _figures_dropped(dinas.user)),
        "dashboard-uncached": (dinas, "/dasbor/", cache.clear),
        "dashboard-after-write": (dinas, "/dasbor/", _write_and_wait_for_the_recount(detail)),
        "dashboard-after-recount": (dinas, "/dasbor/", _write_and_wait_for_the_recount(detail, settle=True)),
        "list": (admin, "/usaha/", None),
        "list-filtered": (admin, "/usaha/?kecamatan=35.15.12&category=makanan", None),
        "list-page-500": (admin, "/usaha/?page=500", None),
    }


def catalogue_pages():
    """Sidoarjo's catalogue, its search with a typo, and the product and business pages of
    bench.public.sample_listing(), as an anonymous visitor gets them built for a new address (the kept copy
    deleted before each request, outside the timing)."""
    visitor, listing = Client(), sample_listing()
    product = f"/katalog/produk/{listing.product_id}/"
    business = f"/katalog/usaha/{listing.product.business_id}/"
    pages = {
        "catalogue-list": "/katalog/35.15/",
        "catalogue-typo": "/katalog/35.15/?q=keripk",
        "catalogue-product": product,
        "catalogue-business": business,
    }
    return {name: (visitor, url, forget_page(url)) for name, url in pages.items()}


def measure(rounds, chosen, known, floor_client, by_cpu):
    times = {name: [] for name in chosen}
    cpus = {name: [] for name in chosen}
    ratios = {name: [] for name in chosen}
    floors, floor_cpus = [], []
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
        floor_client.get(FLOOR)
    queries["floor"] = len(captured)
    for _ in range(rounds):
        for name in chosen:
            client, url, before = known[name]
            (floor, floor_cpu), (page, page_cpu) = floor_then_page(floor_client, FLOOR, client, url, before)
            floors.append(floor * 1000)
            floor_cpus.append(floor_cpu * 1000)
            times[name].append(page * 1000)
            cpus[name].append(page_cpu * 1000)
            ratios[name].append(page_cpu / floor_cpu if by_cpu else page / floor)
    cpu_floor = f", CPU {statistics.median(floor_cpus):.2f} ms" if by_cpu else ""
    print(f"{rounds} rounds; floor {statistics.median(floors):.1f} ms{cpu_floor}, {queries['floor']} queries")
    for name in chosen:
        cpu = f"  CPU {statistics.median(cpus[name]):6.2f} ms" if by_cpu else ""
        print(
            f"{name:<24} {statistics.median(times[name]):7.1f} ms{cpu}  {statistics.median(ratios[name]):5.2f}x floor"
            f"{' (CPU)' if by_cpu else ''}  {queries[name]} queries"
        )
    if delays:
        print(f"recount: the new generation {statistics.median(delays):.0f} ms after the write's commit (median)")


def profile(known, name, views):
    client, url, before = known[name]
    for _ in range(3):
        if before:
            before()
        client.get(url)
    profiler = cProfile.Profile(time.process_time)  # this process's CPU: the database's time is not in it
    for _ in range(views):
        if before:
            before()
        profiler.enable()
        client.get(url)
        profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(40)


def main():
    args = sys.argv[1:]
    admin, dinas = logged_in("admin"), logged_in("dinas.sidoarjo")
    known = pages(admin, dinas) | catalogue_pages()
    if args and args[0] == "profile":
        profile(known, args[1], int(args[2]) if len(args) > 2 else 30)
        return
    by_cpu = "--cpu" in args
    args = [arg for arg in args if arg != "--cpu"]
    rounds = int(args.pop(0)) if args and args[0].isdigit() else 30
    measure(rounds, args or ["detail", "dashboard-uncached"], known, dinas, by_cpu)


if __name__ == "__main__":
    main()
