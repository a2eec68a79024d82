import datetime
from contextlib import nullcontext

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import DeleteView, DetailView, FormView
from django_filters.views import FilterView
from django_htmx.http import HttpResponseClientRefresh
from django_tables2 import SingleTableMixin

from registry import business_page, once
from registry.exports import export_businesses, export_sidt
from registry.filtersets import BusinessFilterSet, ClosedFoldBusinessFilterSet, KecamatanFilterSet, ProductFilterSet
from registry.forms import (
    BusinessForm,
    DocumentAddForm,
    DraftForm,
    FigureForm,
    GuidanceForm,
    ImportMappingForm,
    ImportSheetForm,
    ImportUploadForm,
    OwnerEditForm,
    ProductForm,
    QueueActionForm,
    RegistrationForms,
    SidtExportForm,
)
from registry.history import change_history
from registry.import_jobs import queue_check, queue_import, read_sheet_again, receive_upload
from registry.imports import failed_rows_csv
from registry.imports import header_name as import_header
from registry.models import (
    AccessLog,
    Business,
    Desa,
    ImportBatch,
    ImportColumnMemory,
    Kecamatan,
    LegalDocument,
    Owner,
    Product,
    ProductPhoto,
    RegistrationDraft,
    YearlyFigure,
)
from registry.paginators import LazyPaginator, LenientPaginationMixin, ListPaginator, TablePaginator
from registry.permissions import AreaRestrictedMixin
from registry.services import (
    add_document,
    add_product,
    delete_business,
    find_duplicates,
    record_yearly_figure,
    register_business,
    reject_business,
    set_guidance,
    update_business,
    update_owner,
    verify_business,
)
from registry.tables import BusinessQueueTable, DesaTable, KecamatanTable, ProductTable
from registry.validators import digits_only
from umkm_portal.db import TooSlow, time_limit
from umkm_portal.forms import VersionForm
from umkm_portal.storage import stored_file_response

#
# Regions
#


class KecamatanListView(AreaRestrictedMixin, SingleTableMixin, FilterView):
    permission_required = "registry.view_kecamatan"
    model = Kecamatan
    table_class = KecamatanTable
    filterset_class = KecamatanFilterSet
    table_pagination = {"per_page": 50, "paginator_class": TablePaginator}
    template_name = "registry/kecamatan_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("kabupaten").annotate(desa_count=Count("desa_set"))


class KecamatanDetailView(AreaRestrictedMixin, DetailView):
    permission_required = "registry.view_kecamatan"
    model = Kecamatan
    template_name = "registry/kecamatan_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("kabupaten__provinsi")

    def get_context_data(self, **kwargs):
        desa = self.object.desa_set.order_by("code")
        return super().get_context_data(desa_table=DesaTable(desa), desa_count=len(desa), **kwargs)


#
# Businesses
#


class SortTimeLimitMixin:
    """For a list whose search for a common word tests each row along the list's order (its filter set's
    `many_matches`): sorted by a column that goes with the word ("keripik" by category, names that start with
    "Sambal" by name), a page walks most of the area before it is full, 2 to 12 s at a million; collecting and
    sorting every hit is no faster. Such a page gets `sort_time_limit_ms` for its statements; past it, the same
    search comes back in its own order (newest first), with a note naming the column. `sort_asked`: whether the
    page is sorted otherwise than newest first; `sort_label()`: the label of the column asked for."""

    sort_time_limit_ms = 1000
    too_many_to_sort = _("Terlalu banyak usaha cocok dengan pencarian ini untuk diurutkan menurut kolom “%(column)s”.")

    def sort_time_limit(self, using):
        """The time limit for the page's statements when a common word's search is sorted as asked."""
        if self.sort_asked and self.filterset.many_matches:
            return time_limit(self.sort_time_limit_ms, using=using)
        return nullcontext()

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except TooSlow:
            messages.info(request, self.too_many_to_sort % {"column": self.sort_label()})
            query = request.GET.copy()
            for name in ("sort", "page"):
                query.pop(name, None)
            return redirect(f"{request.path}?{query.urlencode()}")


class BusinessListView(AreaRestrictedMixin, SortTimeLimitMixin, LenientPaginationMixin, FilterView):
    """Members of the user's area with filters and one search box; pages without a full COUNT(*)."""

    permission_required = "registry.view_business"
    model = Business
    filterset_class = BusinessFilterSet
    paginate_by = 25
    paginator_class = ListPaginator
    template_name = "registry/business_list.html"

    # The table's columns: (sort key, header, the order it sorts by or None, shown on wide screens only).
    # Every order ends with a unique column (pages do not overlap) and is served by an index at a million
    # rows: the owner's (name, id), the business's (kecamatan, name), (category, name, id) and so on.
    # Kecamatan sort in their official (Kemendagri code) order, as in the kecamatan filter.
    columns = [
        ("name", _("Nama usaha"), ("name", "pk"), False),
        ("owner", _("Pemilik"), ("owner__name", "owner_id", "pk"), False),
        ("desa", _("Desa"), None, True),
        ("kecamatan", _("Kecamatan"), ("kecamatan_id", "name", "pk"), True),
        ("category", _("Kategori"), ("category", "name", "pk"), True),
        ("size_class", _("Skala"), ("size_class", "name", "pk"), True),
        ("verification", _("Verifikasi"), ("verification", "created_at", "pk"), False),
        ("created_at", _("Didaftarkan"), ("created_at", "pk"), True),
    ]
    # Only what the rows show (jinja2/registry/business_rows.html), read as rows, not model instances: a
    # page of 25 businesses with their owner, desa and kecamatan were 100 instances (1.5 ms of CPU, 0.45 as
    # named rows).
    row_fields = [
        *("pk", "name", "category", "size_class", "verification", "is_flagship", "guided_by", "created_at"),
        *("owner__name", "desa__name", "kecamatan__name"),
    ]

    def get_filterset_class(self):
        if BusinessFilterSet.fold_open(self.request.GET):
            return BusinessFilterSet
        return ClosedFoldBusinessFilterSet

    @cached_property
    def sort(self):
        """The requested sort key ("owner", "-owner"), or the default: by name, or the newest first when a
        common word is searched row by row (see BusinessFilterSet.search). An unknown key is ignored."""
        sort = self.request.GET.get("sort", "")
        if sort.removeprefix("-") in {key for key, _label, order, _wide in self.columns if order}:
            return sort
        return "-created_at" if self.filterset.many_matches else "name"

    def paginate_queryset(self, queryset, page_size):
        key = self.sort.removeprefix("-")
        order = next(order for name, _label, order, _wide in self.columns if name == key)
        if self.sort.startswith("-"):
            order = [f"-{field}" for field in order]
        queryset = queryset.order_by(*order)
        with self.sort_time_limit(queryset.db):
            return super().paginate_queryset(queryset, page_size)

    @property
    def sort_asked(self):
        return self.sort != "-created_at"

    def sort_label(self):
        return next(label for name, label, _order, _wide in self.columns if name == self.sort.removeprefix("-"))

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return super().get_paginator(queryset, per_page, orphans, allow_empty_first_page, fields=self.row_fields)

    def get_context_data(self, **kwargs):
        headers = []
        for key, label, order, wide in self.columns:
            css = ["d-none d-sm-table-cell"] if wide else []
            following = None
            if order:
                css.append("orderable")
                if self.sort == key:
                    css.append("asc")
                    following = f"-{key}"
                elif self.sort == f"-{key}":
                    css.append("desc")
                    following = key
                else:
                    following = key
            headers.append({"label": label, "css": " ".join(css), "sort": following})
        context = super().get_context_data(
            headers=headers, many_matches=self.filterset.many_matches, newest_first=not self.sort_asked, **kwargs
        )
        page = context["page_obj"]
        context["page_range"] = page.paginator.get_elided_page_range(page.number) if page else ()
        return context


class ProductListView(AreaRestrictedMixin, SortTimeLimitMixin, SingleTableMixin, FilterView):
    """Products of the user's area, searchable by product or business name, with their first photo; by business
    name, or by a column asked for (product name, price: each on an index), or the newest first for a word that
    thousands of names share (see ProductFilterSet.search)."""

    permission_required = "registry.view_product"
    model = Product
    table_class = ProductTable
    filterset_class = ProductFilterSet
    table_pagination = {"per_page": 25, "paginator_class": LazyPaginator}
    template_name = "registry/product_list.html"
    too_many_to_sort = _("Terlalu banyak produk cocok dengan pencarian ini untuk diurutkan menurut kolom “%(column)s”.")

    def get_queryset(self):
        photos = Prefetch("photos", queryset=ProductPhoto.objects.order_by("created_at", "pk"))
        # The area's filter is a subquery on businesses; said again on the business the list joins and sorts by,
        # PostgreSQL walks that business's (name, id) index (only of those not deleted) and reads one page.
        visible = super().get_queryset().filter(business__deleted_at__isnull=True)
        return visible.select_related("business__kecamatan").prefetch_related(photos)

    @cached_property
    def sort_asked(self):
        return bool(self.request.GET.get("sort"))

    def get_table_data(self):
        products = super().get_table_data()
        if self.filterset.many_matches and not self.sort_asked:
            return products.order_by("-created_at", "-pk")  # hits spread evenly along it, unlike business names
        return products

    def get_table(self, **kwargs):
        with self.sort_time_limit(self.object_list.db):
            return super().get_table(**kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            many_matches=self.filterset.many_matches, newest_first=not self.sort_asked, **kwargs
        )

    def sort_label(self):
        column = self.table_class.base_columns.get(self.request.GET.get("sort", "").removeprefix("-"))
        return column.verbose_name if column else ""


class BusinessExportView(AreaRestrictedMixin, FilterView):
    """The filtered list as CSV or Excel, personal data masked; every export is logged."""

    permission_required = "registry.export_business"
    model = Business
    filterset_class = BusinessFilterSet

    def get(self, request, *args, **kwargs):
        filterset = self.get_filterset(self.get_filterset_class())
        if filterset.is_bound and not filterset.is_valid():
            messages.error(request, _("Filter ekspor tidak valid; periksa pilihan Anda."))
            return redirect("registry:business_list")
        file_format = "csv" if request.GET.get("format") == "csv" else "xlsx"
        filters = {key: value for key, value in request.GET.items() if key in filterset.filters and value}
        row_count = None
        if file_format == "xlsx":
            # A spreadsheet is built in memory: a large one is made in the background instead (CSV streams).
            row_count = filterset.qs.count()
            if row_count > settings.EXPORT_INLINE_MAX_ROWS:
                return TemplateResponse(
                    request, "registry/business_export_large.html", {"filters": filters, "row_count": row_count}
                )
        return export_businesses(
            filterset.qs, file_format=file_format, user=request.user, filters=filters, row_count=row_count
        )


class SidtExportView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """The registry of the user's area in the national SIDT extract's columns, to send back upstream."""

    permission_required = "registry.export_sidt"
    form_class = SidtExportForm
    template_name = "registry/sidt_export.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        businesses = Business.objects.visible_to(self.request.user).order_by("pk")
        filters = {}
        if kecamatan := form.cleaned_data["kecamatan"]:
            businesses = businesses.filter(kecamatan=kecamatan)
            filters["kecamatan"] = kecamatan.pk
        return export_sidt(
            businesses,
            user=self.request.user,
            filters=filters,
            full_identity=form.cleaned_data["full_identity"],
            reason=" ".join(form.cleaned_data["reason"].split()),
        )

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class BusinessDetailView(AreaRestrictedMixin, DetailView):
    """Everything about one business on one screen; opening it is logged (it shows personal data)."""

    permission_required = "registry.view_business"
    model = Business
    template_name = "registry/business_detail.html"
    load = staticmethod(business_page.one_statement)  # business_page.plain reads the same in eight queries

    def get_object(self, queryset=None):
        """The business and its parts in one query (registry.business_page); 404 outside the user's area."""
        queryset = (queryset if queryset is not None else self.get_queryset()).filter(pk=self.kwargs["pk"])
        try:
            return self.load(queryset)
        except Business.DoesNotExist:
            raise Http404 from None

    def get_context_data(self, **kwargs):
        business = self.object
        AccessLog.objects.record(
            user=self.request.user, action=AccessLog.Action.VIEW, object_type="business", object_id=str(business.pk)
        )
        documents = [{"document": d, "expired": d.is_expired, "soon": d.expires_soon} for d in business.documents.all()]
        return super().get_context_data(documents=documents, **kwargs)


class BusinessHistoryView(AreaRestrictedMixin, DetailView):
    """A business's change history (its owner, products, documents and yearly figures too): a page of its
    own, or the entries alone for the fold of the detail page (htmx)."""

    permission_required = "registry.view_business"
    model = Business
    template_name = "registry/business_history.html"

    def get_template_names(self):
        return ["includes/_history.html#entries"] if self.request.htmx else [self.template_name]

    def get_context_data(self, **kwargs):
        business = self.object
        history = change_history(
            business.history.all(),
            Owner.history.filter(id=business.owner_id),
            Product.history.filter(business_id=business.pk),
            LegalDocument.history.filter(business_id=business.pk),
            YearlyFigure.history.filter(business_id=business.pk),
        )
        return super().get_context_data(history=history, **kwargs)


class VerificationQueueView(AreaRestrictedMixin, SingleTableMixin, FilterView):
    """Registrations waiting for the dinas, oldest first, to verify or reject one by one or in bulk."""

    permission_required = "registry.verify_business"
    model = Business
    table_class = BusinessQueueTable
    filterset_class = BusinessFilterSet
    table_pagination = {"per_page": 50, "paginator_class": LazyPaginator}
    template_name = "registry/business_queue.html"

    def get_queryset(self):
        return (
            super().get_queryset().pending().select_related("owner", "desa", "kecamatan").order_by("created_at", "pk")
        )

    def post(self, request, *args, **kwargs):
        form = QueueActionForm(request.POST, queryset=self.get_queryset())
        if not form.is_valid():
            messages.error(request, _("Pilih minimal satu usaha, lalu pilih Verifikasi atau Tolak."))
            return redirect("registry:business_queue")
        action = form.cleaned_data["action"]
        done, failed = 0, []
        for business in form.cleaned_data["business"]:
            try:
                if action == "verify":
                    verify_business(business, by=request.user)
                else:
                    reject_business(business, reason=form.cleaned_data["reason"], by=request.user)
                done += 1
            except ValidationError as error:
                failed.append(f"{business.name}: {' '.join(error.messages)}")
        if done:
            if action == "verify":
                done_text = ngettext("%(done)s usaha diverifikasi.", "%(done)s usaha diverifikasi.", done)
            else:
                done_text = ngettext("%(done)s usaha ditolak.", "%(done)s usaha ditolak.", done)
            messages.success(request, done_text % {"done": done})
        for problem in failed:
            messages.error(request, problem)
        return redirect("registry:business_queue")


class BusinessDecisionView(AreaRestrictedMixin, View):
    """Verify or reject one business from its detail page."""

    permission_required = "registry.verify_business"
    model = Business

    def post(self, request, pk):
        business = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            if request.POST.get("action") == "verify":
                verify_business(business, by=request.user)
                messages.success(request, _("%(business_name)s terverifikasi.") % {"business_name": business.name})
            else:
                reject_business(business, reason=request.POST.get("reason", ""), by=request.user)
                messages.success(
                    request,
                    _("%(business_name)s ditolak; koordinator akan melihat alasannya.")
                    % {"business_name": business.name},
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(business)


class BusinessDeleteView(AreaRestrictedMixin, View):
    """Soft-delete a business with a reason (dinas); an admin can restore it."""

    permission_required = "registry.delete_business"
    model = Business

    def post(self, request, pk):
        business = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            delete_business(business, reason=request.POST.get("reason", ""), by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(business)
        messages.success(
            request,
            _("%(business_name)s dihapus dari daftar. Admin dapat memulihkannya.") % {"business_name": business.name},
        )
        return redirect("registry:business_list")


#
# Product photos: files are served only through these views, after the area check
#


class ProductPhotoFileView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "registry.view_business"
    thumbnail = False

    def get(self, request, pk):
        photo = get_object_or_404(ProductPhoto.objects.visible_to(request.user), pk=pk)
        field = photo.thumbnail if self.thumbnail else photo.image
        return stored_file_response(field, content_type="image/jpeg", max_age=86400)


#
# Registration and editing by coordinators
#


def _duplicate_rows(user, duplicates):
    """Pair each duplicate with whether the user may open it (only then is a link shown)."""
    visible = set(
        Business.objects.visible_to(user).filter(pk__in=[b.pk for _, b in duplicates]).values_list("pk", flat=True)
    )
    return [
        {"reason": reason, "business": business, "visible": business.pk in visible} for reason, business in duplicates
    ]


class BusinessRegisterView(AreaRestrictedMixin, View):
    """One page in sections: owner, business, products with photos, documents, this year's figures.

    A draft is kept on the server while typing (htmx); likely duplicates are shown before the save
    and must be confirmed.
    """

    permission_required = "registry.add_business"
    model = Business
    template_name = "registry/business_register.html"

    def get_draft(self):
        draft_id = DraftForm.read(self.request.GET) or DraftForm.read(self.request.POST)
        if draft_id:
            return get_object_or_404(RegistrationDraft.objects.visible_to(self.request.user), pk=draft_id)
        return None

    def render(self, forms, *, draft=None, duplicates=(), status=200):
        context = {
            "forms": forms,
            "draft": draft,
            "drafts": RegistrationDraft.objects.visible_to(self.request.user)[:10],
            "duplicates": duplicates,
        }
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request):
        draft = self.get_draft()
        data = QueryDict(mutable=True)
        if draft:
            for key, value in draft.data.items():
                data.setlist(key, value if isinstance(value, list) else [value])
        forms = RegistrationForms(data if draft else None, user=request.user)
        if draft:
            for section in forms.sections:
                section.is_valid()  # show what still needs fixing in the draft
        return self.render(forms, draft=draft)

    def post(self, request):
        made = once.made_by(request)
        if made:  # the form was sent before (a double click after "confirm"): show what it made
            return once.show_again(request, made)
        draft = self.get_draft()
        forms = RegistrationForms(request.POST, request.FILES, user=request.user)
        if not forms.is_valid():
            messages.error(request, _("Periksa isian yang ditandai merah. Foto perlu dipilih ulang bila ada."))
            return self.render(forms, draft=draft, status=400)
        business, groups, owner, products, documents, figures = forms.instances()
        duplicates = find_duplicates(nik=owner.nik, nib=business.nib, name=business.name, desa=business.desa)
        if duplicates and request.POST.get("confirm_duplicates") != "yes":
            messages.warning(
                request, _("Mungkin data ganda. Periksa daftar di bawah, lalu konfirmasi bila memang baru.")
            )
            return self.render(forms, draft=draft, duplicates=_duplicate_rows(request.user, duplicates), status=409)

        def create():
            created = register_business(
                business,
                owner=owner,
                by=request.user,
                products=products,
                documents=documents,
                figures=figures,
                groups=groups,
            )
            if draft:
                draft.delete()
            return created

        try:
            created, url = once.create_once(request, create)
        except ValidationError as error:
            for section in (forms.owner, forms.business):
                fields = getattr(error, "error_dict", {})
                for field in [name for name in fields if name in section.fields]:
                    section.add_error(field, fields[field])
            if not hasattr(error, "error_dict"):
                messages.error(request, " ".join(error.messages))
            return self.render(forms, draft=draft, status=400)
        if created is None:  # sent at the same moment as the same form, which made the record
            return once.show_again(request, url)
        for warning in forms.warnings:
            messages.warning(request, warning)
        if request.user.has_perm("registry.verify_business"):  # the dinas registering verifies it on its page
            done = _("%(name)s terdaftar dan menunggu verifikasi; periksa datanya, lalu verifikasi di halaman ini.")
        else:
            done = _("%(name)s terdaftar dan menunggu verifikasi dinas.")
        messages.success(request, done % {"name": created.name})
        return redirect(url)


class RegistrationDraftSaveView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Store what has been typed so far (no files); answers the draft id for the page to keep."""

    permission_required = "registry.add_business"

    def post(self, request):
        fields = {key: request.POST.getlist(key) for key in request.POST if key not in ("csrfmiddlewaretoken", "draft")}
        fields = {key: values[0] if len(values) == 1 else values for key, values in fields.items()}
        draft_id = DraftForm.read(request.POST)
        if draft_id is not None:
            draft = RegistrationDraft.objects.visible_to(request.user).filter(pk=draft_id or 0).first()
            if draft is None:
                # The registration was saved (its draft deleted) while this autosave was on its way,
                # or the id is not the user's (or not an id): write nothing, change nothing on the page.
                return HttpResponse(status=204)
            draft.data = fields
            draft.save(update_fields=["data", "updated_at"])
        else:
            draft = RegistrationDraft.objects.create(user=request.user, data=fields)
        return TemplateResponse(request, "registry/partials/_draft_status.html", {"draft": draft})


class RegistrationDraftDeleteView(LoginRequiredMixin, PermissionRequiredMixin, DeleteView):
    """Discard one of the user's own drafts after a confirmation page; another person's draft answers 404."""

    permission_required = "registry.add_business"
    template_name = "registry/registrationdraft_confirm_delete.html"
    context_object_name = "draft"

    def get_queryset(self):
        return RegistrationDraft.objects.visible_to(self.request.user)

    def get_success_url(self):
        return reverse("registry:business_register")

    def form_valid(self, form):
        title = self.object.title
        response = super().form_valid(form)
        messages.success(self.request, _("Draf %(title)s dibuang.") % {"title": title})
        return response


class DuplicateCheckView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """While typing: likely duplicates for the NIK, NIB and name given so far (an htmx partial).

    POST only: a NIK in a URL would land in every proxy's and browser's history.
    """

    permission_required = "registry.add_business"

    def post(self, request):
        nik, nib = digits_only(request.POST.get("owner-nik")), digits_only(request.POST.get("business-nib"))
        try:
            desa = forms.ModelChoiceField(Desa.objects.visible_to(request.user), required=False).clean(
                request.POST.get("business-desa")
            )
        except ValidationError:
            desa = None
        duplicates = find_duplicates(
            nik=nik if len(nik) == 16 else "",
            nib=nib if len(nib) == 13 else "",
            name=(request.POST.get("business-name") or "").strip(),
            desa=desa,
        )
        rows = _duplicate_rows(request.user, duplicates)
        return TemplateResponse(request, "registry/partials/_duplicates.html", {"duplicates": rows})


class BusinessUpdateView(AreaRestrictedMixin, View):
    """Edit a member's business data; a stale form (someone saved in between) is refused, never merged."""

    permission_required = "registry.change_business"
    model = Business
    template_name = "registry/business_form.html"

    def get_object(self):
        return get_object_or_404(self.get_queryset().select_related("owner", "desa"), pk=self.kwargs["pk"])

    def render(self, form, business, version, status=200):
        context = {"form": form, "business": business, "version": version}
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        business = self.get_object()
        return self.render(BusinessForm(instance=business, user=request.user), business, business.version)

    def post(self, request, pk):
        # A business deleted since the form was read is found too: update_business then refuses the edit
        # with who deleted it, instead of a bare "not found".
        deleted_too = Business.all_objects.visible_to(request.user).select_related("owner", "desa")
        business = get_object_or_404(deleted_too, pk=pk)
        version = VersionForm.read(request.POST)
        form = BusinessForm(request.POST, instance=business, user=request.user)
        if version is None:
            form.add_error(None, _("Formulir tidak lengkap; muat ulang halaman."))
        if not form.is_valid():
            # A missing or forged version stays missing: the form is refused until the page is reloaded.
            return self.render(form, business, "" if version is None else version, status=400)
        try:
            update_business(
                form.instance, version=version, by=request.user, groups=form.cleaned_data.get("groups") or []
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.render(form, business, version, status=409)
        messages.success(request, _("Perubahan tersimpan."))
        return redirect(form.instance)


class LegalDocumentScanView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """A document scan, only for users who may see its business."""

    permission_required = "registry.view_business"

    def get(self, request, pk):
        document = get_object_or_404(LegalDocument.objects.visible_to(request.user).exclude(scan=""), pk=pk)
        if document.scan.name.endswith(".pdf"):
            # A PDF is downloaded, never shown by the browser's own viewer (where its scripts would run).
            return stored_file_response(
                document.scan,
                content_type="application/pdf",
                filename=f"pindaian-{document.pk}.pdf",
                as_attachment=True,
            )
        return stored_file_response(document.scan, content_type="image/jpeg")


#
# Adding to a member after registration
#


class BusinessPartView(AreaRestrictedMixin, FormView):
    """A small form that adds or changes one part of a member; the business comes from the user's area."""

    model = Business
    template_name = "registry/business_part_form.html"
    title = ""
    success_message = _("Tersimpan.")

    @cached_property
    def business(self):
        return get_object_or_404(self.get_queryset().select_related("owner"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(business=self.business, title=self.title, **kwargs)

    def post(self, request, *args, **kwargs):
        made = once.made_by(request)
        if made:  # the form was sent before (a double click): show what it made
            return once.show_again(request, made)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            saved, url = once.create_once(self.request, lambda: self._saved_target(form))
        except ValidationError as error:
            # A service's error on a field the form shows goes next to it; anything else on top.
            errors = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
            for field, messages_ in errors.items():
                form.add_error(field if field in form.fields else None, messages_)
            return self.form_invalid(form)
        if saved is None:  # sent at the same moment as the same form, which saved it
            return once.show_again(self.request, url)
        messages.success(self.request, self.success_message)
        return redirect(url)

    def _saved_target(self, form):
        return self.get_success_target(self.save(form))

    def get_success_target(self, saved):
        """Where to go after saving: the business, unless a subclass has a better page."""
        return self.business

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class ProductCreateView(BusinessPartView):
    permission_required = "registry.add_product"
    form_class = ProductForm
    title = _("Tambah produk")
    success_message = _("Produk tersimpan.")

    def save(self, form):
        add_product(self.business, form.save(commit=False), photos=form.cleaned_data["photos"], by=self.request.user)


class LegalDocumentCreateView(BusinessPartView):
    permission_required = "registry.add_legaldocument"
    form_class = DocumentAddForm
    title = _("Tambah dokumen legalitas")
    success_message = _("Dokumen tersimpan.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "business": self.business}

    def save(self, form):
        document = form.save(commit=False)
        if form.cleaned_data.get("scan"):
            document.scan = form.cleaned_data["scan"]
        add_document(self.business, document, by=self.request.user)


class YearlyFigureView(BusinessPartView):
    permission_required = "registry.add_yearlyfigure"
    form_class = FigureForm
    title = _("Isi data tahunan")
    success_message = _("Data tahunan tersimpan; skala usaha dihitung ulang.")

    def save(self, form):
        record_yearly_figure(self.business, form.save(commit=False), by=self.request.user)


class GuidanceView(BusinessPartView):
    permission_required = "registry.set_guidance"
    form_class = GuidanceForm
    title = _("Binaan dan unggulan")
    success_message = _("Status binaan tersimpan.")

    def get_initial(self):
        b = self.business
        return {"guided_by": b.guided_by, "guided_since": b.guided_since, "is_flagship": b.is_flagship}

    def save(self, form):
        set_guidance(self.business, by=self.request.user, **form.cleaned_data)


class OwnerUpdateView(BusinessPartView):
    """Correct the owner's data from one of their businesses; stale forms are refused (optimistic lock)."""

    permission_required = "registry.change_owner"
    form_class = OwnerEditForm
    title = _("Ubah data pemilik")
    success_message = _("Data pemilik tersimpan.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.business.owner, "user": self.request.user}

    def get_context_data(self, **kwargs):
        posted = self.request.method == "POST"
        version = VersionForm.read(self.request.POST) if posted else self.business.owner.version
        return super().get_context_data(version="" if version is None else version, **kwargs)

    def save(self, form):
        version = VersionForm.read(self.request.POST)
        if version is None:
            raise ValidationError(_("Formulir tidak lengkap; muat ulang halaman."))
        update_owner(form.instance, version=version, by=self.request.user)


class OwnerRevealNikView(AreaRestrictedMixin, View):
    """Show one owner's full NIK after the user states why; the reveal is logged (UU 27/2022)."""

    permission_required = "registry.view_owner"
    model = Business

    @method_decorator(never_cache)
    def post(self, request, pk):
        business = get_object_or_404(self.get_queryset().select_related("owner"), pk=pk)
        reason = " ".join(request.POST.get("reason", "").split())[:200]
        if len(reason) < 5:
            messages.error(request, _("Tuliskan alasan menampilkan NIK lengkap (minimal 5 huruf)."))
            return redirect(business)
        AccessLog.objects.record(
            user=request.user,
            action=AccessLog.Action.REVEAL,
            object_type="owner",
            object_id=str(business.owner_id),
            detail={"reason": reason, "business": business.pk},
        )
        return TemplateResponse(request, "registry/owner_nik.html", {"business": business, "reason": reason})


#
# Importing spreadsheets: upload, map columns, preview with per-row errors, import
#


class ImportUploadView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """The upload only stores the file and queues its reading: a worker reads it (registry.import_jobs)."""

    permission_required = "registry.import_business"
    form_class = ImportUploadForm
    template_name = "registry/import_upload.html"

    def get_context_data(self, **kwargs):
        recent = ImportBatch.objects.visible_to(self.request.user)[:10]
        return super().get_context_data(recent=recent, **kwargs)

    def form_valid(self, form):
        def store():
            batch = receive_upload(form.cleaned_data["file"], by=self.request.user)
            return reverse("registry:import_mapping", args=[batch.pk])

        stored, url = once.create_once(self.request, store)
        if stored is None:  # the same upload sent twice (a double click): one batch, one reading
            return once.show_again(self.request, url)
        return redirect(url)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _sheet_message(batch):
    """What the worker found in the file: rows, sheet and header line, and the lines skipped above it."""
    values = {"rows": batch.total_rows, "sheet": repr(batch.sheet), "line": batch.header_line}
    if batch.sheet:
        text = (
            ngettext(
                "%(rows)s baris terbaca (lembar %(sheet)s, judul kolom di baris %(line)s).",
                "%(rows)s baris terbaca (lembar %(sheet)s, judul kolom di baris %(line)s).",
                batch.total_rows,
            )
            % values
        )
    else:
        text = (
            ngettext(
                "%(rows)s baris terbaca (judul kolom di baris %(line)s).",
                "%(rows)s baris terbaca (judul kolom di baris %(line)s).",
                batch.total_rows,
            )
            % values
        )
    if batch.skipped_lines:
        skipped = ", ".join(str(n) for n in batch.skipped_lines[:5])
        text += " " + _("Baris %(lines)s di atasnya dilewati (judul tabel).") % {"lines": skipped}
    return text + " " + _("Periksa pemetaan kolomnya.")


class ImportBatchMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "registry.import_business"

    @cached_property
    def batch(self):
        return get_object_or_404(ImportBatch.objects.visible_to(self.request.user), pk=self.kwargs["pk"])

    def progress(self, template):
        """While a worker has the batch: the page with its progress, or (polled by htmx) the progress alone."""
        if self.request.htmx:
            template = "registry/partials/_import_progress.html"
        return TemplateResponse(self.request, template, {"batch": self.batch})


@method_decorator(never_cache, name="dispatch")
class ImportMappingView(ImportBatchMixin, FormView):
    """Which field each column holds, the figures' year, and for a workbook which sheet to read; while the
    worker reads the file, its progress."""

    template_name = "registry/import_mapping.html"
    EDITABLE = (ImportBatch.Status.NEW, ImportBatch.Status.FAILED)

    def get_form(self, form_class=None):
        data = self.request.POST if self.request.method == "POST" and "sheet" not in self.request.POST else None
        year = self.batch.figures_year or datetime.date.today().year - 1
        return ImportMappingForm(
            data, headers=self.batch.headers, mapping=self.batch.column_mapping(), initial={"figures_year": year}
        )

    def get_context_data(self, **kwargs):
        sheet_form = None
        if len(self.batch.sheet_names) > 1:
            sheet_form = ImportSheetForm(initial={"sheet": self.batch.sheet}, sheets=self.batch.sheet_names)
        return super().get_context_data(
            batch=self.batch, sheet_form=sheet_form, sheet_message=_sheet_message(self.batch), **kwargs
        )

    def get(self, request, *args, **kwargs):
        batch = self.batch
        if request.htmx and batch.status != ImportBatch.Status.READING:
            return HttpResponseClientRefresh()  # read: the whole page shows the columns
        if batch.status == ImportBatch.Status.READING:
            return self.progress(self.template_name)
        if not batch.file or batch.status not in (*self.EDITABLE, ImportBatch.Status.UNREADABLE):
            # Being checked or imported, or imported; or its file removed by registry.cleanup after
            # IMPORT_FILE_RETENTION_DAYS: the batch's page says which.
            return redirect(batch)
        if batch.status == ImportBatch.Status.UNREADABLE:
            return TemplateResponse(request, self.template_name, {"batch": batch})
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.batch.file:
            return redirect(self.batch)
        if self.batch.status not in self.EDITABLE:
            messages.info(request, _("Berkas ini sedang dibaca, diperiksa atau diimpor."))
            return redirect(self.batch)
        if "sheet" not in request.POST:
            return super().post(request, *args, **kwargs)
        form = ImportSheetForm(request.POST, sheets=self.batch.sheet_names)
        if form.is_valid() and form.cleaned_data["sheet"] != self.batch.sheet:
            read_sheet_again(self.batch, sheet=form.cleaned_data["sheet"])
        return redirect("registry:import_mapping", pk=self.batch.pk)

    def form_valid(self, form):
        mapping = form.mapping()
        for index, target in mapping.items():
            header = import_header(self.batch.headers[index])
            if header:
                ImportColumnMemory.objects.update_or_create(
                    user=self.request.user, header=header, defaults={"target": target}
                )
        queue_check(self.batch, mapping=mapping, figures_year=form.cleaned_data["figures_year"])
        return redirect("registry:import_preview", pk=self.batch.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ImportPreviewView(ImportBatchMixin, View):
    """Every row as the worker checked it: how many are valid, the errors per row, and the two ways to
    import; while a worker checks or imports, its progress."""

    @method_decorator(never_cache)
    def get(self, request, pk):
        batch = self.batch
        if request.htmx and not batch.working:
            return HttpResponseClientRefresh()  # the work has ended: the whole page shows its outcome
        if batch.status in (ImportBatch.Status.READING, ImportBatch.Status.UNREADABLE) and not request.htmx:
            return redirect("registry:import_mapping", pk=pk)
        if batch.working:
            return self.progress("registry/import_preview.html")
        if not batch.file:
            return TemplateResponse(request, "registry/import_preview.html", {"batch": batch, "file_removed": True})
        if not batch.checked_at and batch.status in ImportMappingView.EDITABLE:
            return redirect("registry:import_mapping", pk=pk)  # not checked yet, or the check stopped
        if request.GET.get("gagal") == "csv":
            return self.failed_rows(batch)
        context = {"batch": batch, **batch.preview}
        return TemplateResponse(request, "registry/import_preview.html", context)

    def failed_rows(self, batch):
        """The failed rows' file the worker wrote, streamed from the storage."""
        name = f"gagal-{batch.pk}.csv"
        if not batch.failed_file:  # no row failed: the header and the reasons' column only
            response = HttpResponse(failed_rows_csv(batch.headers, []), content_type="text/csv")
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        return stored_file_response(batch.failed_file, content_type="text/csv", filename=name, as_attachment=True)

    @method_decorator(never_cache)
    def post(self, request, pk):
        batch = self.batch
        if not batch.file:
            return redirect(batch)
        if not queue_import(batch, all_or_nothing=request.POST.get("mode") != "valid"):
            messages.info(request, _("Berkas ini sudah diimpor atau sedang diimpor."))
            return redirect(batch)
        messages.info(
            request,
            ngettext(
                "%(batch_total_rows)s baris sedang diimpor; kemajuannya tampil di sini.",
                "%(batch_total_rows)s baris sedang diimpor; kemajuannya tampil di sini.",
                batch.total_rows,
            )
            % {"batch_total_rows": batch.total_rows},
        )
        return redirect(batch)
