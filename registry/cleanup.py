"""Removing stored files nobody needs any more: old import files, old export files, and orphans.

Scheduled on the worker (and `manage.py cleanup_files`). Each function is idempotent and safe to run
from two processes at once: a row is cleared only where it still names the file (so only one process
wins it), deleting a file that is already gone is no error, and a file is listed through
`storage.listdir` only, which works on the local folder and on S3 alike.
"""

import datetime

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone

from registry.models import ImportBatch
from umkm_portal.storage import walk_files

# The folders the portal's upload_to functions write into; a file anywhere else is not ours to remove.
PORTAL_FOLDERS = ("products", "documents", "impor", "reports", "katalog")
# A file younger than this is never an orphan: its row may not be committed yet (upload, then save).
ORPHAN_MIN_AGE = datetime.timedelta(days=1)
_CHUNK = 500


def _clear_files(queryset, *, dry_run, field="file"):
    """Clear the file `field` of each row in `queryset` and delete the file; return how many were removed."""
    model = queryset.model
    storage = model._meta.get_field(field).storage
    removed = 0
    for pk, name in queryset.exclude(**{field: ""}).values_list("pk", field).iterator():
        if dry_run:
            removed += 1
            continue
        # The row first, and only while it still names this file: of two cleanups one wins. A crash
        # before the delete leaves an orphan, which remove_orphan_files takes a day later.
        if queryset.filter(**{"pk": pk, field: name}).update(**{field: ""}):
            storage.delete(name)
            removed += 1
    return removed


def remove_old_import_files(*, older_than, dry_run=False):
    """Delete the files of import batches uploaded before `older_than` (the file and its failed rows' file);
    the batch and its summary stay.

    A batch that a worker reads, checks or imports keeps its files: the worker still reads them."""
    batches = ImportBatch.objects.filter(created_at__lt=older_than).exclude(status__in=ImportBatch.WORKING)
    return _clear_files(batches, dry_run=dry_run) + _clear_files(batches, dry_run=dry_run, field="failed_file")


def remove_old_export_files(*, older_than, dry_run=False):
    """Delete the files of report jobs asked for before `older_than`; the job row stays (its page says so)."""
    ReportJob = apps.get_model("reports", "ReportJob")  # by name: registry never imports the apps built on it
    jobs = ReportJob.objects.filter(created_at__lt=older_than).exclude(
        status__in=[ReportJob.Status.QUEUED, ReportJob.Status.RUNNING]
    )
    return _clear_files(jobs, dry_run=dry_run)


def _file_columns():
    """(model, field name) of every file column, with the history tables beside them (django-simple-history
    keeps a file's name there as text): an old scan named by a document's history is still that document's."""
    columns = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                columns.append((model, field.name))
                history = getattr(model, "history", None)
                if history is not None:
                    columns.append((history.model, field.name))
    return columns


def _referenced(names):
    """The subset of `names` that some row (of any model, soft-deleted or historical) names."""
    found = set()
    for model, field in _file_columns():
        found.update(model._base_manager.filter(**{f"{field}__in": names}).values_list(field, flat=True))
    return found


def _modified_at(storage, name):
    """When the file was written, or None if it is gone (another cleanup removed it meanwhile)."""
    try:
        return storage.get_modified_time(name)
    except Exception:
        if storage.exists(name):  # S3 reports a missing key as a ClientError; anything else is real
            raise
        return None


def remove_orphan_files(*, older_than, dry_run=False, storage=None):
    """Delete files under the portal's folders that no row names and that were written before `older_than`."""
    storage = storage or ImportBatch._meta.get_field("file").storage
    removed = 0
    for folder in PORTAL_FOLDERS:
        chunk = []
        for name in walk_files(storage, folder):
            chunk.append(name)
            if len(chunk) >= _CHUNK:
                removed += _remove_unreferenced(storage, chunk, older_than, dry_run)
                chunk = []
        removed += _remove_unreferenced(storage, chunk, older_than, dry_run)
    return removed


def _remove_unreferenced(storage, names, older_than, dry_run):
    removed = 0
    referenced = _referenced(names) if names else set()
    for name in names:
        if name in referenced:
            continue
        modified = _modified_at(storage, name)
        if modified is None or modified >= older_than:
            continue
        if not dry_run:
            storage.delete(name)
        removed += 1
    return removed


def cleanup_files(*, now=None, dry_run=False, orphans=True):
    """Run the three cleanups with the configured retention (without the orphan sweep when not `orphans`: on
    S3 it lists every folder, so the workers run it weekly); return {what: how many files removed}."""
    now = now or timezone.now()
    removed = {
        "imports": remove_old_import_files(
            older_than=now - datetime.timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS), dry_run=dry_run
        ),
        "exports": remove_old_export_files(
            older_than=now - datetime.timedelta(days=settings.EXPORT_FILE_RETENTION_DAYS), dry_run=dry_run
        ),
    }
    if orphans:
        removed["orphans"] = remove_orphan_files(older_than=now - ORPHAN_MIN_AGE, dry_run=dry_run)
    return removed
