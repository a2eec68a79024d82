"""Races made certain: one transaction goes on only once another waits for a lock."""

import time

from django.db import connection


def until_another_transaction_waits():
    """Return once some transaction waits for a lock (at most 10 s): the one this test started elsewhere."""
    with connection.cursor() as cursor:
        for _ in range(200):
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
