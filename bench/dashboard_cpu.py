"""The dinas dashboard's CPU time in one process, against the floor, in its three states of the cache.

    DATABASE_URL=... .venv/bin/python bench/dashboard_cpu.py [ROUNDS] [STATE ...]
    DATABASE_URL=... .venv/bin/python bench/dashboard_cpu.py profile [VIEWS] [STATE]

Settings as scripts/bench.sh sets them (DEBUG=false...). For a machine shared with other work: each round
requests the floor page and then the dashboard as Sidoarjo's dinas, each timed by `time.process_time()` (this
process's CPU, so the other sessions' work on the same cores moves it less than the wall clock); a state's
ratio is the median of the rounds' ratios. States: cached; missing (the figures' copy deleted before each
request, outside the timing: the filter bar kept, as after a new day or a copy's TTL); emptied (the whole
cache cleared before each request, as `make bench` does). Prints each state's medians (CPU, wall, ratio) and
its query count. `profile` runs cProfile over VIEWS views (default 30) in one state (default missing) and
prints the functions by cumulative and by own CPU time (the database server's time is not in it).
"""

import cProfile
import os
import pstats
import statistics
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

from reports import cache as reports_cache  # noqa: E402
from reports.tally import generation_key  # noqa: E402

FLOOR = "/kata-sandi/selesai/"
PAGE = "/dasbor/"


def logged_in(username):
    client = Client()
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    return client, user


def states(user):
    def missing():
        cache.delete(reports_cache._key(user, QueryDict(), generation_key()))

    return {"cached": None, "missing": missing, "emptied": cache.clear}


def timed(client, url):
    cpu, wall = time.process_time(), time.perf_counter()
    response = client.get(url)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    assert response.status_code == 200, (url, response.status_code)
    return cpu * 1000, wall * 1000


def measure(rounds, chosen):
    client, user = logged_in("dinas.sidoarjo")
    known = states(user)
    queries = {}
    for name in chosen:
        before = known[name]
        for _ in range(3):  # warm-up: templates, connections, caches
            if before:
                before()
            client.get(PAGE)
        if before:
            before()
        with CaptureQueriesContext(connection) as captured:
            client.get(PAGE)
        queries[name] = len(captured)
    with CaptureQueriesContext(connection) as captured:
        client.get(FLOOR)
    queries["floor"] = len(captured)
    floors, cpu, wall, ratios = [], {n: [] for n in chosen}, {n: [] for n in chosen}, {n: [] for n in chosen}
    for _ in range(rounds):
        for name in chosen:
            floor_cpu, _floor_wall = timed(client, FLOOR)
            floors.append(floor_cpu)
            if known[name]:
                known[name]()
            page_cpu, page_wall = timed(client, PAGE)
            cpu[name].append(page_cpu)
            wall[name].append(page_wall)
            ratios[name].append(page_cpu / floor_cpu)
    print(f"{rounds} rounds; floor CPU {statistics.median(floors):.2f} ms, {queries['floor']} queries")
    for name in chosen:
        print(
            f"{name:<8} CPU {statistics.median(cpu[name]):6.2f} ms  wall {statistics.median(wall[name]):6.2f} ms"
            f"  {statistics.median(ratios[name]):5.2f}x floor (CPU)  {queries[name]} queries"
        )


def profile(views, state):
    client, user = logged_in("dinas.sidoarjo")
    before = states(user)[state]
    for _ in range(3):
        if before:
            before()
        client.get(PAGE)
    profiler = cProfile.Profile(time.process_time)  # this process's CPU: the database's time is not in it
    for _ in range(views):
        if before:
            before()
        profiler.enable()
        client.get(PAGE)
        profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(40)


def main():
    args = sys.argv[1:]
    if args and args[0] == "profile":
        views = int(args[1]) if len(args) > 1 else 30
        profile(views, args[2] if len(args) > 2 else "missing")
        return
    rounds = int(args.pop(0)) if args and args[0].isdigit() else 30
    measure(rounds, args or ["cached", "missing", "emptied"])


if __name__ == "__main__":
    main()
