from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from registry.models import AreaAssignment, Desa, Kabupaten, Kecamatan, Provinsi

admin.site.site_header = "UMKM Portal · Admin data"
admin.site.site_title = "UMKM Portal"
admin.site.index_title = "Pengelolaan data"


@admin.register(Provinsi)
class ProvinsiAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Kabupaten)
class KabupatenAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "provinsi"]
    list_filter = ["kind", "provinsi"]
    list_select_related = ["provinsi"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["provinsi"]


@admin.register(Kecamatan)
class KecamatanAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kabupaten"]
    list_select_related = ["kabupaten"]
    search_fields = ["code", "name", "kabupaten__name"]
    autocomplete_fields = ["kabupaten"]
    show_full_result_count = False


@admin.register(Desa)
class DesaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "postal_code", "kecamatan"]
    list_filter = ["kind"]
    list_select_related = ["kecamatan"]
    search_fields = ["code", "name", "postal_code"]
    autocomplete_fields = ["kecamatan"]
    show_full_result_count = False


@admin.register(AreaAssignment)
class AreaAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "kabupaten", "kecamatan", "created_at"]
    list_select_related = ["user", "kabupaten", "kecamatan"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "kabupaten__name", "kecamatan__name"]
    autocomplete_fields = ["user", "kabupaten", "kecamatan"]
    readonly_fields = ["created_at"]


class AreaAssignmentInline(admin.TabularInline):
    model = AreaAssignment
    extra = 0
    autocomplete_fields = ["kabupaten", "kecamatan"]
    readonly_fields = ["created_at"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users with their role (group) and area assignments on one page."""

    inlines = [AreaAssignmentInline]
    list_display = ["username", "first_name", "last_name", "is_active", "is_staff", "role_names"]
    list_filter = ["groups", "is_active", "is_staff", "is_superuser"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="peran")
    def role_names(self, obj):
        return ", ".join(group.name for group in obj.groups.all()) or ("Admin" if obj.is_superuser else "-")
