"""What background tasks share: which failures deserve another try, and when.

A database that did not answer, a pooler that dropped a connection or a storage that timed out is
tried again later (30 s, 2 min, 10 min); any other error fails the job at once with a message, since
running the same input again would fail the same way.
"""

import datetime

from django.db import InterfaceError, OperationalError
from django.utils import timezone

TRANSIENT = (OperationalError, InterfaceError, OSError)
BACKOFF = [datetime.timedelta(seconds=30), datetime.timedelta(minutes=2), datetime.timedelta(minutes=10)]


class Superseded(Exception):
    """Another run of the same job has claimed it (this one was thought lost): stop without writing more."""


def retry_at(error, attempt):
    """When to try a job again after `error` on its `attempt`-th run; None: do not."""
    if isinstance(error, TRANSIENT) and attempt <= len(BACKOFF):
        return timezone.now() + BACKOFF[attempt - 1]
    return None
