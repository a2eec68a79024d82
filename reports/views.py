import csv
import mimetypes

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from programs.models import CurationCall, Training
from registry.exports import neutralise
from registry.models import AccessLog
from registry.paginators import LenientPaginationMixin
from registry.permissions import AreaRestrictedMixin
from reports import documents
from reports.cache import page_parts
from reports.coordinator import CoordinatorWorklist
from reports.figures import AreaDashboard, InquiryFigures
from reports.forms import OfficialCountUploadForm, SnapshotForm
from reports.impact import call_impact, training_impact
from reports.models import OfficialCount, ReportJob, Snapshot
from reports.national import national_counts
from reports.services import freeze_snapshot, load_official_counts, start_job
from umkm_portal.storage import stored_file_response


class DashboardView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The dinas dashboard of the user's area; `?unduh=csv&grafik=<key>` downloads one chart's table."""

    permission_required = "registry.view_business"
    template_name = "reports/dashboard.html"

    def get(self, request, *args, **kwargs):
        self.dashboard = AreaDashboard(request, request.GET)
        if request.GET.get("unduh") == "csv":
            chart = self.dashboard.chart(request.GET.get("grafik"))
            if chart is None and request.user.has_perm("programs.view_inquiry"):
                chart = InquiryFigures(self.dashboard).chart(request.GET.get("grafik"))
            if chart is None:
                raise Http404("Grafik tidak dikenal.")
            return _chart_csv(chart)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        dashboard = self.dashboard
        figures, bar, catching_up = page_parts(dashboard)
        return super().get_context_data(
            dashboard=dashboard,
            filter=dashboard.filter,
            query=self.request.GET.urlencode(),
            catching_up=dashboard.tallied and catching_up,
            figures_html=figures,
            bar_html=bar,
            **kwargs,
        )


def _chart_csv(chart):
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="dasbor-{chart.key}-{timezone.localdate():%Y%m%d}.csv"'
    writer = csv.writer(response)
    header, rows = chart.table()
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return response


class SummaryReportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The kabupaten summary and per-kecamatan recap, as Excel or as a printable PDF, with the dashboard's filters."""

    permission_required = "registry.export_business"
    file_format = "xlsx"

    def get(self, request):
        dashboard = AreaDashboard(request, request.GET)
        report = documents.SummaryReport(dashboard)
        AccessLog.objects.record(
            user=request.user,
            action=AccessLog.Action.EXPORT,
            object_type="report_summary",
            detail={"format": self.file_format, "filters": report.filters_used()},
        )
        if self.file_format == "pdf":
            content, content_type = report.pdf(), "application/pdf"
        else:
            content, content_type = report.xlsx(), documents.XLSX_TYPE
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{report.filename}.{self.file_format}"'
        return response


class NationalReportView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The aggregate counts national reporting asks for, as of the dashboard's end date."""

    permission_required = "registry.view_business"
    template_name = "reports/national.html"

    def get_context_data(self, **kwargs):
        dashboard = AreaDashboard(self.request, self.request.GET)
        return super().get_context_data(
            dashboard=dashboard, filter=dashboard.filter, sections=national_counts(dashboard), **kwargs
        )


class CoordinatorDashboardView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """A coordinator's kecamatan: members, what is missing, upcoming trainings, outcomes of their own work."""

    permission_required = "registry.use_worklist"
    template_name = "reports/coordinator.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(worklist=CoordinatorWorklist(self.request), **kwargs)


class ImpactView(AreaRestrictedMixin, DetailView):
    """Participants before and after a program beside comparable non-participants (reports.impact)."""

    template_name = "reports/impact.html"
    impact = None  # staticmethod(function(program, user))

    def get_context_data(self, **kwargs):
        return super().get_context_data(impact=self.impact(self.object, self.request.user), **kwargs)


class TrainingImpactView(ImpactView):
    permission_required = "programs.view_training"
    model = Training
    impact = staticmethod(training_impact)


class CurationImpactView(ImpactView):
    permission_required = "programs.view_curationcall"
    model = CurationCall
    impact = staticmethod(call_impact)


class SnapshotListView(AreaRestrictedMixin, LenientPaginationMixin, ListView):
    permission_required = "reports.view_snapshot"
    model = Snapshot
    template_name = "reports/snapshot_list.html"
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().select_related("kabupaten", "created_by")

    def get_context_data(self, **kwargs):
        form = SnapshotForm(user=self.request.user) if self.request.user.has_perm("reports.add_snapshot") else None
        return super().get_context_data(form=form, **kwargs)


class SnapshotCreateView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "reports.add_snapshot"

    def post(self, request):
        form = SnapshotForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                snapshot = freeze_snapshot(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("%(snapshot_title)s dibekukan.") % {"snapshot_title": snapshot.title})
                return redirect(snapshot)
        snapshots = Snapshot.objects.visible_to(request.user).select_related("kabupaten", "created_by")[:50]
        context = {"object_list": snapshots, "form": form}
        return TemplateResponse(request, "reports/snapshot_list.html", context, status=400)


class SnapshotDetailView(AreaRestrictedMixin, DetailView):
    permission_required = "reports.view_snapshot"
    model = Snapshot
    template_name = "reports/snapshot_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("kabupaten", "created_by")


class OfficialCountUploadView(AreaRestrictedMixin, FormView):
    """Load an open-data table of counts per kabupaten and year; list the counts loaded for the user's area."""

    permission_required = "reports.add_officialcount"
    model = OfficialCount
    form_class = OfficialCountUploadForm
    template_name = "reports/officialcount_form.html"
    # A province's table lists every kabupaten: name a few of the rows left out, and count the rest.
    REFUSED_SHOWN = 5

    def get_context_data(self, **kwargs):
        counts = self.get_queryset().select_related("kabupaten", "loaded_by")[:200]
        return super().get_context_data(object_list=counts, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            result = load_official_counts(upload.read(), filename=upload.name, by=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        counts = {"file": upload.name, "loaded": result.loaded, "unchanged": result.unchanged}
        summary = _("%(file)s: %(loaded)s dimuat, %(unchanged)s tidak berubah, %(refused)s tidak dimuat.")
        messages.success(self.request, summary % {**counts, "refused": len(result.refused)})
        if result.refused:
            shown = result.refused[: self.REFUSED_SHOWN]
            rest = len(result.refused) - len(shown)
            more = ngettext("… dan %(n)s baris lain.", "… dan %(n)s baris lain.", rest) % {"n": rest} if rest else ""
            messages.warning(self.request, " ".join([*shown, more]).strip())
        return redirect("reports:dashboard")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class BusinessExportJobView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Start a background export of the filtered business list and show its progress page."""

    permission_required = "registry.export_business"

    def post(self, request):
        params = {key: value for key, value in request.POST.items() if key not in ("csrfmiddlewaretoken",) and value}
        job = start_job(request, kind="business_xlsx", params=params)
        return redirect(job)


class JobDetailView(LoginRequiredMixin, DetailView):
    """Progress of a background export; htmx polls the progress part until the file is ready."""

    model = ReportJob
    slug_field = slug_url_kwarg = "token"
    template_name = "reports/job_detail.html"

    def get_queryset(self):
        return ReportJob.objects.visible_to(self.request.user)

    def get_template_names(self):
        if self.request.htmx:
            return ["reports/partials/_job_progress.html"]
        return [self.template_name]


class JobDownloadView(LoginRequiredMixin, View):
    def get(self, request, token):
        job = get_object_or_404(ReportJob.objects.visible_to(request.user), token=token, status=ReportJob.Status.DONE)
        if not job.file:
            raise Http404("Berkas tidak ada.")
        name = job.file.name.rsplit("/", 1)[-1]
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return stored_file_response(job.file, content_type=content_type, filename=name, as_attachment=True, max_age=0)
