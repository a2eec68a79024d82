"""What background jobs (an import, an export) share: which failures deserve another try, and when, and
how a job learns that its task failed without it.

A database that did not answer, a pooler that dropped a connection or a storage that timed out is
tried again later (30 s, 2 min, 10 min); any other error fails the job at once with a message, since
running the same input again would fail the same way.
"""

import datetime
import logging

from django.db import InterfaceError, OperationalError
from django.tasks import TaskResultStatus
from django.tasks.signals import task_finished
from django.utils import timezone

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError, OSError)
BACKOFF = [datetime.timedelta(seconds=30), datetime.timedelta(minutes=2), datetime.timedelta(minutes=10)]


class Superseded(Exception):
    """Another run of the same job has claimed it (this one was thought lost): stop without writing more."""


def retry_at(error, attempt):
    """When to try a job again after `error` on its `attempt`-th run; None: do not."""
    if isinstance(error, TRANSIENT) and attempt <= len(BACKOFF):
        return timezone.now() + BACKOFF[attempt - 1]
    return None


def retry_or_fail(error, *, task, job_id, attempt, mine, queued, failed):
    """Called while handling `error` on the `attempt`-th run of `task(job_id)`: enqueue the task again after
    the backoff, the job's row (the queryset `mine`) updated with `queued`; or fail it, updated with `failed`."""
    later = retry_at(error, attempt)
    if later:
        logger.warning("%s(%s): %r; trying again at %s", task.name, job_id, error, later)
        mine.update(**queued)
        task.using(run_after=later).enqueue(job_id, attempt=attempt + 1)
    else:
        logger.exception("%s(%s) failed", task.name, job_id)
        mine.update(**failed)


def fail_job_with_its_task(task, mark_failed):
    """When `task` fails outside its own error handling (its workers kept dying: umkm_portal.worker),
    `mark_failed(job_id)` says so on the job it ran. Connected once, from an app's ready()."""

    def receiver(sender, task_result, **kwargs):
        if task_result.status == TaskResultStatus.FAILED and task_result.task.module_path == task.module_path:
            mark_failed(task_result.args[0])

    task_finished.connect(receiver, weak=False, dispatch_uid=f"fail_job_with_its_task:{task.module_path}")
