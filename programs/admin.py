from django.contrib import admin
from django.contrib.auth import get_user_model

from programs.models import Bank, BankOfficer, BankReferral, BankReferralEvent
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


class BankReferralEventInline(admin.TabularInline):
    model = BankReferralEvent
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(BankReferral)
class BankReferralAdmin(admin.ModelAdmin):
    """Read and search referrals; their status moves only through the workflow (programs.services)."""

    list_display = ["business", "bank", "credit_product", "amount_requested", "status", "created_at"]
    list_filter = ["status", "bank", "credit_product"]
    list_select_related = ["business", "bank"]
    search_fields = ["business__name", "business__owner__name"]
    autocomplete_fields = ["business", "bank"]
    readonly_fields = [
        "status",
        "amount_approved",
        "amount_disbursed",
        "disbursed_on",
        "decision_note",
        "referred_by",
        "created_at",
        "updated_at",
    ]
    inlines = [BankReferralEventInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False
