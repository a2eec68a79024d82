"""Running an import: in the request for small files, in a thread after the request for large ones.

Progress is written through a connection of its own, so the page polling it sees it move even while an
"all or nothing" import is still inside its one transaction. If the process dies mid-import,
`manage.py run_import_jobs` (cron) runs queued imports and restarts stuck ones; the upsert makes a
second run finish the first without doubling anything.
"""

import datetime
import logging

from django.db import connections
from django.utils import timezone

from registry.background import run_after_commit
from registry.imports import check_rows, import_rows, read_sheet
from registry.models import ImportBatch
from registry.signals import import_finished

logger = logging.getLogger(__name__)
STALE_AFTER = datetime.timedelta(hours=1)
_PROGRESS_SQL = "UPDATE registry_importbatch SET processed_rows = %s WHERE id = %s"


def queue_import(batch, *, all_or_nothing, background):
    """Mark the batch queued (once: a double submit queues nothing more); return whether it was queued.
    With `background`, a thread starts it once the request's transaction has committed."""
    retry = [ImportBatch.Status.NEW, ImportBatch.Status.FAILED]
    queued = ImportBatch.objects.filter(pk=batch.pk, status__in=retry).update(
        status=ImportBatch.Status.QUEUED, all_or_nothing=all_or_nothing, error=""
    )
    if queued and background:
        run_after_commit(_run_by_id, batch.pk)
    return bool(queued)


def read_batch(batch):
    """The batch's file read again: its sheet, header row and data rows."""
    with batch.file.open("rb") as handle:
        return read_sheet(handle.read(), batch.filename, sheet=batch.sheet)


def check_batch(batch, user=None):
    """Every row of the batch checked as `user` (default: the uploader) would import it."""
    headers, rows = read_batch(batch)
    return check_rows(headers, rows, batch.column_mapping(), user or batch.user, year=batch.figures_year)


def _run_by_id(batch_id):
    run_import(ImportBatch.objects.get(pk=batch_id), report_progress=True)


def run_import(batch, *, report_progress=False):
    """Check and write the batch's rows; the outcome is stored on the batch, never left running.
    An all-or-nothing import with failed rows writes nothing and goes back to "not imported"."""
    claimed = ImportBatch.objects.filter(
        pk=batch.pk, status__in=[ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING]
    ).update(status=ImportBatch.Status.RUNNING, started_at=timezone.now(), processed_rows=0)
    batch.refresh_from_db()
    if not claimed:
        return batch
    progress = _Progress(batch.pk) if report_progress else None
    try:
        results = check_batch(batch)
        summary = import_rows(
            results,
            by=batch.user,
            filename=batch.filename,
            all_or_nothing=batch.all_or_nothing,
            progress=progress,
        )
    except Exception:
        logger.exception("import batch %s failed", batch.pk)
        batch.status = ImportBatch.Status.FAILED
        batch.error = "Impor gagal di tengah jalan. Coba lagi atau hubungi admin."
        batch.save(update_fields=["status", "error"])
        return batch
    finally:
        if progress:
            progress.close()
    batch.results = results  # for the caller (import_sheet --json); not stored
    batch.summary = {**vars(summary), "refused": {str(r.number): r.refused for r in results if r.refused}}
    batch.processed_rows = len(results)
    if batch.all_or_nothing and summary.failed:
        batch.status = ImportBatch.Status.NEW
        batch.error = f"Tidak ada yang diimpor: {summary.failed} baris gagal. Perbaiki lalu unggah lagi."
    else:
        batch.status, batch.imported_at = ImportBatch.Status.DONE, timezone.now()
    batch.save(update_fields=["summary", "processed_rows", "status", "error", "imported_at"])
    if batch.status == ImportBatch.Status.DONE:
        # Listeners (the dashboard's summary) catch up now, while the user waits for the import anyway.
        for receiver, error in import_finished.send_robust(sender=ImportBatch, batch=batch):
            if isinstance(error, Exception):
                logger.error("after import batch %s, %s failed: %r", batch.pk, receiver, error)
    return batch


class _Progress:
    """Writes the rows done so far through its own autocommitting connection."""

    def __init__(self, batch_id):
        self.batch_id = batch_id
        self.connection = connections.create_connection("default")

    def __call__(self, done):
        with self.connection.cursor() as cursor:
            cursor.execute(_PROGRESS_SQL, [done, self.batch_id])

    def close(self):
        self.connection.close()


def run_pending():
    """Run queued imports and those whose process died mid-run; return how many ran."""
    stale = timezone.now() - STALE_AFTER
    ImportBatch.objects.filter(status=ImportBatch.Status.RUNNING, started_at__lt=stale).update(
        status=ImportBatch.Status.QUEUED
    )
    count = 0
    for batch in ImportBatch.objects.filter(status=ImportBatch.Status.QUEUED).order_by("created_at"):
        run_import(batch, report_progress=True)
        count += 1
    return count
