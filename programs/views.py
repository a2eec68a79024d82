import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView
from django_tables2 import LazyPaginator, SingleTableMixin

from programs.filtersets import BankReferralFilterSet
from programs.forms import BankReferralForm, ReferralStepForm
from programs.models import BankOfficer, BankReferral
from programs.services import allowed_transitions, move_referral, refer_to_bank
from programs.tables import BankReferralTable
from registry.exports import neutralise
from registry.models import AccessLog, Business, YearlyFigure
from registry.permissions import AreaRestrictedMixin

#
# Bank referrals
#

# Button labels say what the step does, not the status it leads to.
STEP_LABELS = {
    BankReferral.Status.SENT: "Kirim ke bank",
    BankReferral.Status.PROCESSING: "Tandai sedang diproses",
    BankReferral.Status.APPROVED: "Setujui",
    BankReferral.Status.REJECTED: "Tolak",
    BankReferral.Status.DISBURSED: "Catat pencairan",
    BankReferral.Status.CANCELLED: "Batalkan rujukan",
}


class BankReferralListView(AreaRestrictedMixin, SingleTableMixin, FilterView):
    """Referrals of the user's area, or, for a bank officer, those sent to their bank."""

    permission_required = "programs.view_bankreferral"
    model = BankReferral
    table_class = BankReferralTable
    filterset_class = BankReferralFilterSet
    table_pagination = {"per_page": 25, "paginator_class": LazyPaginator}
    template_name = "programs/bankreferral_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("business__kecamatan", "bank")


class BankReferralExportView(AreaRestrictedMixin, FilterView):
    """The filtered referrals as CSV (no personal data), logged like every export."""

    permission_required = "programs.view_bankreferral"
    model = BankReferral
    filterset_class = BankReferralFilterSet

    def get(self, request, *args, **kwargs):
        filterset = self.get_filterset(self.get_filterset_class())
        if filterset.is_bound and not filterset.is_valid():
            messages.error(request, "Filter ekspor tidak valid; periksa pilihan Anda.")
            return redirect("programs:bankreferral_list")
        referrals = filterset.qs.select_related("business__kecamatan", "bank")
        filters = {key: value for key, value in request.GET.items() if key in filterset.filters and value}
        AccessLog.objects.create(
            user=request.user,
            action=AccessLog.Action.EXPORT,
            object_type="bankreferral",
            detail={"format": "csv", "filters": filters},
            row_count=referrals.count(),
        )
        header = [
            "Usaha",
            "Kecamatan",
            "Bank",
            "Produk",
            "Diajukan",
            "Disetujui",
            "Dicairkan",
            "Tanggal cair",
            "Status",
            "Dibuat",
        ]

        def rows():
            yield header
            for r in referrals.iterator(chunk_size=2000):
                yield [
                    neutralise(value)
                    for value in (
                        r.business.name,
                        r.business.kecamatan.name,
                        r.bank.short_name,
                        r.get_credit_product_display(),
                        r.amount_requested,
                        r.amount_approved or "",
                        r.amount_disbursed or "",
                        r.disbursed_on.strftime("%d-%m-%Y") if r.disbursed_on else "",
                        r.get_status_display(),
                        timezone.localtime(r.created_at).strftime("%d-%m-%Y"),
                    )
                ]

        class Echo:
            def write(self, value):
                return value

        writer = csv.writer(Echo())
        response = StreamingHttpResponse((writer.writerow(row) for row in rows()), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="rujukan-{timezone.localtime():%Y%m%d-%H%M}.csv"'
        return response


class BankReferralDetailView(AreaRestrictedMixin, DetailView):
    """The referral and its steps; a bank officer sees only what a loan officer needs."""

    permission_required = "programs.view_bankreferral"
    model = BankReferral
    template_name = "programs/bankreferral_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "business__kecamatan__kabupaten", "business__desa", "business__owner", "bank", "referred_by"
            )
        )

    def get_context_data(self, **kwargs):
        referral = self.object
        is_bank = BankOfficer.objects.filter(user=self.request.user).exists()
        latest = YearlyFigure.objects.filter(business=referral.business_id).order_by("-year").first()
        return super().get_context_data(
            is_bank=is_bank,
            latest_figure=latest,
            events=referral.events.select_related("by"),
            steps=[
                {"value": status, "label": STEP_LABELS[status]}
                for status in allowed_transitions(referral, self.request.user)
            ],
            **kwargs,
        )


class BankReferralCreateView(AreaRestrictedMixin, FormView):
    """Refer one of the area's businesses to a bank; the referral starts as a draft."""

    permission_required = "programs.add_bankreferral"
    model = Business  # the area check runs on the business being referred
    form_class = BankReferralForm
    template_name = "programs/bankreferral_form.html"

    @cached_property
    def business(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(business=self.business, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            referral = refer_to_bank(
                self.business,
                bank=data["bank"],
                credit_product=data["credit_product"],
                amount=data["amount_requested"],
                purpose=data["purpose"],
                by=self.request.user,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Rujukan tersimpan sebagai draf. Periksa, lalu kirim ke bank.")
        return redirect(referral)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class BankReferralStepView(AreaRestrictedMixin, View):
    """Move a referral one step; who may take which step is decided by programs.services."""

    permission_required = "programs.view_bankreferral"
    model = BankReferral

    def post(self, request, pk):
        referral = get_object_or_404(self.get_queryset(), pk=pk)
        form = ReferralStepForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return redirect(referral)
        data = form.cleaned_data
        try:
            move_referral(
                referral,
                to_status=data["to_status"],
                by=request.user,
                note=data["note"],
                amount=data["amount"],
                on=data["on"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(referral)
        referral.refresh_from_db()
        messages.success(request, f"Status rujukan: {referral.get_status_display()}.")
        return redirect(referral)
