"""An uploaded sheet's way through the workers: reading it, checking its rows, importing them.

No web request reads an import file. The upload streams the file into the storage and queues
`registry.tasks.read_import` (the sheets, the header row, the rows counted, the mapping guessed); the
mapping page queues `registry.tasks.check_import` (every row checked: the preview's counts and first rows
kept on the batch, every failed row in a CSV file beside it); the preview's button queues
`registry.tasks.import_batch` (checked again and written). The pages only poll the batch.

Progress is written through a connection of its own, so the page polling it sees it move even while an
"all or nothing" import is still inside its one transaction. If a worker dies mid-job, another takes the
task up (umkm_portal.worker) and runs it again: reading and checking write only the batch, and the upsert
makes a second import finish the first without doubling anything. Each run claims the batch with its
start time; a run that finds another has claimed the batch since stops before writing more.
"""

import io
import logging
import tempfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connections, transaction
from django.utils import timezone, translation

from registry.background import Superseded, retry_or_fail
from registry.imports import check_rows, guess_mapping, import_rows, read_sheet, write_failed_rows
from registry.models import ImportBatch, ImportColumnMemory
from registry.signals import import_finished

logger = logging.getLogger(__name__)
_PROGRESS_SQL = "UPDATE registry_importbatch SET processed_rows = %s WHERE id = %s AND started_at = %s"
# The preview lists this many failed rows and rows with notes; the failed rows' file holds them all.
PREVIEW_ROWS = 200
Status = ImportBatch.Status


#
# Starting (in the request: a few quick writes, never the file's rows)
#


@transaction.atomic
def receive_upload(upload, *, by):
    """Store the uploaded file (Django has spooled it to a temporary file; the storage copies it in chunks,
    or moves it on a local disk) and queue its reading; return the new batch."""
    from registry.tasks import read_import

    language = translation.get_language() or settings.LANGUAGE_CODE  # the worker writes its messages in it
    batch = ImportBatch(user=by, filename=upload.name[:200], status=Status.READING, language=language)
    batch.file.save(upload.name, upload, save=False)
    batch.save()
    read_import.enqueue(batch.pk)
    return batch


@transaction.atomic
def read_sheet_again(batch, *, sheet):
    """Have a worker read another sheet of the workbook (the mapping is guessed anew); return whether queued."""
    from registry.tasks import read_import

    queued = ImportBatch.objects.filter(pk=batch.pk, status__in=[Status.NEW, Status.FAILED]).update(
        status=Status.READING, sheet=sheet, error="", processed_rows=0
    )
    if queued:
        read_import.enqueue(batch.pk)
    return bool(queued)


@transaction.atomic
def queue_check(batch, *, mapping, figures_year):
    """Store the mapping and have a worker check every row under it; return whether queued (not while the
    batch is being read, checked or imported)."""
    from registry.tasks import check_import

    queued = ImportBatch.objects.filter(pk=batch.pk, status__in=[Status.NEW, Status.FAILED]).update(
        status=Status.CHECKING,
        mapping={str(k): v for k, v in mapping.items()},
        figures_year=figures_year,
        error="",
        processed_rows=0,
        checked_at=None,
    )
    if queued:
        check_import.enqueue(batch.pk)
    return bool(queued)


def queue_import(batch, *, all_or_nothing):
    """Mark the batch queued and enqueue its task, in the request's transaction (once: a double submit
    queues nothing more); return whether it was queued."""
    from registry.tasks import import_batch

    retry = [Status.NEW, Status.FAILED]
    queued = ImportBatch.objects.filter(pk=batch.pk, status__in=retry).update(
        status=Status.QUEUED, all_or_nothing=all_or_nothing, error="", processed_rows=0
    )
    if queued:
        import_batch.enqueue(batch.pk)
    return bool(queued)


#
# The worker's part
#


def read_batch(batch):
    """The batch's file read again: its sheet, header row and data rows."""
    with batch.file.open("rb") as handle:
        return read_sheet(handle.read(), batch.filename, sheet=batch.sheet)


def check_batch(batch, user=None, progress=None):
    """Every row of the batch checked as `user` (default: the uploader) would import it."""
    headers, rows = read_batch(batch)
    return check_rows(
        headers, rows, batch.column_mapping(), user or batch.user, year=batch.figures_year, progress=progress
    )


def _claim(batch, status):
    """Claim the batch for this run if it is (still) in `status`; return (the run's rows queryset, start) or None."""
    started = timezone.now()
    if not ImportBatch.objects.filter(pk=batch.pk, status=status).update(started_at=started, processed_rows=0):
        return None
    return ImportBatch.objects.filter(pk=batch.pk, started_at=started, status=status), started


def run_read(batch, *, attempt=1):
    """Read the batch's file: its sheets, header row and rows, the mapping guessed (with the columns the
    uploader mapped before). A file that cannot be read says why on the batch."""
    from registry.tasks import read_import

    claim = _claim(batch, Status.READING)
    if not claim:
        return batch
    mine, _ = claim
    try:
        sheet = read_batch(batch)
    except ValidationError as error:
        mine.update(status=Status.UNREADABLE, error=" ".join(error.messages)[:500])
    except Exception as error:
        queued = {"status": Status.READING, "error": RETRY_MESSAGE}
        failed = {"status": Status.UNREADABLE, "error": READ_FAILED_MESSAGE}
        retry_or_fail(
            error, task=read_import, job_id=batch.pk, attempt=attempt, mine=mine, queued=queued, failed=failed
        )
    else:
        remembered = dict(ImportColumnMemory.objects.filter(user=batch.user).values_list("header", "target"))
        mine.update(
            status=Status.NEW,
            error="",
            sheet=sheet.sheet_name,
            sheet_names=sheet.sheet_names,
            headers=sheet.headers,
            mapping={str(k): v for k, v in guess_mapping(sheet.headers, remembered).items()},
            total_rows=len(sheet.rows),
            processed_rows=len(sheet.rows),
            header_line=sheet.header_line,
            skipped_lines=[number for number, _ in sheet.skipped],
            preview={},
            checked_at=None,
        )
    batch.refresh_from_db()
    return batch


def run_check(batch, *, attempt=1):
    """Check every row under the batch's mapping: the preview (counts, the first failed rows and notes) is
    kept on the batch and every failed row goes to a CSV file beside it."""
    from registry.tasks import check_import

    claim = _claim(batch, Status.CHECKING)
    if not claim:
        return batch
    mine, started = claim
    progress = _Progress(batch.pk, started)
    try:
        results = check_batch(batch, progress=progress)
        _keep_preview(batch, results, mine, status=Status.NEW)
    except Superseded:
        logger.warning("import batch %s: another check took it over; this one stops", batch.pk)
    except ValidationError as error:  # the file or the mapping, as the page should say
        mine.update(status=Status.NEW, error=" ".join(error.messages)[:500])
    except Exception as error:
        queued = {"status": Status.CHECKING, "error": RETRY_MESSAGE}
        failed = {"status": Status.NEW, "error": CHECK_FAILED_MESSAGE}
        retry_or_fail(
            error, task=check_import, job_id=batch.pk, attempt=attempt, mine=mine, queued=queued, failed=failed
        )
    finally:
        progress.close()
    batch.refresh_from_db()
    return batch


def preview_of(results):
    """What the preview page shows of checked (or imported) rows: the counts, and the first PREVIEW_ROWS
    failed rows and rows with notes, each with its line in the file."""
    failed = [result for result in results if not result.ok]
    warned = [result for result in results if result.ok and result.warnings]
    repeated = sum(1 for result in results if result.ok and result.duplicate_of is not None)
    return {
        "total": len(results),
        "valid": len(results) - len(failed) - repeated,
        "failed_count": len(failed),
        "warned_count": len(warned),
        "repeated": repeated,
        "failed": [{"number": result.number, "errors": result.errors} for result in failed[:PREVIEW_ROWS]],
        "warned": [{"number": result.number, "warnings": result.warnings} for result in warned[:PREVIEW_ROWS]],
    }


def _keep_preview(batch, results, mine, **fields):
    """Store the preview of `results` and their failed rows' file on the batch, with `fields`, if this run
    still holds the batch (else raise Superseded); the previous failed rows' file goes once committed."""
    preview = preview_of(results)
    name = ""
    if preview["failed_count"]:
        with tempfile.TemporaryFile() as spool:
            text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
            write_failed_rows(batch.headers, results, text)
            text.flush()
            spool.seek(0)
            storage = batch.failed_file.storage
            name = storage.save(batch.failed_file.field.generate_filename(batch, "gagal.csv"), File(spool))
            text.detach()
    old = ImportBatch.objects.filter(pk=batch.pk).values_list("failed_file", flat=True).first()
    updated = mine.update(
        preview=preview, failed_file=name, checked_at=timezone.now(), processed_rows=len(results), **fields
    )
    if not updated:
        if name:
            batch.failed_file.storage.delete(name)
        raise Superseded(batch.pk)
    if old and old != name:
        storage = batch.failed_file.storage
        transaction.on_commit(lambda: storage.delete(old))


def run_import(batch, *, attempt=1):
    """Check and write the batch's rows; the outcome is stored on the batch, never left running, with the
    preview of the rows as this run checked them (and the rows the database refused among the failed).
    An all-or-nothing import with failed rows writes nothing and goes back to "not imported".
    A database or storage that did not answer queues the batch again for later (registry.background)."""
    from registry.tasks import import_batch

    started = timezone.now()
    claimed = ImportBatch.objects.filter(pk=batch.pk, status__in=[Status.QUEUED, Status.RUNNING]).update(
        status=Status.RUNNING, started_at=started, processed_rows=0
    )
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
        batch.results = results  # for the caller (import_sheet --json); not stored
        batch.summary = {**vars(summary), "refused": {str(r.number): r.refused for r in results if r.refused}}
        if batch.all_or_nothing and summary.failed:
            batch.status = Status.NEW
            batch.error = f"Tidak ada yang diimpor: {summary.failed} baris gagal. Perbaiki lalu unggah lagi."
        else:
            batch.status, batch.imported_at = Status.DONE, timezone.now()
        fields = {field: getattr(batch, field) for field in ["summary", "status", "error", "imported_at"]}
        _keep_preview(batch, results, mine, **fields)
    except Superseded:
        logger.warning("import batch %s: another run took it over; this one stops", batch.pk)
        return batch
    except Exception as error:
        queued = {"status": Status.QUEUED, "error": RETRY_MESSAGE}
        failed = {"status": Status.FAILED, "error": FAILED_MESSAGE}
        retry_or_fail(
            error, task=import_batch, job_id=batch.pk, attempt=attempt, mine=mine, queued=queued, failed=failed
        )
        batch.refresh_from_db()
        return batch
    finally:
        progress.close()
    batch.processed_rows = len(results)
    if batch.status == Status.DONE:
        # Listeners (the dashboard's summary) catch up now, while the user waits for the import anyway.
        for receiver, error in import_finished.send_robust(sender=ImportBatch, batch=batch):
            if isinstance(error, Exception):
                logger.error("after import batch %s, %s failed: %r", batch.pk, receiver, error)
    return batch


FAILED_MESSAGE = "Impor gagal di tengah jalan. Coba lagi atau hubungi admin."
RETRY_MESSAGE = "Basis data atau penyimpanan belum menjawab; dicoba lagi sebentar lagi."
READ_FAILED_MESSAGE = "Berkas gagal dibaca di tengah jalan. Unggah lagi atau hubungi admin."
CHECK_FAILED_MESSAGE = "Pemeriksaan baris gagal di tengah jalan. Periksa lagi atau hubungi admin."


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
    """The batch's import task failed outside run_import (its workers kept dying): say so on the batch."""
    ImportBatch.objects.filter(pk=batch_id, status__in=[Status.QUEUED, Status.RUNNING]).update(
        status=Status.FAILED, error=FAILED_MESSAGE
    )


def mark_read_failed(batch_id):
    """The batch's reading task failed outside run_read: the file is taken as unreadable."""
    ImportBatch.objects.filter(pk=batch_id, status=Status.READING).update(
        status=Status.UNREADABLE, error=READ_FAILED_MESSAGE
    )


def mark_check_failed(batch_id):
    """The batch's checking task failed outside run_check: the mapping page offers the check again."""
    ImportBatch.objects.filter(pk=batch_id, status=Status.CHECKING).update(
        status=Status.NEW, error=CHECK_FAILED_MESSAGE
    )
