"""Races made certain: one transaction goes on only once another waits for a lock."""

import threading
import time

from django.db import connection


def in_a_thread(work):
    """`work` on a thread of its own, with its own database connection (closed when it ends). Returns the thread,
    not started, and a list that holds, once the thread has ended, what `work` returned or the repr of what it
    raised: the side of a race that loses reports its error as its outcome, for the test to assert."""
    outcomes = []

    def run():
        try:
            outcomes.append(work())
        except Exception as error:  # the outcome of the race, asserted by the caller
            outcomes.append(repr(error))
        finally:
            connection.close()

    return threading.Thread(target=run), outcomes


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
