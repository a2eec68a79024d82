"""Background exports: a job row with progress, worked off in a thread after the request commits.

The thread is enough on one machine; if the process dies mid-export, `manage.py run_report_jobs`
(run it from cron or a systemd timer) picks up queued jobs and restarts ones stuck in "running".
"""

import datetime
import logging
import tempfile
from types import SimpleNamespace

from django.core.files import File
from django.utils import timezone
from openpyxl import Workbook

from registry.background import run_after_commit
from registry.exports import BUSINESS_COLUMNS, log_export, table_rows
from registry.filtersets import BusinessFilterSet
from registry.models import Business
from reports.models import ReportJob

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 1000
STALE_AFTER = datetime.timedelta(hours=1)


def start_job(request, *, kind, params):
    """Queue a job for the user and start it once the request's transaction has committed."""
    job = ReportJob.objects.create(user=request.user, kind=kind, params=params)
    run_after_commit(_run_by_id, job.pk)
    return job


def _run_by_id(job_id):
    run_job(ReportJob.objects.get(pk=job_id))


def run_job(job):
    """Make the job's file; on any error the job is marked failed with a message, never left running."""
    updated = ReportJob.objects.filter(pk=job.pk, status__in=[ReportJob.Status.QUEUED, ReportJob.Status.RUNNING])
    if not updated.update(status=ReportJob.Status.RUNNING, started_at=timezone.now(), done=0):
        return job
    job.refresh_from_db()
    try:
        _business_xlsx(job)
    except Exception:
        logger.exception("report job %s failed", job.pk)
        job.status, job.error = ReportJob.Status.FAILED, "Berkas gagal dibuat. Coba lagi atau hubungi admin."
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
    return job


def _business_xlsx(job):
    user = job.user
    filterset = BusinessFilterSet(
        job.params, queryset=Business.objects.visible_to(user), request=SimpleNamespace(user=user)
    )
    if not filterset.is_valid():
        raise ValueError(f"invalid filters {filterset.errors.as_json()}")
    rows = filterset.qs.select_related("owner", "desa", "kecamatan").order_by("pk")
    job.total = rows.count()
    job.save(update_fields=["total"])
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Usaha")
    for index, cells in enumerate(table_rows(rows, BUSINESS_COLUMNS)):  # index 0 is the header
        sheet.append(cells)
        if index and index % PROGRESS_EVERY == 0:
            ReportJob.objects.filter(pk=job.pk).update(done=index)
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        handle.seek(0)
        job.file.save(f"usaha-{timezone.localtime():%Y%m%d-%H%M}.xlsx", File(handle), save=False)
    job.done, job.status, job.finished_at = job.total, ReportJob.Status.DONE, timezone.now()
    job.save(update_fields=["file", "done", "status", "finished_at"])
    log_export(
        rows,
        user=user,
        object_type="business",
        file_format="xlsx",
        filters=job.params,
        row_count=job.total,
        background=True,
    )


def run_pending():
    """Run queued jobs and those whose process died mid-run; return how many ran."""
    stale = timezone.now() - STALE_AFTER
    ReportJob.objects.filter(status=ReportJob.Status.RUNNING, started_at__lt=stale).update(
        status=ReportJob.Status.QUEUED
    )
    count = 0
    for job in ReportJob.objects.filter(status=ReportJob.Status.QUEUED).order_by("created_at"):
        run_job(job)
        count += 1
    return count
