"""The registry's background tasks (Django's Tasks API), worked off by `manage.py run_worker`."""

import datetime

from django.conf import settings
from django.tasks import TaskResultStatus, task
from django.utils import timezone

from registry import import_jobs, services
from registry.models import ImportBatch


@task()
def import_batch(batch_id, attempt=1):
    """Write an uploaded sheet's rows (registry.import_jobs.run_import); return the batch's status."""
    batch = import_jobs.run_import(ImportBatch.objects.get(pk=batch_id), attempt=attempt)
    return batch.status


@task()
def purge_deleted():
    """Destroy what was soft-deleted longer ago than DELETED_RETENTION_DAYS (scheduled daily)."""
    older_than = timezone.now() - datetime.timedelta(days=settings.DELETED_RETENTION_DAYS)
    purged, owners, kept = services.purge_deleted(older_than=older_than)
    return {"businesses": purged, "owners": owners, "kept": len(kept)}


def mark_failed_job(sender, task_result, **kwargs):
    """A task that failed outside its own error handling (its workers kept dying) fails its batch too."""
    if task_result.status == TaskResultStatus.FAILED and task_result.task.module_path == import_batch.module_path:
        import_jobs.mark_failed(task_result.args[0])
