"""The reports' background tasks (Django's Tasks API), worked off by `manage.py run_worker`."""

import logging

from django.db import transaction
from django.tasks import task

from reports import cache, jobs, tally
from reports.models import ReportJob

logger = logging.getLogger(__name__)


@task()
def make_report(job_id, attempt=1):
    """Make a background export's file (reports.jobs.run_job); return the job's status."""
    return jobs.run_job(ReportJob.objects.get(pk=job_id), attempt=attempt).status


@task()
def refresh_tallies():
    """Recount the dashboard summary cells that writes have marked (scheduled every few seconds while
    there are some) and, in the same transaction, compute the dashboards of the people signed in over them
    afresh; return how many cells were recounted."""
    return len(tally.refresh_cells(before_commit=_warm))


def _warm(cells, key):
    """Inside the recount's transaction, before it moves the generation to `key`: the dashboards of the people
    signed in, cached under that generation before any other process can see it, so their first view after
    the write is a cached one (reports.cache.warm)."""
    try:
        with transaction.atomic():  # a savepoint: a failed warm-up leaves the recount to commit
            cache.warm({kecamatan for kecamatan, _category, _guided in cells}, key)
    except Exception:
        # A dashboard that failed to warm is computed when it is opened.
        logger.exception("Warming the dashboards after a recount failed")
