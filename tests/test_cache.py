"""The shared cache: Redis from CACHE_URL, the database's table without it; both seen by every process."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.urls import reverse

from reports.cache import cached
from tests.factories import PASSWORD, make_business
from tests.processes import django_shell
from tests.worker import run_tasks

ROOT = Path(__file__).resolve().parent.parent
LIST = reverse("registry:business_list")


@pytest.fixture(params=["database", "redis"])
def any_cache(request, db):
    """Each test runs once on the database cache (the default) and once on a real Redis."""
    if request.param == "redis":
        return request.getfixturevalue("redis_cache")
    return cache


def settings_in(env):
    """The CACHES a fresh process makes from `env` (CACHE_URL and the rest), as JSON."""
    code = "import json; from django.conf import settings; print(json.dumps(settings.CACHES['default']))"
    result = django_shell(code, **env)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_cache_url_the_cache_is_the_database_table():
    default = settings_in({"CACHE_URL": ""})

    assert default["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert default["LOCATION"] == "umkm_cache"


def test_cache_url_selects_redis_with_short_timeouts():
    default = settings_in({"CACHE_URL": "redis://10.0.0.5:6379/2"})

    assert default["BACKEND"] == "umkm_portal.cache.TolerantRedisCache"
    assert default["LOCATION"] == "redis://10.0.0.5:6379/2"
    assert default["OPTIONS"]["socket_timeout"] == 2


def test_a_cache_url_of_another_kind_stops_the_start():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**os.environ, "CACHE_URL": "memcached://127.0.0.1:11211"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "CACHE_URL must be" in result.stderr


def test_the_test_database_has_the_cache_table(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('umkm_cache') IS NOT NULL")
        assert cursor.fetchone()[0] is True


def test_the_cache_table_writes_no_write_ahead_log(db):
    """Unlogged (reports 0012): a kept page costs no WAL flush and is not sent to a replica."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpersistence FROM pg_class WHERE oid = 'umkm_cache'::regclass")
        assert cursor.fetchone()[0] == "u"


def test_the_cache_keeps_expires_and_forgets(any_cache):
    any_cache.set("umkm:test", {"kecamatan": "35.15.12", "count": 3}, timeout=60)
    any_cache.set("umkm:gone", "x", timeout=-1)

    assert any_cache.get("umkm:test") == {"kecamatan": "35.15.12", "count": 3}
    assert any_cache.get("umkm:gone") is None
    any_cache.delete("umkm:test")
    assert any_cache.get("umkm:test") is None


def test_dashboard_figures_are_computed_once_per_summary_generation(any_cache, dinas_sidoarjo, kec_a):
    calls = []

    def compute():
        calls.append(1)
        return f"<p>{len(calls)}</p>"

    first = cached(dinas_sidoarjo, {"category": "makanan"}, compute)
    again = cached(dinas_sidoarjo, {"category": "makanan"}, compute)
    make_business(kec_a)  # a write marks its cell: the cached figures stand until the worker has recounted
    before_recount = cached(dinas_sidoarjo, {"category": "makanan"}, compute)
    run_tasks()  # the recount moves the summary's generation
    after_recount = cached(dinas_sidoarjo, {"category": "makanan"}, compute)

    assert first == again == before_recount == "<p>1</p>"
    assert after_recount == "<p>2</p>"


def test_after_a_recount_the_worker_computes_the_dashboards_of_people_signed_in(
    any_cache, client, dinas_sidoarjo, dinas_other, kec_a
):
    """The first view after a write, once the worker has recounted, is read from the cache: the worker
    computed it, in both languages, for the people signed in over the kecamatan it recounted."""
    from django.http import QueryDict
    from django.utils import translation

    from reports.cache import _key
    from reports.tally import generation_key

    client.force_login(dinas_sidoarjo)  # signs in: last_login is now
    client.get(reverse("reports:dashboard"))
    make_business(kec_a)
    run_tasks()  # the recount, then the dashboards of the people signed in

    current = generation_key()
    kept = {}
    for language in ("id", "en"):
        with translation.override(language):
            kept[language] = cache.get(_key(dinas_sidoarjo, QueryDict(), current))
            assert cache.get(_key(dinas_other, QueryDict(), current)) is None  # never signed in
    html = client.get(reverse("reports:dashboard")).content.decode()

    assert kept["id"]
    assert kept["en"]
    assert kept["id"] != kept["en"]
    assert kept["id"] in html  # the view served what the worker computed


def filter_bar(response):
    html = response.content.decode()
    start = html.index('<form method="get"')
    return html[start : html.index("</form>", start)]


def test_a_blank_filter_bar_is_shared_and_follows_a_rename(any_cache, client, dinas_sidoarjo, kec_a):
    client.force_login(dinas_sidoarjo)

    first = filter_bar(client.get(LIST))
    second = filter_bar(client.get(LIST))
    kec_a.name = "Balongbendo Baru"
    kec_a.save()
    renamed = filter_bar(client.get(LIST))

    assert first == second
    assert '<option value="35.15.12">Balongbendo</option>' in first
    assert '<option value="35.15.12">Balongbendo Baru</option>' in renamed


def test_what_one_process_puts_in_redis_another_reads(redis_cache, redis_url):
    redis_cache.set("umkm:from-test", "dari proses uji", timeout=60)
    code = (
        "from django.core.cache import cache; "
        "print(cache.get('umkm:from-test')); cache.set('umkm:from-child', 'dari proses lain', 60)"
    )

    result = django_shell(code, CACHE_URL=redis_url)

    assert result.stdout.strip().splitlines()[-1] == "dari proses uji"
    assert redis_cache.get("umkm:from-child") == "dari proses lain"


def test_login_lockout_sessions_and_pages_work_on_redis(redis_cache, client, coordinator_a, coordinator_b):
    login = reverse("login")
    for _ in range(5):
        client.post(login, {"username": coordinator_a.username, "password": "salah-sekali"})
    locked = client.post(login, {"username": coordinator_a.username, "password": PASSWORD})
    other = client.post(login, {"username": coordinator_b.username, "password": PASSWORD})
    page = client.get(LIST)

    assert caches["default"].__class__.__name__ == "TolerantRedisCache"
    assert locked.status_code == 429
    assert other.status_code == 302
    assert page.status_code == 200
