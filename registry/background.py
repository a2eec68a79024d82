"""Work that runs after the request: a thread started once the request's transaction has committed."""

import threading

from django.db import connection, transaction


def run_after_commit(target, *args):
    """Call `target(*args)` in a daemon thread once the current transaction commits (so the thread sees
    what the request wrote); the thread's database connection is closed when it ends."""

    def run():
        try:
            target(*args)
        finally:
            connection.close()

    transaction.on_commit(lambda: threading.Thread(target=run, daemon=True).start())
