"""The reports' background tasks (Django's Tasks API), worked off by `manage.py run_worker`."""

from django.tasks import task

from reports import cache, jobs, tally
from reports.models import ReportJob


@task()
def make_report(job_id, attempt=1):
    """Make a background export's file (reports.jobs.run_job); return the job's status."""
    return jobs.run_job(ReportJob.objects.get(pk=job_id), attempt=attempt).status


@task()
def refresh_tallies():
    """Recount the dashboard summary cells that writes have marked (scheduled every few seconds while
    there are some), then compute the dashboards of the people signed in over them afresh; return how many
    cells were recounted."""
    cells = tally.refresh_cells()
    if cells:
        cache.warm({kecamatan for kecamatan, _category, _guided in cells})
    return len(cells)
