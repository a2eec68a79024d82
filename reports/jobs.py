"""Background exports: a job row with progress, made by a worker (reports.tasks.make_report).

If the worker dies mid-export, another takes the task up (umkm_portal.worker) and makes the file again.
Each run claims the job with its start time; a run that finds another has claimed it since stops.
"""

import logging
import tempfile
from types import SimpleNamespace

from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from openpyxl import Workbook

from registry.background import Superseded, retry_or_fail
from registry.exports import BUSINESS_COLUMNS, log_export, table_rows
from registry.filtersets import BusinessFilterSet
from registry.models import Business
from reports.models import ReportJob

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 1000
FAILED_MESSAGE = "Berkas gagal dibuat. Coba lagi atau hubungi admin."


def run_job(job, *, attempt=1):
    """Make the job's file; on an error the job is tried again later (a database or storage that did not
    answer) or marked failed with a message, never left running."""
    started = timezone.now()
    claimable = ReportJob.objects.filter(pk=job.pk, status__in=[ReportJob.Status.QUEUED, ReportJob.Status.RUNNING])
    if not claimable.update(status=ReportJob.Status.RUNNING, started_at=started, done=0):
        return job
    job.refresh_from_db()
    mine = ReportJob.objects.filter(pk=job.pk, started_at=started)
    try:
        with translation.override(job.language):  # the requester's language, whatever the worker's
            _business_xlsx(job, mine)
    except Superseded:
        logger.warning("report job %s: another run took it over; this one stops", job.pk)
    except Exception as error:
        from reports.tasks import make_report

        failed = {"status": ReportJob.Status.FAILED, "error": FAILED_MESSAGE, "finished_at": timezone.now()}
        queued = {"status": ReportJob.Status.QUEUED}
        retry_or_fail(error, task=make_report, job_id=job.pk, attempt=attempt, mine=mine, queued=queued, failed=failed)
    job.refresh_from_db()
    return job


def mark_failed(job_id):
    """The job's task failed outside run_job (its workers kept dying): say so on the job."""
    ReportJob.objects.filter(pk=job_id, status__in=[ReportJob.Status.QUEUED, ReportJob.Status.RUNNING]).update(
        status=ReportJob.Status.FAILED, error=FAILED_MESSAGE, finished_at=timezone.now()
    )


def _business_xlsx(job, mine):
    user = job.user
    filterset = BusinessFilterSet(
        job.params, queryset=Business.objects.visible_to(user), request=SimpleNamespace(user=user)
    )
    if not filterset.is_valid():
        raise ValueError(f"invalid filters {filterset.errors.as_json()}")
    rows = filterset.qs.select_related("owner", "desa", "kecamatan").order_by("pk")
    job.total = rows.count()
    mine.update(total=job.total)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Usaha")
    for index, cells in enumerate(table_rows(rows, BUSINESS_COLUMNS)):  # index 0 is the header
        sheet.append(cells)
        if index and index % PROGRESS_EVERY == 0 and not mine.update(done=index):
            raise Superseded(job.pk)
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        handle.seek(0)
        job.file.save(f"usaha-{timezone.localtime():%Y%m%d-%H%M}.xlsx", File(handle), save=False)
    finished = {"file": job.file.name, "done": job.total, "status": ReportJob.Status.DONE}
    with transaction.atomic():  # the file is ready and its export logged, or neither
        if not mine.update(**finished, finished_at=timezone.now()):
            job.file.delete(save=False)
            raise Superseded(job.pk)
        log_export(
            rows,
            user=user,
            object_type="business",
            file_format="xlsx",
            filters=job.params,
            row_count=job.total,
            background=True,
        )
