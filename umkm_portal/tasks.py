"""The project's own scheduled job: forget old task results and scheduled runs."""

import datetime

from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from umkm_portal.models import ScheduledRun

KEEP = datetime.timedelta(days=14)


@task()
def prune():
    """Delete finished task results and scheduled runs older than two weeks; return how many."""
    before = timezone.now() - KEEP
    tasks, _ = DBTaskResult.objects.finished().filter(finished_at__lt=before).delete()
    runs, _ = ScheduledRun.objects.filter(slot__lt=before).delete()
    return tasks + runs
