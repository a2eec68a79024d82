from django.contrib import admin

from reports.models import OfficialCount


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
