"""Running an import on a worker (registry.tasks.import_batch), with its progress on the batch.

Progress is written through a connection of its own, so the page polling it sees it move even while an
"all or nothing" import is still inside its one transaction. If the worker dies mid-import, another takes
the task up (umkm_portal.worker) and runs it again: the upsert makes the second run finish the first
without doubling anything. Each run claims the batch with its start time; a run that finds another has
claimed the batch since stops before writing more.
"""

import logging

from django.db import connections
from django.utils import timezone

from registry.background import Superseded, retry_or_fail
from registry.imports import check_rows, import_rows, read_sheet
from registry.models import ImportBatch
from registry.signals import import_finished

logger = logging.getLogger(__name__)
_PROGRESS_SQL = "UPDATE registry_importbatch SET processed_rows = %s WHERE id = %s AND started_at = %s"


def queue_import(batch, *, all_or_nothing):
    """Mark the batch queued and enqueue its task, in the request's transaction (once: a double submit
    queues nothing more); return whether it was queued."""
    from registry.tasks import import_batch

    retry = [ImportBatch.Status.NEW, ImportBatch.Status.FAILED]
    queued = ImportBatch.objects.filter(pk=batch.pk, status__in=retry).update(
        status=ImportBatch.Status.QUEUED, all_or_nothing=all_or_nothing, error="", processed_rows=0
    )
    if queued:
        import_batch.enqueue(batch.pk)
    return bool(queued)


def read_batch(batch):
    """The batch's file read again: its sheet, header row and data rows."""
    with batch.file.open("rb") as handle:
        return read_sheet(handle.read(), batch.filename, sheet=batch.sheet)


def check_batch(batch, user=None):
    """Every row of the batch checked as `user` (default: the uploader) would import it."""
    headers, rows = read_batch(batch)
    return check_rows(headers, rows, batch.column_mapping(), user or batch.user, year=batch.figures_year)


def run_import(batch, *, attempt=1):
    """Check and write the batch's rows; the outcome is stored on the batch, never left running.
    An all-or-nothing import with failed rows writes nothing and goes back to "not imported".
    A database or storage that did not answer queues the batch again for later (registry.background)."""
    started = timezone.now()
    claimed = ImportBatch.objects.filter(
        pk=batch.pk, status__in=[ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING]
    ).update(status=ImportBatch.Status.RUNNING, started_at=started, processed_rows=0)
    batch.refresh_from_db()
    if not claimed:
        return batch
    mine = ImportBatch.objects.filter(pk=batch.pk, started_at=started)
    progress = _Progress(batch.pk, started)
    try:
        results = check_batch(batch)
        summary = import_rows(
            results,
            by=batch.user,
            filename=batch.filename,
            all_or_nothing=batch.all_or_nothing,
            progress=progress,
        )
    except Superseded:
        logger.warning("import batch %s: another run took it over; this one stops", batch.pk)
        return batch
    except Exception as error:
        from registry.tasks import import_batch

        queued = {"status": ImportBatch.Status.QUEUED, "error": RETRY_MESSAGE}
        failed = {"status": ImportBatch.Status.FAILED, "error": FAILED_MESSAGE}
        retry_or_fail(
            error, task=import_batch, job_id=batch.pk, attempt=attempt, mine=mine, queued=queued, failed=failed
        )
        batch.refresh_from_db()
        return batch
    finally:
        progress.close()
    batch.results = results  # for the caller (import_sheet --json); not stored
    batch.summary = {**vars(summary), "refused": {str(r.number): r.refused for r in results if r.refused}}
    batch.processed_rows = len(results)
    if batch.all_or_nothing and summary.failed:
        batch.status = ImportBatch.Status.NEW
        batch.error = f"Tidak ada yang diimpor: {summary.failed} baris gagal. Perbaiki lalu unggah lagi."
    else:
        batch.status, batch.imported_at = ImportBatch.Status.DONE, timezone.now()
    fields = ["summary", "processed_rows", "status", "error", "imported_at"]
    if not mine.update(**{field: getattr(batch, field) for field in fields}):
        logger.warning("import batch %s: another run took it over before this one finished", batch.pk)
        return batch
    if batch.status == ImportBatch.Status.DONE:
        # Listeners (the dashboard's summary) catch up now, while the user waits for the import anyway.
        for receiver, error in import_finished.send_robust(sender=ImportBatch, batch=batch):
            if isinstance(error, Exception):
                logger.error("after import batch %s, %s failed: %r", batch.pk, receiver, error)
    return batch


FAILED_MESSAGE = "Impor gagal di tengah jalan. Coba lagi atau hubungi admin."
RETRY_MESSAGE = "Basis data atau penyimpanan belum menjawab; impor dicoba lagi sebentar lagi."


class _Progress:
    """Writes the rows done so far through its own autocommitting connection; raises Superseded when another
    run has claimed the batch since this one started (read on the import's connection, which sees its own
    claim even inside a test's transaction)."""

    def __init__(self, batch_id, started):
        self.mine = ImportBatch.objects.filter(pk=batch_id, started_at=started)
        self.batch_id, self.started = batch_id, started
        self.connection = connections.create_connection("default")

    def __call__(self, done):
        if not self.mine.exists():
            raise Superseded(self.batch_id)
        with self.connection.cursor() as cursor:
            cursor.execute(_PROGRESS_SQL, [done, self.batch_id, self.started])

    def close(self):
        self.connection.close()


def mark_failed(batch_id):
    """The batch's task failed outside run_import (its workers kept dying): say so on the batch."""
    ImportBatch.objects.filter(pk=batch_id, status__in=[ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING]).update(
        status=ImportBatch.Status.FAILED, error=FAILED_MESSAGE
    )
