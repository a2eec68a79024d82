"""Rows that every test of a module reads, made once for the module instead of once per test.

    @pytest.fixture(scope="module")
    def shop_once(django_db_setup, django_db_blocker):
        with made_once(django_db_blocker):
            yield make_the_rows()

    @pytest.fixture
    def shop(shop_once, db):
        return copy.deepcopy(shop_once)  # a test may change its instances; the next one gets them as made

The rows live in a transaction that stays open for the module and is rolled back at its end; each test runs
inside it in its own savepoint (pytest-django's `db`), so no test sees what another wrote, as with per-test
rows. Only for modules whose every test takes the rows (a test that wants an empty table would find them), and
not for tests that need committed rows (`transactional_db`, a live server, another process). What Django's
`TestCase.setUpTestData` does for a class, for a module of pytest functions.
"""

from contextlib import contextmanager

from django.db import transaction


@contextmanager
def made_once(django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)
