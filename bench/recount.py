"""A write the dashboard counts, and the wait for the worker's recount (bench/run.py, bench/interleave.py).
Needs Django set up by its caller and a worker running (`manage.py run_worker`)."""

import time

from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registry.models import Business
from reports import tally


def write_and_wait(business, *, poll=0.01, limit=120, settle=False):
    """Update one business (committed: autocommit) and wait until the summary's generation moves; returns
    the milliseconds from the commit to the new generation. With `settle`, then also wait until the worker
    has finished the recount's task (its result recorded), so that what follows is not timed while the
    worker's process still runs on the same cores."""
    before = tally.generation()
    Business.objects.filter(pk=business.pk).update(updated_at=timezone.now())
    committed = time.perf_counter()
    while tally.generation() == before:
        if time.perf_counter() - committed > limit:
            raise RuntimeError("the worker did not recount within two minutes")
        time.sleep(poll)
    delay = (time.perf_counter() - committed) * 1000
    while settle and _recount_running():
        time.sleep(poll)
    return delay


def _recount_running():
    unfinished = (TaskResultStatus.READY, TaskResultStatus.RUNNING)
    return DBTaskResult.objects.filter(task_path=RECOUNT_TASK, status__in=unfinished).exists()


RECOUNT_TASK = "reports.tasks.refresh_tallies"
