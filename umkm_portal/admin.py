from django.contrib import admin

from registry.admin import ReadOnlyAdmin
from umkm_portal.models import ScheduledRun, WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    """The workers running now (a clean stop removes its row) and when each last said it was alive."""

    list_display = ["worker_id", "host", "pid", "started_at", "beat_at"]


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnlyAdmin):
    """Each slot of each scheduled job (umkm_portal.schedule), run once; its task is under "Task Results"."""

    list_display = ["slot", "name", "task_id", "created_at"]
    list_filter = ["name"]
