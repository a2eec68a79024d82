from django.contrib import admin
from django.contrib.auth import get_user_model

from programs.models import Bank, BankOfficer
from registry.admin import UserAdmin as RegistryUserAdmin


@admin.register(Bank)
class BankAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name"]
    search_fields = ["short_name", "name"]


@admin.register(BankOfficer)
class BankOfficerAdmin(admin.ModelAdmin):
    list_display = ["user", "bank", "created_at"]
    list_filter = ["bank"]
    list_select_related = ["user", "bank"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "bank__short_name"]
    autocomplete_fields = ["user", "bank"]
    readonly_fields = ["created_at"]


class BankOfficerInline(admin.StackedInline):
    model = BankOfficer
    extra = 0
    max_num = 1
    autocomplete_fields = ["bank"]
    readonly_fields = ["created_at"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(RegistryUserAdmin):
    """The registry's user page plus the bank an officer works for (programs may import registry)."""

    inlines = [*RegistryUserAdmin.inlines, BankOfficerInline]
