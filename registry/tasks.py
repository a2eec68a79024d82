"""The registry's background tasks (Django's Tasks API), worked off by `manage.py run_worker`."""

import datetime

from django.conf import settings
from django.tasks import task
from django.utils import timezone, translation

from registry import cleanup, import_jobs, once, services
from registry.models import ImportBatch


@task()
def read_import(batch_id, attempt=1):
    """Read an uploaded sheet: its sheets, header row and rows, the mapping guessed (import_jobs.run_read)."""
    batch = ImportBatch.objects.get(pk=batch_id)
    with translation.override(batch.language):  # its messages in the uploader's language
        return import_jobs.run_read(batch, attempt=attempt).status


@task()
def check_import(batch_id, attempt=1):
    """Check every row of an uploaded sheet for its preview (registry.import_jobs.run_check)."""
    batch = ImportBatch.objects.get(pk=batch_id)
    with translation.override(batch.language):  # each row's errors in the uploader's language
        return import_jobs.run_check(batch, attempt=attempt).status


@task()
def import_batch(batch_id, attempt=1):
    """Write an uploaded sheet's rows (registry.import_jobs.run_import); return the batch's status."""
    batch = ImportBatch.objects.get(pk=batch_id)
    with translation.override(batch.language):
        return import_jobs.run_import(batch, attempt=attempt).status


@task()
def purge_deleted():
    """Destroy what was soft-deleted longer ago than DELETED_RETENTION_DAYS (scheduled daily)."""
    older_than = timezone.now() - datetime.timedelta(days=settings.DELETED_RETENTION_DAYS)
    purged, owners, kept = services.purge_deleted(older_than=older_than)
    return {"businesses": purged, "owners": owners, "kept": len(kept)}


@task()
def forget_sent_forms():
    """Drop creating forms' one-time tokens older than a week (scheduled daily): a form is not resent later."""
    return once.forget_old(older_than=timezone.now() - once.KEPT_FOR)


@task()
def remove_old_files():
    """Delete import and export files past their retention (scheduled daily)."""
    return cleanup.cleanup_files(orphans=False)


@task()
def remove_orphan_files():
    """Delete stored files no row names any more, a day old or older (scheduled weekly)."""
    return cleanup.remove_orphan_files(older_than=timezone.now() - cleanup.ORPHAN_MIN_AGE)
