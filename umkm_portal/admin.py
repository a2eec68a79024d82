from django.contrib import admin

from registry.admin import ReadOnlyAdmin
from umkm_portal.models import EnrolmentCode, PasswordResetRequest, RateCount, ScheduledRun, WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    """The workers running now (a clean stop removes its row) and when each last said it was alive."""

    list_display = ["worker_id", "host", "pid", "started_at", "beat_at"]


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnlyAdmin):
    """Each slot of each scheduled job (umkm_portal.schedule), run once; its task is under "Task Results"."""

    list_display = ["slot", "name", "task_id", "created_at"]
    list_filter = ["name"]


@admin.register(EnrolmentCode)
class EnrolmentCodeAdmin(ReadOnlyAdmin):
    """Authenticator enrolment codes issued (by the user admin's action or `manage.py issue_enrolment_code`): who,
    by whom, until when, and whether used. The code itself is never stored."""

    list_display = ["user", "issued_by", "created_at", "expires_at", "used_at"]
    list_select_related = ["user", "issued_by"]
    search_fields = ["user__username"]
    fields = ["user", "issued_by", "created_at", "expires_at", "used_at"]


@admin.register(PasswordResetRequest)
class PasswordResetRequestAdmin(ReadOnlyAdmin):
    """Password-reset e-mails asked for in the last hour or so (the rate limit's memory; pruned daily)."""

    list_display = ["requested_at", "ip_address"]
    search_fields = ["ip_address"]
    fields = ["requested_at", "ip_address"]


@admin.register(RateCount)
class RateCountAdmin(ReadOnlyAdmin):
    """The public pages' rate limits counting now (on the database cache only; keys are digests, pruned daily)."""

    list_display = ["key", "hits", "window_ends_at"]
    fields = ["key", "hits", "window_ends_at"]
