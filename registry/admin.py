from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from registry.duplicates import (
    business_candidates,
    merge,
    not_a_duplicate,
    owner_candidates,
    related_rows,
    what_moves,
)
from registry.filtersets import business_matches, product_matches
from registry.history import MaskedHistoryHelper, masked
from registry.models import (
    AccessLog,
    AreaAssignment,
    Business,
    BusinessGroup,
    Desa,
    DuplicateDecision,
    ExportValue,
    ImportBatch,
    Kabupaten,
    Kecamatan,
    LegalDocument,
    MergeRecord,
    Owner,
    Product,
    ProductPhoto,
    Provenance,
    Provinsi,
    RegistrationDraft,
    Source,
    YearlyFigure,
)
from registry.roles import ADMIN, ROLE_LABELS
from registry.search import estimated_rows, name_matches, searchable
from registry.services import delete_owner, restore_business, restore_owner, set_groups, verify_business
from registry.subject import owner_rows, subject_report
from registry.validators import digits_only
from umkm_portal.accounts import issue_enrolment_code

admin.site.site_header = _("UMKM Portal · Admin data")
admin.site.site_title = "UMKM Portal"
admin.site.index_title = _("Pengelolaan data")


class EstimatedCountPaginator(Paginator):
    """Admin pages without COUNT(*) over a million rows: an exact count up to EXACT_UP_TO rows, above
    that the planner's estimate, shown as the count (pages and links work the same)."""

    EXACT_UP_TO = 10_000

    @cached_property
    def count(self):
        rows = self.object_list
        exact = rows.order_by().values("pk")[: self.EXACT_UP_TO + 1].count()
        if exact <= self.EXACT_UP_TO:
            return exact
        return max(exact, estimated_rows(rows))


class KeyedSearchMixin:
    """The search box through the portal's search keys (registry.search.name_matches, the lists' search), whose
    trigram indexes serve it, instead of Django's `icontains` on each of `search_fields`, which read every row:
    a business's name took 1.7 s at a million businesses, 2 to 90 ms here; a word in 200,000 names 1.9 s, 0.4 to
    1 s here (docs/performance.md). Case- and accent-blind, the words as a phrase, as in the portal's lists; the
    number fields exactly, whole. The autocomplete fields that point at these models search the same way.
    `search_fields` stays, for the box and its help; `keyed_matches(term)` gives the ids of the rows found.
    A term without three letters or digits in a row ("cv") gives the indexes nothing to look up (the keys'
    search read every row twice over: 11 s): Django's own search takes it, as before (1.7 s)."""

    def get_search_results(self, request, queryset, search_term):
        term = " ".join(search_term.split())[:100]
        if not term:
            return queryset, False
        if not searchable(term):
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(pk__in=self.keyed_matches(term)), False


def _business_ids(term):
    """Ids of the businesses (deleted ones too) named `term`."""
    return name_matches(Business.all_objects.order_by(), term, similar=False).values("pk")


class ProvenanceAdminMixin:
    """Records an admin adds here, or in an inline, say they came from the admin (provenance)."""

    def save_model(self, request, obj, form, change):
        if not change:
            _from_admin(obj, request)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if inline_form.instance.pk is None:
                _from_admin(inline_form.instance, request)
        super().save_formset(request, form, formset, change)


def _from_admin(obj, request):
    if isinstance(obj, Provenance):
        obj.source = Source.ADMIN
        obj.source_ref = f"admin {request.user.get_username()}"[:200]


class ProvenanceAdmin(ProvenanceAdminMixin, SimpleHistoryAdmin):
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskedHistoryHelper(self.model, historical_record)


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


# A permission's name is stored once, by migrate, in no language ("Can change usaha": Django's English verb before
# the model's Indonesian name); the pickers show it in the reader's language instead.
PERMISSION_ACTIONS = {
    "add": _("Dapat menambah %(model)s"),
    "change": _("Dapat mengubah %(model)s"),
    "delete": _("Dapat menghapus %(model)s"),
    "view": _("Dapat melihat %(model)s"),
}


def permission_label(permission):
    """ "Registri UMKM | usaha | Dapat mengubah usaha" ("UMKM registry | business | Can change business"): the
    app, the model and the permission in the active language. A permission of the models' Meta.permissions reads
    its name through the catalogue; one whose model is gone reads as stored."""
    model = permission.content_type.model_class()
    if model is None:
        return str(permission)
    opts = model._meta
    action, _sep, model_name = permission.codename.partition("_")
    if action in PERMISSION_ACTIONS and model_name == opts.model_name:
        name = PERMISSION_ACTIONS[action] % {"model": opts.verbose_name}
    else:
        name = gettext(permission.name)
    return f"{opts.app_config.verbose_name} | {opts.verbose_name} | {name}"


class PermissionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


class PermissionLabels:
    """ModelAdmin mixin: its permission pickers (a group's, a user's) labelled by permission_label()."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["form_class"] = PermissionsField
            kwargs["queryset"] = Permission.objects.select_related("content_type")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(PermissionLabels, DjangoGroupAdmin):
    pass


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(PermissionLabels, DjangoUserAdmin):
    """Users with their role (group) and area assignments on one page."""

    inlines = [AreaAssignmentInline]
    list_display = ["username", "first_name", "last_name", "is_active", "is_staff", "role_names"]
    list_filter = ["groups", "is_active", "is_staff", "is_superuser"]
    actions = ["issue_enrolment_codes"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.action(
        description=_("Terbitkan kode pendaftaran autentikator (menghapus autentikator lama)"), permissions=["change"]
    )
    def issue_enrolment_codes(self, request, queryset):
        """Issue each chosen user (never oneself) a one-time code to set up a new authenticator; show them once.

        The codes are in this page only: not in a message (a cookie), not in a log."""
        issued = []
        for user in queryset.exclude(pk=request.user.pk).order_by("username"):
            issued.append((user, issue_enrolment_code(user, by=request.user)))
            note = gettext("Kode pendaftaran autentikator diterbitkan; autentikator lama dihapus.")
            self.log_change(request, user, note)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Kode pendaftaran autentikator"),
            "opts": self.model._meta,
            "issued": issued,
            "skipped_self": queryset.filter(pk=request.user.pk).exists(),
            "hours": settings.ENROLMENT_CODE_HOURS,
        }
        return TemplateResponse(request, "admin/auth/user/enrolment_codes.html", context)

    @admin.display(description=_("peran"))
    def role_names(self, obj):
        """The role groups by their label in the reader's language; other groups by their name."""
        labels = {name: ROLE_LABELS[role] for role, name in settings.UMKM_ROLE_GROUPS.items()}
        names = [str(labels.get(group.name, group.name)) for group in obj.groups.all()]
        return ", ".join(names) or (str(ROLE_LABELS[ADMIN]) if obj.is_superuser else "-")


#
# Registry records
#


class ProductInline(admin.TabularInline):
    model = Product
    extra = 0
    fields = ["name", "category", "price", "unit", "packaging"]
    show_change_link = True


class LegalDocumentInline(admin.TabularInline):
    model = LegalDocument
    extra = 0
    fields = ["kind", "number", "issued_on", "expires_on", "product", "scan"]
    autocomplete_fields = ["product"]


class YearlyFigureInline(admin.TabularInline):
    model = YearlyFigure
    extra = 0
    fields = ["year", "capital", "revenue", "assets", "workers", "size_class", "reported_size_class", "size_mismatch"]
    readonly_fields = ["size_class", "size_mismatch"]


def _shown(record, field):
    """A field's value for the side-by-side view, personal data masked as everywhere else."""
    value = getattr(record, field.name)
    if field.name in ("nik", "phone", "birth_date"):
        return masked(field.name, value)
    if field.choices:
        return getattr(record, f"get_{field.name}_display")()
    if isinstance(value, bool):
        return gettext("Ya") if value else gettext("Tidak")
    return "" if value is None else value


def _with_records(model, pairs):
    """Candidate pairs as (first, second, reason) records, read in one query, so the list can name them
    and show their key facts."""
    records = model.all_objects.filter(pk__in={pk for first, second, _ in pairs for pk in (first, second)})
    records = records.select_related("owner", "desa") if model is Business else records.select_related("desa")
    by_pk = {record.pk: record for record in records}
    return [(by_pk[first], by_pk[second], gettext(reason)) for first, second, reason in pairs]


class DeletedFilter(admin.SimpleListFilter):
    """Live records by default; deleted ones (to restore) on request."""

    title = _("status hapus")
    parameter_name = "dihapus"

    def lookups(self, request, model_admin):
        return [("ya", _("Dihapus")), ("semua", _("Semua"))]

    def queryset(self, request, queryset):
        if self.value() == "ya":
            return queryset.filter(deleted_at__isnull=False)
        if self.value() == "semua":
            return queryset
        return queryset.filter(deleted_at__isnull=True)


@admin.register(Owner)
class OwnerAdmin(KeyedSearchMixin, ProvenanceAdmin):
    list_display = ["name", "masked_nik", "sex", "kecamatan", "created_at", "deleted_at"]
    list_filter = [DeletedFilter, "sex", "education", "has_disability"]
    list_select_related = ["kecamatan"]
    # The owners' (name, id) index: the model's order by name, with the id Django adds descending, sorted the
    # rows of each name again (70 ms a page at a million owners).
    ordering = ["name", "pk"]
    # An exact NIK finds a person; the list itself never shows it in full (UU 27/2022).
    search_fields = ["name", "=nik"]
    autocomplete_fields = ["desa"]
    readonly_fields = ["source", "source_ref", "created_by", "created_at", "updated_at", "version"]
    show_full_result_count = False
    actions = ["soft_delete_selected", "restore_selected"]

    def has_delete_permission(self, request, obj=None):
        return False  # rows are destroyed only by `purge_deleted`; the action below marks them deleted

    @admin.action(description=_("Hapus (bisa dipulihkan) pelaku usaha dan usahanya"), permissions=["change"])
    def soft_delete_selected(self, request, queryset):
        done = 0
        for owner in queryset.filter(deleted_at__isnull=True):
            delete_owner(owner, reason=f"Dihapus di admin oleh {request.user.get_username()}", by=request.user)
            done += 1
        message = ngettext(
            "%(count)d pelaku usaha dihapus; pulihkan dengan tindakan 'Pulihkan'.",
            "%(count)d pelaku usaha dihapus; pulihkan dengan tindakan 'Pulihkan'.",
            done,
        )
        self.message_user(request, message % {"count": done})

    @admin.action(description=_("Pulihkan pelaku usaha yang dihapus (dengan usahanya)"), permissions=["change"])
    def restore_selected(self, request, queryset):
        done = 0
        for owner in queryset.filter(deleted_at__isnull=False):
            restore_owner(owner, by=request.user)
            done += 1
        message = ngettext("%(count)d pelaku usaha dipulihkan.", "%(count)d pelaku usaha dipulihkan.", done)
        self.message_user(request, message % {"count": done})

    @admin.display(description="NIK")
    def masked_nik(self, obj):
        return obj.masked_nik

    def get_queryset(self, request):
        return Owner.all_objects.select_related("kecamatan")

    def keyed_matches(self, term):
        number = digits_only(term)
        if number.isdigit() and len(number) == 16:
            return Owner.all_objects.filter(nik=number).values("pk")
        return name_matches(Owner.all_objects.order_by(), term, similar=False).values("pk")

    def get_urls(self):
        trail = path(
            "<int:pk>/jejak-data/",
            self.admin_site.admin_view(self.subject_view),
            name="registry_owner_subject",
        )
        return [trail, *super().get_urls()]

    def subject_view(self, request, pk):
        """The person's data and its processing trail; `?format=json` downloads it. Opening it is logged."""
        owner = get_object_or_404(Owner, pk=pk)
        if not self.has_view_permission(request, owner):
            raise PermissionDenied
        report = subject_report(owner)
        AccessLog.objects.record(
            user=request.user,
            action=AccessLog.Action.EXPORT if request.GET.get("format") == "json" else AccessLog.Action.VIEW,
            object_type="owner",
            object_id=str(owner.pk),
            detail={"purpose": "jejak data pribadi"},
        )
        if request.GET.get("format") == "json":
            response = JsonResponse(report, json_dumps_params={"ensure_ascii": False, "indent": 2})
            response["Content-Disposition"] = f'attachment; filename="data-pribadi-{owner.pk}.json"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "owner": owner,
            "report": report,
            "personal": owner_rows(report),
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/registry/owner/subject.html", context)


@admin.register(BusinessGroup)
class BusinessGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "kecamatan", "coordinator"]
    list_select_related = ["kecamatan", "coordinator"]
    search_fields = ["name", "kecamatan__name"]
    autocomplete_fields = ["kecamatan", "coordinator"]


@admin.register(Business)
class BusinessAdmin(KeyedSearchMixin, ProvenanceAdmin):
    list_display = ["name", "owner", "kecamatan", "category", "size_class", "verification", "source", "deleted_at"]
    list_filter = [DeletedFilter, "verification", "category", "size_class", "status", "source", "is_flagship"]
    list_select_related = ["owner", "kecamatan"]
    search_fields = ["name", "=nib", "owner__name"]
    autocomplete_fields = ["owner", "desa", "groups"]
    readonly_fields = [
        "kecamatan",
        "size_class",
        "verification",
        "verification_note",
        "verified_by",
        "verified_at",
        "registered_by",
        "source",
        "source_ref",
        "created_at",
        "updated_at",
        "version",
    ]
    inlines = [ProductInline, LegalDocumentInline, YearlyFigureInline]
    actions = ["verify_selected", "restore_selected"]
    show_full_result_count = False

    def save_related(self, request, form, formsets, change):
        # Membership goes through the service's rule (each group inside the admin's area), not the form.
        groups = form.cleaned_data.pop("groups", None)
        super().save_related(request, form, formsets, change)
        set_groups(form.instance, groups, request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # a business is deleted with a reason on its page; `purge_deleted` destroys rows

    def get_queryset(self, request):
        # Deleted businesses stay reachable here, so an admin can restore them (DeletedFilter hides them).
        return Business.all_objects.select_related("owner", "kecamatan")

    def keyed_matches(self, term):
        """The business list's search without its typo tolerance: a NIB, or the name of the business, of its
        owner or of one of its products."""
        number = digits_only(term)
        if number.isdigit() and len(number) == 13:
            return Business.all_objects.filter(nib=number).values("pk")
        return business_matches(term, similar=False)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("duplikat/", view(self.duplicates_view), name="registry_duplicates"),
            path(
                "duplikat/<str:kind>/<int:first>/<int:second>/",
                view(self.compare_view),
                name="registry_duplicate_compare",
            ),
            *super().get_urls(),
        ]

    def duplicates_view(self, request):
        """Candidate pairs of businesses and of owners, each with a link to compare them side by side."""
        if not request.user.is_superuser:
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Kemungkinan data ganda"),
            "groups": [
                ("usaha", gettext("Usaha"), _with_records(Business, business_candidates())),
                ("pemilik", gettext("Pemilik"), _with_records(Owner, owner_candidates())),
            ],
            "merges": MergeRecord.objects.select_related("merged_by")[:20],
        }
        return TemplateResponse(request, "admin/registry/duplicates.html", context)

    def compare_view(self, request, kind, first, second):
        """Two records side by side; merge into either one, or remember that they differ."""
        if not request.user.is_superuser:
            raise PermissionDenied
        model = {"usaha": Business, "pemilik": Owner}.get(kind)
        if model is None:
            raise Http404
        left = get_object_or_404(model.all_objects, pk=first)
        right = get_object_or_404(model.all_objects, pk=second)
        if request.method == "POST":
            action = request.POST.get("action")
            try:
                if action == "bukan_duplikat":
                    not_a_duplicate(kind, first, second, by=request.user)
                    self.message_user(request, gettext("Dicatat: keduanya bukan data ganda."))
                elif action in ("pertahankan_kiri", "pertahankan_kanan"):
                    survivor, removed = (left, right) if action == "pertahankan_kiri" else (right, left)
                    if request.POST.get("confirm") != "yes":
                        # A merge cannot be undone: first show what will move, and ask once more.
                        context = {
                            **self.admin_site.each_context(request),
                            "opts": self.opts,
                            "title": gettext(
                                "Gabungkan #%(removed)s %(removed_name)s ke #%(survivor)s %(survivor_name)s?"
                            )
                            % {
                                "removed": removed.pk,
                                "removed_name": removed.name,
                                "survivor": survivor.pk,
                                "survivor_name": survivor.name,
                            },
                            "kind": kind,
                            "survivor": survivor,
                            "removed": removed,
                            "moving": what_moves(removed),
                        }
                        return TemplateResponse(request, "admin/registry/duplicate_merge_confirm.html", context)
                    record = merge(survivor, removed, by=request.user)
                    moved = ", ".join(f"{count} {label}" for label, count in record.moved.items())
                    moved = moved or gettext("tidak ada")
                    message = gettext("Digabungkan ke #%(survivor)s; dipindahkan: %(moved)s.")
                    self.message_user(request, message % {"survivor": survivor.pk, "moved": moved})
                else:
                    raise ValidationError(gettext("Tindakan tidak dikenal."))
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), level=messages.ERROR)
                return redirect(request.path)
            return redirect("admin:registry_duplicates")
        fields = [f for f in model._meta.concrete_fields if f.name not in ("id",)]
        rows = [
            (field.verbose_name, _shown(left, field), _shown(right, field))
            for field in fields
            if not field.name.startswith("deleted")
        ]
        counts = [
            (str(relation.related_model._meta.verbose_name_plural), rows_left.count(), rows_right.count())
            for (relation, rows_left), (_, rows_right) in zip(related_rows(left), related_rows(right), strict=True)
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Bandingkan #%(left)s dan #%(right)s") % {"left": left.pk, "right": right.pk},
            "left": left,
            "right": right,
            "rows": rows,
            "counts": [row for row in counts if row[1] or row[2]],
        }
        return TemplateResponse(request, "admin/registry/duplicate_compare.html", context)

    @admin.action(description=_("Pulihkan usaha yang dihapus"), permissions=["change"])
    def restore_selected(self, request, queryset):
        restored = 0
        for business in queryset.filter(deleted_at__isnull=False):
            restore_business(business, by=request.user)
            restored += 1
        message = ngettext("%(count)d usaha dipulihkan.", "%(count)d usaha dipulihkan.", restored)
        self.message_user(request, message % {"count": restored})

    @admin.action(description=_("Verifikasi usaha yang dipilih"), permissions=["change"])
    def verify_selected(self, request, queryset):
        done = 0
        for business in queryset.pending():
            verify_business(business, by=request.user)
            done += 1
        message = ngettext("%(count)d usaha diverifikasi.", "%(count)d usaha diverifikasi.", done)
        self.message_user(request, message % {"count": done})


@admin.register(Product)
class ProductAdmin(KeyedSearchMixin, ProvenanceAdmin):
    list_display = ["name", "business", "category", "price", "unit"]
    list_filter = ["category"]
    list_select_related = ["business"]
    # Not the model's order (by business name: every row joined and sorted at a million) but an index's; the
    # same for the documents and the yearly figures below, the newest first.
    ordering = ["name", "pk"]
    search_fields = ["name", "business__name"]
    autocomplete_fields = ["business"]
    show_full_result_count = False

    def keyed_matches(self, term):
        return product_matches(term, similar=False)


@admin.register(LegalDocument)
class LegalDocumentAdmin(KeyedSearchMixin, ProvenanceAdmin):
    list_display = ["kind", "number", "business", "issued_on", "expires_on"]
    list_filter = ["kind"]
    list_select_related = ["business"]
    ordering = ["-pk"]
    search_fields = ["=number", "business__name"]
    autocomplete_fields = ["business", "product"]
    show_full_result_count = False

    def keyed_matches(self, term):
        # On the (kind, number) unique index: the number as typed, or in capitals ("id3515..." for "ID3515...").
        numbered = LegalDocument.objects.filter(kind__in=LegalDocument.Kind.values, number__in={term, term.upper()})
        named = LegalDocument.objects.filter(business__in=_business_ids(term))
        return numbered.values_list("pk").union(named.values_list("pk"))


@admin.register(YearlyFigure)
class YearlyFigureAdmin(KeyedSearchMixin, ProvenanceAdmin):
    list_display = ["business", "year", "revenue", "capital", "size_class", "reported_size_class", "size_mismatch"]
    list_filter = ["year", "size_class", "size_mismatch"]
    list_select_related = ["business"]
    ordering = ["-pk"]
    search_fields = ["business__name"]
    autocomplete_fields = ["business"]
    readonly_fields = ["size_class", "size_rule", "size_mismatch"]
    show_full_result_count = False

    def keyed_matches(self, term):
        return YearlyFigure.objects.filter(business__in=_business_ids(term)).values("pk")


@admin.register(ExportValue)
class ExportValueAdmin(KeyedSearchMixin, ProvenanceAdminMixin, admin.ModelAdmin):
    list_display = ["business", "year", "country", "value"]
    list_filter = ["year", "country"]
    list_select_related = ["business"]
    search_fields = ["business__name"]
    autocomplete_fields = ["business"]

    def keyed_matches(self, term):
        return ExportValue.objects.filter(business__in=_business_ids(term)).values("pk")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that only the portal's own services write (logs, imports, merges, jobs): read, never edited."""

    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    """The log answers "who saw this person's data" and must not be edited."""

    list_display = ["created_at", "user", "action", "object_type", "object_id", "row_count"]
    list_filter = ["action", "object_type"]
    list_select_related = ["user"]
    search_fields = ["user__username", "=object_id"]


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    """Uploaded sheets and what their import did. The file itself (personal data) is not offered here."""

    list_display = ["created_at", "user", "filename", "status", "total_rows", "processed_rows", "imported_at"]
    list_filter = ["status", "all_or_nothing"]
    list_select_related = ["user"]
    search_fields = ["filename", "user__username"]
    fields = ["user", "filename", "sheet", "status", "all_or_nothing", "total_rows", "processed_rows", "error"]
    fields += ["figures_year", "summary", "created_at", "started_at", "imported_at"]


@admin.register(MergeRecord)
class MergeRecordAdmin(ReadOnlyAdmin):
    """Merges of duplicate owners and businesses; the merged record's own data stays out of this page."""

    list_display = ["merged_at", "kind", "survivor_id", "removed_id", "merged_by"]
    list_filter = ["kind"]
    list_select_related = ["merged_by"]
    search_fields = ["=survivor_id", "=removed_id"]
    fields = ["kind", "survivor_id", "removed_id", "moved", "merged_by", "merged_at"]


@admin.register(DuplicateDecision)
class DuplicateDecisionAdmin(ReadOnlyAdmin):
    """Pairs an admin judged not to be duplicates (the duplicate finder no longer offers them)."""

    list_display = ["decided_at", "kind", "first_id", "second_id", "decided_by"]
    list_filter = ["kind"]
    list_select_related = ["decided_by"]


@admin.register(ProductPhoto)
class ProductPhotoAdmin(admin.ModelAdmin):
    list_display = ["product", "width", "height", "uploaded_by", "created_at"]
    list_select_related = ["product", "uploaded_by"]
    search_fields = ["product__name", "product__business__name"]
    autocomplete_fields = ["product"]
    readonly_fields = ["image", "thumbnail", "width", "height", "uploaded_by", "created_at"]
    show_full_result_count = False

    def has_add_permission(self, request):
        # Photos enter only through the service that re-encodes them.
        return False


@admin.register(RegistrationDraft)
class RegistrationDraftAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    readonly_fields = ["user", "data", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False
