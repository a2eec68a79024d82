"""What the worker processes share through PostgreSQL, beside django-tasks-db's own claim of a task.

django-tasks-db runs a task once: a worker claims it with `SELECT ... FOR UPDATE SKIP LOCKED`, so two
workers never take the same one. It keeps no heartbeat and never takes back a task whose worker died, so
each `manage.py run_worker` process also, every WORKER_HEARTBEAT_SECONDS:

- writes its heartbeat (WorkerHeartbeat);
- gives back the tasks of workers silent for WORKER_LOST_SECONDS (`requeue_lost_tasks`): another worker
  takes them, and the jobs are written so that a second run finishes the first without doubling a row;
- enqueues the scheduled jobs that are due (`enqueue_due`); a unique (name, slot) row makes each slot of a
  schedule run once however many workers run;
- enqueues the jobs that run when there is work for them (`enqueue_wanted`: the dashboard recount), unless
  one is already waiting or running; a transaction-scoped advisory lock keeps two workers from both doing so.
"""

import datetime
import logging
import os
import socket
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from umkm_portal.models import ScheduledRun, WorkerHeartbeat

logger = logging.getLogger(__name__)
# A task that has lost this many workers (each killed while running it) is not given out again.
MAX_CLAIMS = 3
STALE_HEARTBEAT = datetime.timedelta(days=1)


class WorkerLost(Exception):
    """What a task given up on after MAX_CLAIMS workers died running it is recorded as having raised."""


_WANTED_LOCK = 0x7A12  # pg_advisory_xact_lock key: one worker at a time decides on wanted jobs


@dataclass(frozen=True)
class Schedule:
    """A job run every `every`, at `offset` into each period (a daily job at 02:00 WIB: offset 19 hours UTC)."""

    name: str
    task: str
    every: datetime.timedelta
    offset: datetime.timedelta = datetime.timedelta(0)

    def slot(self, now):
        """The start of the period `now` falls in."""
        epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC) + self.offset
        periods = (now - epoch) // self.every
        return epoch + periods * self.every


def new_worker_id():
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{os.urandom(3).hex()}"


def beat(worker_id):
    """Record that the worker is alive."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"beat_at": timezone.now()},
        create_defaults={"beat_at": timezone.now(), "host": socket.gethostname()[:200], "pid": os.getpid()},
    )


def leave(worker_id):
    """A worker stopping cleanly takes its heartbeat away."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def last_heartbeat():
    """When a worker last said it was alive (None: no worker has run)."""
    return WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()


def requeue_lost_tasks(now=None):
    """Give the running tasks of silent workers back to the queue; return their ids. A task that has
    already lost MAX_CLAIMS workers is marked failed instead (it may be what kills them)."""
    now = now or timezone.now()
    lost_before = now - datetime.timedelta(seconds=settings.WORKER_LOST_SECONDS)
    alive = set(WorkerHeartbeat.objects.filter(beat_at__gte=lost_before).values_list("worker_id", flat=True))
    requeued = []
    running = DBTaskResult.objects.running().filter(started_at__lt=lost_before).only("id", "worker_ids", "task_path")
    for result in running:
        if result.worker_ids and result.worker_ids[-1] in alive:
            continue
        same = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING, worker_ids=result.worker_ids)
        if len(result.worker_ids) >= MAX_CLAIMS:
            if same.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"{len(result.worker_ids)} workers died while running this task",
            ):
                logger.error("task %s (%s) failed: it lost %d workers", result.pk, result.task_path, MAX_CLAIMS)
                _tell_failed(result.pk)
            continue
        if same.update(status=TaskResultStatus.READY, run_after=now):
            logger.warning(
                "task %s (%s) re-queued: its worker %s went silent",
                result.pk,
                result.task_path,
                result.worker_ids[-1] if result.worker_ids else "?",
            )
            requeued.append(result.pk)
    WorkerHeartbeat.objects.filter(beat_at__lt=now - STALE_HEARTBEAT).delete()
    return requeued


def _tell_failed(result_id):
    """Send task_finished for a task given up on, so the job it ran (an import, an export) is marked failed."""
    from django.tasks.signals import task_finished

    result = DBTaskResult.objects.get(pk=result_id)
    task_finished.send_robust(sender=type(result.task.get_backend()), task_result=result.task_result)


def enqueue_due(now=None):
    """Enqueue each scheduled job whose current slot has not run yet; return the names enqueued."""
    from umkm_portal.schedule import SCHEDULE

    now = now or timezone.now()
    enqueued = []
    for schedule in SCHEDULE:
        slot = schedule.slot(now)
        if ScheduledRun.objects.filter(name=schedule.name, slot=slot).exists():
            continue
        task = import_string(schedule.task)
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(name=schedule.name, slot=slot)
                run.task_id = task.enqueue().id
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another worker took this slot
        enqueued.append(schedule.name)
    return enqueued


def enqueue_wanted():
    """Enqueue each job of WANTED (task path -> callable saying whether there is work) that has work and no
    run waiting or running; return the task paths enqueued."""
    from umkm_portal.schedule import WANTED

    enqueued = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_WANTED_LOCK])
        for path, has_work in WANTED.items():
            task = import_string(path)
            waiting = DBTaskResult.objects.filter(
                task_path=task.module_path, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
            )
            if not waiting.exists() and import_string(has_work)():
                task.enqueue()
                enqueued.append(path)
    return enqueued


def tick(worker_id):
    """One round of what every worker does between tasks: beat, give back lost tasks, start due jobs."""
    beat(worker_id)
    requeue_lost_tasks()
    enqueue_due()
    enqueue_wanted()


def log_failed_task(sender, task_result, **kwargs):
    """A failed task is logged with its traceback, whoever ran it."""
    if task_result.status == TaskResultStatus.FAILED:
        for error in task_result.errors:
            logger.error("task %s (%s) failed: %s", task_result.id, task_result.task.name, error.traceback)
