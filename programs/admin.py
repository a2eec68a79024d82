from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from programs.models import (
    Attendance,
    Bank,
    BankOfficer,
    BankReferral,
    BankReferralEvent,
    CatalogueFile,
    CurationCall,
    CurationCriterion,
    CurationScore,
    CurationSubmission,
    Enrollment,
    ExportFacilitation,
    Listing,
    ListingConsent,
    Mentor,
    MentoringVisit,
    Placement,
    PlacementSalesNote,
    Training,
    TrainingSession,
)
from registry.admin import EstimatedCountPaginator, ProvenanceAdmin
from registry.admin import UserAdmin as RegistryUserAdmin

# Written by programs.services only (cancel_*, reschedule_*).
SCHEDULE_FIELDS = [
    "cancelled_at",
    "cancelled_by",
    "cancel_reason",
    "rescheduled_at",
    "rescheduled_from",
    "reschedule_reason",
]


class CreatedByAdmin(ProvenanceAdmin):
    """For records whose required `created_by` is read-only in the admin: the admin adding one is its author."""

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Bank)
class BankAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "nationwide"]
    list_filter = ["nationwide"]
    search_fields = ["short_name", "name"]
    filter_horizontal = ["provinces", "kabupaten"]


@admin.register(BankOfficer)
class BankOfficerAdmin(admin.ModelAdmin):
    list_display = ["user", "bank", "kabupaten", "created_at"]
    list_filter = ["bank"]
    list_select_related = ["user", "bank", "kabupaten"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "bank__short_name"]
    autocomplete_fields = ["user", "bank", "kabupaten"]
    readonly_fields = ["created_at", "created_by"]


class BankOfficerInline(admin.StackedInline):
    model = BankOfficer
    fk_name = "user"
    extra = 0
    max_num = 1
    autocomplete_fields = ["bank", "kabupaten"]
    readonly_fields = ["created_at", "created_by"]


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
class BankReferralAdmin(ProvenanceAdmin):
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


@admin.register(Mentor)
class MentorAdmin(admin.ModelAdmin):
    list_display = ["name", "affiliation", "institution"]
    list_filter = ["affiliation"]
    search_fields = ["name", "institution"]


class TrainingSessionInline(admin.TabularInline):
    model = TrainingSession
    extra = 0


@admin.register(Training)
class TrainingAdmin(CreatedByAdmin):
    list_display = ["title", "kind", "kabupaten", "start_on", "end_on", "capacity"]
    list_filter = ["kind", "kabupaten"]
    list_select_related = ["kabupaten"]
    search_fields = ["title", "organiser"]
    autocomplete_fields = ["kabupaten", "target_kecamatan", "mentors"]
    readonly_fields = ["created_by", "created_at", *SCHEDULE_FIELDS]
    inlines = [TrainingSessionInline]


@admin.register(Enrollment)
class EnrollmentAdmin(ProvenanceAdmin):
    """Read and search participants; confirmation goes through programs.services (capacity is guarded there)."""

    list_display = ["business", "training", "status", "pre_score", "post_score", "completed_at"]
    list_filter = ["status"]
    list_select_related = ["business", "training"]
    search_fields = ["business__name", "training__title"]
    autocomplete_fields = ["business", "training"]
    readonly_fields = ["status", "nominated_by", "nominated_at", "decided_by", "decided_at", "completed_at"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["enrollment", "session", "present", "marked_by", "marked_at"]
    list_filter = ["present"]
    list_select_related = ["enrollment__business", "session", "marked_by"]
    search_fields = ["enrollment__business__name"]
    readonly_fields = ["enrollment", "session", "marked_by", "marked_at"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False


@admin.register(MentoringVisit)
class MentoringVisitAdmin(CreatedByAdmin):
    list_display = ["business", "visited_on", "topic", "mentor", "follow_up_on", "follow_up_done"]
    list_filter = ["follow_up_done"]
    list_select_related = ["business", "mentor"]
    search_fields = ["business__name", "topic"]
    autocomplete_fields = ["business", "mentor"]
    readonly_fields = ["created_by", "created_at"]
    show_full_result_count = False


class CurationScoreInline(admin.TabularInline):
    model = CurationScore
    extra = 0
    can_delete = False
    fields = ["criterion", "score", "curator", "scored_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class PlacementSalesNoteInline(admin.TabularInline):
    model = PlacementSalesNote
    extra = 0


class CurationCriterionInline(admin.TabularInline):
    model = CurationCriterion
    extra = 0


@admin.register(CurationCall)
class CurationCallAdmin(CreatedByAdmin):
    list_display = ["title", "channel", "kabupaten", "opens_on", "closes_on"]
    list_filter = ["channel", "kabupaten"]
    list_select_related = ["kabupaten"]
    search_fields = ["title", "partner"]
    autocomplete_fields = ["kabupaten"]
    readonly_fields = ["created_by", "created_at", *SCHEDULE_FIELDS]
    inlines = [CurationCriterionInline]


@admin.register(CurationSubmission)
class CurationSubmissionAdmin(ProvenanceAdmin):
    """Read and search; decisions go through programs.services (a pass needs scores and documents)."""

    list_display = ["product", "call", "decision", "total_score", "submitted_at"]
    list_filter = ["decision"]
    list_select_related = ["product", "call"]
    search_fields = ["product__name", "product__business__name", "call__title"]
    readonly_fields = [
        "call",
        "product",
        "decision",
        "feedback",
        "missing_documents",
        "total_score",
        "submitted_by",
        "submitted_at",
        "decided_by",
        "decided_at",
    ]
    inlines = [CurationScoreInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False


@admin.register(Placement)
class PlacementAdmin(ProvenanceAdmin):
    list_display = ["submission", "partner", "starts_on", "ends_on", "status"]
    list_filter = ["status"]
    list_select_related = ["submission__product"]
    search_fields = ["partner", "submission__product__name"]
    readonly_fields = ["submission", "created_by", "created_at"]
    inlines = [PlacementSalesNoteInline]

    def has_add_permission(self, request):
        return False


@admin.register(ExportFacilitation)
class ExportFacilitationAdmin(CreatedByAdmin):
    list_display = ["business", "year", "country", "buyer", "value", "organiser"]
    list_filter = ["year", "country"]
    list_select_related = ["business"]
    search_fields = ["business__name", "buyer"]
    autocomplete_fields = ["business", "product"]
    readonly_fields = ["created_by", "created_at"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read and search only: every write goes through programs.catalogue_services, which checks the guards
    and forgets the public catalogue's cached copies."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ListingConsent)
class ListingConsentAdmin(ReadOnlyAdmin):
    list_display = ["business", "contact_channel", "recorded_by", "recorded_at", "withdrawn_at"]
    list_filter = [("withdrawn_at", admin.EmptyFieldListFilter), "contact_channel"]
    list_select_related = ["business", "recorded_by"]
    search_fields = ["business__name", "business__kecamatan__name", "evidence"]
    date_hierarchy = "recorded_at"


@admin.register(Listing)
class ListingAdmin(ReadOnlyAdmin):
    list_display = ["product", "business", "price_from", "price_to", "export_ready", "listed_at", "unlisted_at"]
    list_filter = ["export_ready", ("unlisted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["product__business"]
    search_fields = ["product__name", "product__business__name", "product__business__kecamatan__name"]

    @admin.display(description=_("usaha"), ordering="product__business__name")
    def business(self, listing):
        return listing.product.business


@admin.register(CatalogueFile)
class CatalogueFileAdmin(admin.ModelAdmin):
    """Printable catalogues and buyer-desk sheets and their builds, read only: the worker writes them
    (programs.catalogue_files), the hourly sweep removes the old ones."""

    list_display = ["created_at", "kabupaten", "format", "language", "day", "status", "total", "finished_at"]
    list_filter = ["status", "format", "language"]
    list_select_related = ["kabupaten"]
    search_fields = ["kabupaten__name", "kabupaten__code"]
    fields = ["kabupaten", "format", "language", "day", "filters", "site", "generation", "status", "total"]
    fields += ["done", "error", "created_at", "started_at", "finished_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
