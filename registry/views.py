import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView
from django_filters.views import FilterView
from django_tables2 import LazyPaginator, SingleTableMixin

from registry.exports import export_businesses
from registry.filtersets import BusinessFilterSet, KecamatanFilterSet
from registry.history import change_history
from registry.models import AccessLog, Business, Kecamatan, LegalDocument, Product, ProductPhoto, YearlyFigure
from registry.permissions import AreaRestrictedMixin
from registry.services import reject_business, verify_business
from registry.tables import BusinessQueueTable, BusinessTable, DesaTable, KecamatanTable

#
# Regions
#


class KecamatanListView(AreaRestrictedMixin, SingleTableMixin, FilterView):
    permission_required = "registry.view_kecamatan"
    model = Kecamatan
    table_class = KecamatanTable
    filterset_class = KecamatanFilterSet
    table_pagination = {"per_page": 50}
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


class BusinessListView(AreaRestrictedMixin, SingleTableMixin, FilterView):
    """Members of the user's area with filters and one search box; pages without a full COUNT(*)."""

    permission_required = "registry.view_business"
    model = Business
    table_class = BusinessTable
    filterset_class = BusinessFilterSet
    table_pagination = {"per_page": 25, "paginator_class": LazyPaginator}
    template_name = "registry/business_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("owner", "desa", "kecamatan")


class BusinessExportView(AreaRestrictedMixin, FilterView):
    """The filtered list as CSV or Excel, personal data masked; every export is logged."""

    permission_required = "registry.export_business"
    model = Business
    filterset_class = BusinessFilterSet

    def get(self, request, *args, **kwargs):
        filterset = self.get_filterset(self.get_filterset_class())
        if not filterset.is_valid():
            messages.error(request, "Filter ekspor tidak valid; periksa pilihan Anda.")
            return redirect("registry:business_list")
        file_format = "csv" if request.GET.get("format") == "csv" else "xlsx"
        filters = {key: value for key, value in request.GET.items() if key in filterset.filters and value}
        return export_businesses(filterset.qs, file_format=file_format, user=request.user, filters=filters)


class BusinessDetailView(AreaRestrictedMixin, DetailView):
    """Everything about one business on one screen; opening it is logged (it shows personal data)."""

    permission_required = "registry.view_business"
    model = Business
    template_name = "registry/business_detail.html"

    def get_queryset(self):
        photos = Prefetch("photos", queryset=ProductPhoto.objects.order_by("created_at", "pk"))
        return (
            super()
            .get_queryset()
            .select_related("owner", "desa", "kecamatan__kabupaten", "registered_by", "verified_by")
            .prefetch_related(
                Prefetch("products", queryset=Product.objects.prefetch_related(photos).order_by("name", "pk")),
                Prefetch("documents", queryset=LegalDocument.objects.select_related("product").order_by("kind", "pk")),
                Prefetch("yearly_figures", queryset=YearlyFigure.objects.order_by("year")),
                "groups",
                "exports",
            )
        )

    def get_context_data(self, **kwargs):
        business = self.object
        AccessLog.objects.create(
            user=self.request.user, action=AccessLog.Action.VIEW, object_type="business", object_id=str(business.pk)
        )
        today = timezone.localdate()
        soon = today + datetime.timedelta(days=183)
        documents = [
            {
                "document": d,
                "expired": d.expires_on and d.expires_on < today,
                "soon": d.expires_on and today <= d.expires_on <= soon,
            }
            for d in business.documents.all()
        ]
        history = change_history(business.history.all(), business.owner.history.all())
        return super().get_context_data(documents=documents, history=history, **kwargs)


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
        action = request.POST.get("action")
        ids = [value for value in request.POST.getlist("business") if value.isdigit()]
        selected = list(self.get_queryset().filter(pk__in=ids))
        if action not in ("verify", "reject") or not selected:
            messages.error(request, "Pilih minimal satu usaha, lalu pilih Verifikasi atau Tolak.")
            return redirect("registry:business_queue")
        done, failed = 0, []
        for business in selected:
            try:
                if action == "verify":
                    verify_business(business, by=request.user)
                else:
                    reject_business(business, reason=request.POST.get("reason", ""), by=request.user)
                done += 1
            except ValidationError as error:
                failed.append(f"{business.name}: {' '.join(error.messages)}")
        if done:
            verb = "diverifikasi" if action == "verify" else "ditolak"
            messages.success(request, f"{done} usaha {verb}.")
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
                messages.success(request, f"{business.name} terverifikasi.")
            else:
                reject_business(business, reason=request.POST.get("reason", ""), by=request.user)
                messages.success(request, f"{business.name} ditolak; koordinator akan melihat alasannya.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(business)


#
# Product photos: files are served only through these views, after the area check
#


class ProductPhotoFileView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "registry.view_business"
    thumbnail = False

    def get(self, request, pk):
        photo = get_object_or_404(ProductPhoto.objects.visible_to(request.user), pk=pk)
        field = photo.thumbnail if self.thumbnail else photo.image
        try:
            handle = field.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=86400"
        return response
