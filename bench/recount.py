"""A write the dashboard counts, and the wait for the worker's recount (bench/run.py, bench/interleave.py).
Needs Django set up by its caller and a worker running (`manage.py run_worker`)."""

import time

from django.utils import timezone

from registry.models import Business
from reports import tally


def write_and_wait(business, *, poll=0.01, limit=120):
    """Update one business (committed: autocommit) and wait until the summary's generation moves; returns
    the milliseconds from the commit to the new generation."""
    before = tally.generation()
    Business.objects.filter(pk=business.pk).update(updated_at=timezone.now())
    committed = time.perf_counter()
    while tally.generation() == before:
        if time.perf_counter() - committed > limit:
            raise RuntimeError("the worker did not recount within two minutes")
        time.sleep(poll)
    return (time.perf_counter() - committed) * 1000
