"""The cast: one user per role and area, on real regions from the official list."""

import os

import pytest

from registry import roles
from tests.factories import make_bank, make_region, make_user

# Playwright's sync API runs an event loop; Django refuses database access from one without this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    import tempfile

    from django.conf import settings

    # Tests render templates without a collectstatic run: no manifest, and WhiteNoise finds the files.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATIC_ROOT = tempfile.mkdtemp(prefix="umkm-static-")
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="umkm-media-")
    settings.WHITENOISE_USE_FINDERS = True
    # A deliberately slow hash protects real passwords; tests need none of that cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # force_login() stands for a complete login: for admins and dinas staff that includes the TOTP code.
    _force_login_with_second_factor()
    # Every page rendered and every log line written is watched for a full NIK (tests/nik_watch.py).
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.nik_watch.NikWatchMiddleware"]
    import logging

    from tests.nik_watch import NikWatchHandler, watch_personal_data

    logging.getLogger().addHandler(NikWatchHandler(level=logging.DEBUG))
    watch_personal_data()  # and the public pages for an owner's phone, birth date and home address


def _force_login_with_second_factor():
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from umkm_portal.second_factor import requires_second_factor

        original(self, user, backend)
        if requires_second_factor(user):
            device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "Uji"})
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    Client.force_login = force_login


@pytest.fixture(autouse=True)
def no_full_nik_leaks():
    """Fail the test during which a page or a log line showed a full NIK (or a public page an owner's phone,
    birth date or home address)."""
    from tests import nik_watch

    nik_watch.leaks.clear()
    nik_watch.owners.clear()
    nik_watch.business_addresses.clear()
    nik_watch.consent_contacts.clear()
    yield
    found, nik_watch.leaks[:] = list(nik_watch.leaks), []
    assert found == [], "a full NIK or an owner's personal data was shown or logged:\n" + "\n".join(found)


@pytest.fixture(autouse=True)
def portal_language_after_each_test():
    """A request leaves its language active in the thread (Django's LocaleMiddleware does not reset it), so a
    test that asks a page in English would leave the next tests of its worker reading English outside a
    request (a service's message, a worker's file). Each test ends back in the portal's language."""
    from django.conf import settings
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_cache(request, django_db_blocker):
    """Each test that uses the database starts with an empty cache (dashboard figures are cached per data
    version). The default cache is the database's table here, so only those tests can reach it; it is
    emptied in the test database, outside the test's transaction."""
    from django.core.cache import cache

    if not {"db", "transactional_db"} & set(request.fixturenames) and not request.node.get_closest_marker("django_db"):
        return
    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock():
        cache.clear()


#
# Services
#


@pytest.fixture(scope="session")
def redis_url(worker_id):
    """A real Redis of this test worker's own (scripts/redis.sh), stopped when the session ends."""
    import subprocess
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "scripts" / "redis.sh"
    name = f"test-{worker_id}"
    started = subprocess.run([script, "start", name], capture_output=True, text=True, timeout=300)
    assert started.returncode == 0, started.stderr
    yield started.stdout.strip()
    subprocess.run([script, "stop", name], capture_output=True, timeout=60, check=True)


@pytest.fixture
def redis_cache(redis_url, settings):
    """The default cache on this worker's Redis for one test (as CACHE_URL=redis://... makes it), emptied."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {
            "BACKEND": "umkm_portal.cache.TolerantRedisCache",
            "LOCATION": redis_url,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    cache.clear()
    return cache


#
# Regions
#


@pytest.fixture
def kec_a(db):
    """Balongbendo, Sidoarjo (35.15.12): coordinator A's kecamatan."""
    return make_region("35.15.12")


@pytest.fixture
def kec_b(db):
    """Krian, Sidoarjo (35.15.11): coordinator B's kecamatan, same kabupaten as A."""
    return make_region("35.15.11")


@pytest.fixture
def kec_other_kabupaten(db):
    """Dasuk, Sumenep (35.29.14): outside Sidoarjo."""
    return make_region("35.29.14")


@pytest.fixture
def kab_sidoarjo(kec_a, kec_b):
    return kec_a.kabupaten


#
# People
#


@pytest.fixture
def portal_admin(db):
    return make_user(roles.ADMIN, username="admin.uji")


@pytest.fixture
def dinas_sidoarjo(kab_sidoarjo):
    return make_user(roles.DINAS, kabupaten=kab_sidoarjo, username="dinas.sidoarjo")


@pytest.fixture
def dinas_other(kec_other_kabupaten):
    return make_user(roles.DINAS, kabupaten=kec_other_kabupaten.kabupaten, username="dinas.sumenep")


@pytest.fixture
def coordinator_a(kec_a):
    return make_user(roles.COORDINATOR, kecamatan=kec_a, username="koordinator.balongbendo")


@pytest.fixture
def coordinator_b(kec_b):
    return make_user(roles.COORDINATOR, kecamatan=kec_b, username="koordinator.krian")


@pytest.fixture
def bank(db):
    return make_bank(short_name="BRI", name="PT Bank Rakyat Indonesia (Persero) Tbk")


@pytest.fixture
def bank_officer(bank):
    return make_user(roles.BANK, bank=bank, username="bank.bri")


@pytest.fixture
def unassigned_user(db):
    """A dinas account nobody gave an area: it must see nothing."""
    return make_user(roles.DINAS, username="dinas.tanpa.wilayah")


#
# PgBouncer and a streaming replica, real ones (scripts/pgbouncer.sh, scripts/replica.sh)
#


def _run_script(*args):
    """Run a project script and return the last line it printed; a script that fails fails the test."""
    import pathlib
    import subprocess

    script = pathlib.Path(__file__).resolve().parent.parent / "scripts" / args[0]
    result = subprocess.run([str(script), *args[1:]], capture_output=True, text=True, timeout=180, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stderr}")
    lines = result.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def _server_url(port=None):
    """A postgres:// URL of the test server (its maintenance database), as the scripts take it."""
    from django.db import connections

    db = connections["default"].settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{port or db['PORT'] or 5432}/postgres"


@pytest.fixture(scope="session")
def pgbouncer_port(django_db_setup, worker_id):
    """The port of a PgBouncer in transaction mode in front of the test server, started for this session."""
    from urllib.parse import urlsplit

    name = f"test-{worker_id}"
    pooled = _run_script("pgbouncer.sh", "start", _server_url(), name)
    yield urlsplit(pooled).port
    _run_script("pgbouncer.sh", "stop", name)


@pytest.fixture(scope="session")
def replica_port(django_db_setup, worker_id):
    """The port of a streaming replica of the test server (pg_basebackup -R), started for this session."""
    from urllib.parse import urlsplit

    name = f"test-{worker_id}"
    url = _run_script("replica.sh", "start", _server_url(), name)
    yield urlsplit(url).port
    _run_script("replica.sh", "stop", name)


@pytest.fixture
def through_pgbouncer(pgbouncer_port, transactional_db):
    """The default connection goes through PgBouncer during this test, without server-side cursors, as the
    portal runs behind it (DISABLE_SERVER_SIDE_CURSORS=true). The test's rows are committed."""
    from django.db import connections

    connection = connections["default"]
    saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT", "DISABLE_SERVER_SIDE_CURSORS")}
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=pgbouncer_port, DISABLE_SERVER_SIDE_CURSORS=True)
    yield connection
    connection.close()
    connection.settings_dict.update(saved)


@pytest.fixture(scope="module")
def replica_database(replica_port):
    """DATABASES["replica"] is the streaming replica for a module's tests, as DATABASE_REPLICA_URL makes it.
    Module-scoped, so it exists before a test marked django_db(databases=["default", "replica"]) starts."""
    from django.conf import settings
    from django.db import connections

    default = connections["default"].settings_dict
    settings.DATABASES["replica"] = {
        **default,
        "HOST": "127.0.0.1",
        "PORT": replica_port,
        "TEST": {**default["TEST"], "MIRROR": "default"},
    }
    yield connections["replica"]
    connections["replica"].close()
    del connections["replica"]
    del settings.DATABASES["replica"]


@pytest.fixture
def with_replica(replica_database, transactional_db):
    """The replica, for a test whose rows are committed; yields a function that waits until the replica has
    replayed every commit so far. Replay paused by the test resumes afterwards."""
    import time

    from django.db import connections

    def caught_up(timeout=10):
        # The insert position, not pg_current_wal_lsn(): the test cluster commits with synchronous_commit=off,
        # so a commit returns before its record is written, and the write position can still be before it.
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_insert_lsn()")
            target = cursor.fetchone()[0]
        deadline = time.monotonic() + timeout
        with replica_database.cursor() as cursor:
            while True:
                cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
                if cursor.fetchone()[0]:
                    return
                if time.monotonic() > deadline:
                    raise AssertionError("the replica did not catch up")
                time.sleep(0.02)

    yield caught_up
    with replica_database.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
