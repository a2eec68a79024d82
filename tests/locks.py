"""Races made certain: one transaction goes on only once another waits for a lock."""

import time

from django.db import connection


def until_another_transaction_waits():
    """Return once a session of this test's database waits for a lock (at most 10 s): the one this test started
    elsewhere. Read per database, not from pg_locks: the other test workers' databases live in the same cluster,
    and a row lock's wait (on a transaction id) names no database there. The statistics a transaction reads are
    kept for the rest of it: each round clears them first, as the caller is often inside one."""
    with connection.cursor() as cursor:
        for _ in range(200):
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
