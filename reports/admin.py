from django.contrib import admin

from registry.admin import ReadOnlyAdmin
from reports.models import OfficialCount, ReportJob, Snapshot, Tally, TallyDirty, TallyGeneration


@admin.register(OfficialCount)
class OfficialCountAdmin(admin.ModelAdmin):
    """Published counts, as loaded; they enter and change only through reports.official (the upload page or
    `manage.py load_official_counts`), so here they are read and, when loaded by mistake, deleted."""

    list_display = ["kabupaten", "year", "measure", "value", "unit", "source", "loaded_by", "loaded_at"]
    list_filter = ["year", "measure", "kabupaten__provinsi"]
    list_select_related = ["kabupaten", "loaded_by"]
    search_fields = ["kabupaten__name", "kabupaten__code", "measure", "source"]
    autocomplete_fields = ["kabupaten"]
    readonly_fields = ["loaded_by", "loaded_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    """Frozen official figures: they never change once frozen (reports.snapshots)."""

    list_display = ["as_of", "kabupaten", "title", "created_by", "created_at"]
    list_filter = ["as_of"]
    list_select_related = ["kabupaten", "created_by"]
    search_fields = ["title", "kabupaten__name"]


@admin.register(ReportJob)
class ReportJobAdmin(ReadOnlyAdmin):
    """Background exports and their state; the file (personal data) is downloaded only by who asked for it."""

    list_display = ["created_at", "user", "kind", "status", "total", "done", "finished_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["user"]
    fields = ["user", "kind", "params", "status", "total", "done", "error", "created_at", "started_at", "finished_at"]


@admin.register(Tally)
class TallyAdmin(ReadOnlyAdmin):
    """The dashboard's summary: written only by the worker's recount (reports.tally)."""

    list_display = ["kecamatan", "category", "guided", "measure", "bucket", "n", "amount"]
    list_filter = ["measure", "guided", "category"]
    search_fields = ["kecamatan"]


@admin.register(TallyDirty)
class TallyDirtyAdmin(ReadOnlyAdmin):
    """Cells a write has marked and the worker has not recounted yet (none, most of the time)."""

    list_display = ["kecamatan", "category", "guided", "txid"]


@admin.register(TallyGeneration)
class TallyGenerationAdmin(ReadOnlyAdmin):
    """When the summary was last recounted."""

    list_display = ["number", "counted_at"]
