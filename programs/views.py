from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from programs.certificates import certificate_pdf
from programs.filtersets import (
    BankReferralFilterSet,
    CurationSubmissionFilterSet,
    EnrollmentFilterSet,
    ExportFacilitationFilterSet,
    MentoringVisitFilterSet,
    PlacementFilterSet,
    TrainingFilterSet,
)
from programs.forms import (
    DEFAULT_CRITERIA,
    TRAINING_SCORE,
    AttendanceForm,
    BankForm,
    BankOfficerForm,
    BankOfficerUpdateForm,
    BankReferralForm,
    CancelForm,
    ChosenBusinessesForm,
    ChosenRowForm,
    CriterionFormSet,
    CurationCallForm,
    CurationScoreForm,
    ExportFacilitationForm,
    MentoringVisitForm,
    PlacementEndForm,
    PlacementForm,
    ReferralStepForm,
    ReportYearForm,
    RescheduleForm,
    SalesNoteForm,
    SessionEditFormSet,
    SessionFormSet,
    TrainingForm,
    VersionForm,
    no_officer_warning,
)
from programs.models import (
    Bank,
    BankOfficer,
    BankReferral,
    CurationCall,
    CurationSubmission,
    Enrollment,
    ExportFacilitation,
    MentoringVisit,
    Placement,
    Training,
    TrainingSession,
    officer_covers,
)
from programs.services import (
    add_bank_officer,
    add_sales_note,
    allowed_transitions,
    cancel_curation_call,
    cancel_training,
    close_follow_up,
    complete_enrollment,
    create_training,
    decide_enrollment,
    decide_submission,
    end_placement,
    mark_attendance,
    missing_document_labels,
    move_referral,
    nominate,
    nominees,
    open_curation_call,
    place_product,
    record_export,
    record_participant,
    record_visit,
    refer_to_bank,
    reschedule_curation_call,
    reschedule_training,
    save_bank,
    score_submission,
    similar_assistance_this_year,
    submit_to_curation,
    submittable,
    update_bank_officer,
    update_curation_call,
    update_training,
    why_not_cancel_call,
    why_not_cancel_training,
    why_not_edit_call,
    why_not_edit_training,
    why_not_nominate,
    why_not_record_participants,
    why_not_reschedule_call,
    why_not_reschedule_training,
    why_not_submit,
)
from programs.tables import (
    BankReferralTable,
    CurationSubmissionTable,
    EnrollmentTable,
    ExportFacilitationTable,
    MentoringVisitTable,
    PlacementTable,
    TrainingTable,
)
from registry import once
from registry.countries import country_name
from registry.exports import CsvExportMixin
from registry.history import change_history
from registry.models import Business, Category, Product, YearlyFigure
from registry.paginators import LazyPaginator, LenientPaginationMixin, TablePaginator
from registry.permissions import AreaRestrictedMixin
from registry.search import name_matches, too_short
from registry.views import BusinessPartView
from umkm_portal.accounts import mail_password_link

#
# Bank referrals
#

# Button labels say what the step does, not the status it leads to.
STEP_LABELS = {
    BankReferral.Status.SENT: _("Kirim ke bank"),
    BankReferral.Status.PROCESSING: _("Tandai sedang diproses"),
    BankReferral.Status.APPROVED: _("Setujui"),
    BankReferral.Status.REJECTED: _("Tolak"),
    BankReferral.Status.DISBURSED: _("Catat pencairan"),
    BankReferral.Status.CANCELLED: _("Batalkan rujukan"),
}


class PickList:
    """What a nomination or submission form offers: every row while they are few (a coordinator's kecamatan),
    else the rows matching a typed name, since a dinas's kabupaten holds thousands of members."""

    LIMIT = 200

    def __init__(self, queryset, query, *, match, shown_by=None):
        """`queryset` in an order an index serves (201 rows are read to know whether there are too many);
        `shown_by`, a key to show the rows in another order (by kecamatan name: sorted in the database, the
        dinas's 200,000 members were sorted for it)."""
        self.query = " ".join((query or "").split())[:100]
        # A name without three letters or digits in a row is not searched (registry.search.searchable: "ab" read
        # every product or business the trigram index points at, 10 s at a million); the box says why.
        self.too_short = too_short(self.query)
        searched = bool(self.query) and not self.too_short
        rows = list((match(queryset, self.query) if searched else queryset)[: self.LIMIT + 1])
        self.too_many = len(rows) > self.LIMIT
        self.rows = [] if self.too_many and not searched else rows[: self.LIMIT]
        if shown_by:
            self.rows.sort(key=shown_by)
        self.searchable = self.too_many or bool(self.query)
        self.none_left = not rows and not self.query  # nothing is left to offer at all


def by_kecamatan(business):
    """A member's place in a pick list: its kecamatan's name, then its own."""
    return (business.kecamatan.name, business.name, business.pk)


def _products_named(products, query):
    """Products whose own name or whose business's name matches `query`."""
    return products.filter(
        Q(pk__in=name_matches(Product.objects.all(), query).values("pk"))
        | Q(business__in=name_matches(Business.objects.all(), query).values("pk"))
    )


class WithHistoryMixin:
    """Adds the record's own change history (who, when, what) to its detail page."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(history=change_history(self.object.history.all()), **kwargs)


class BankReferralListView(AreaRestrictedMixin, SingleTableMixin, FilterView):
    """Referrals of the user's area, or, for a bank officer, those sent to their bank."""

    permission_required = "programs.view_bankreferral"
    model = BankReferral
    table_class = BankReferralTable
    filterset_class = BankReferralFilterSet
    table_pagination = {"per_page": 25, "paginator_class": LazyPaginator}
    template_name = "programs/bankreferral_list.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("business__kecamatan__kabupaten", "bank")
            .annotate(has_officer=officer_covers(OuterRef("bank"), OuterRef("business__kecamatan__kabupaten")))
        )


def _money(value):
    return "" if value is None else int(value)


def _date(value):
    return value.strftime("%d-%m-%Y") if value else ""


class BankReferralExportView(CsvExportMixin, BankReferralListView):
    """The filtered referrals as CSV (no personal data), logged like every export."""

    export_only = True
    export_object_type = "bankreferral"
    export_filename = "rujukan"
    export_columns = [
        (_("Usaha"), lambda r: r.business.name),
        (_("Kecamatan"), lambda r: r.business.kecamatan.name),
        (_("Kabupaten/kota"), lambda r: r.business.kecamatan.kabupaten.name),
        (_("Bank"), lambda r: r.bank.short_name),
        (_("Petugas bank di portal"), lambda r: _("ada") if r.has_officer else _("belum ada")),
        (_("Produk"), lambda r: r.get_credit_product_display()),
        (_("Diajukan"), lambda r: _money(r.amount_requested)),
        (_("Disetujui"), lambda r: _money(r.amount_approved)),
        (_("Dicairkan"), lambda r: _money(r.amount_disbursed)),
        (_("Tanggal cair"), lambda r: _date(r.disbursed_on)),
        (_("Status"), lambda r: r.get_status_display()),
        (_("Dibuat"), lambda r: _date(timezone.localtime(r.created_at))),
    ]


class BankReferralDetailView(WithHistoryMixin, AreaRestrictedMixin, DetailView):
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
        kabupaten = referral.business.kecamatan.kabupaten
        no_officer = not is_bank and not (
            BankOfficer.objects.active().filter(bank=referral.bank_id).covering(kabupaten).exists()
        )
        return super().get_context_data(
            is_bank=is_bank,
            no_officer=no_officer_warning(referral.bank, kabupaten) if no_officer else "",
            latest_figure=latest,
            events=referral.events.select_related("by"),
            steps=[
                {"value": status, "label": STEP_LABELS[status]}
                for status in allowed_transitions(referral, self.request.user)
            ],
            **kwargs,
        )


class BankReferralCreateView(BusinessPartView):
    """Refer one of the area's businesses to a bank; the referral starts as a draft."""

    permission_required = "programs.add_bankreferral"
    form_class = BankReferralForm
    template_name = "programs/bankreferral_form.html"
    success_message = _("Rujukan tersimpan sebagai draf. Periksa, lalu kirim ke bank.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "business": self.business}

    def save(self, form):
        data = form.cleaned_data
        return refer_to_bank(
            self.business,
            bank=data["bank"],
            credit_product=data["credit_product"],
            amount=data["amount_requested"],
            purpose=data["purpose"],
            by=self.request.user,
        )

    def get_success_target(self, referral):
        return referral


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
                version=data["version"],
                note=data["note"],
                amount=data["amount"],
                on=data["on"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(referral)
        referral.refresh_from_db()
        messages.success(request, _("Status rujukan: %(status)s.") % {"status": referral.get_status_display()})
        return redirect(referral)


#
# Banks and their officers, managed by the dinas (the rules: programs.services.save_bank, add_bank_officer)
#


class BankListView(AreaRestrictedMixin, LenientPaginationMixin, ListView):
    """The banks serving the user's kabupaten, where each serves, and their officers there."""

    permission_required = "programs.view_bankofficer"
    model = Bank
    paginate_by = 50
    template_name = "programs/bank_list.html"

    def get_queryset(self):
        user = self.request.user
        officers = BankOfficer.objects.visible_to(user).select_related("user", "kabupaten").order_by("user__username")
        return (
            super()
            .get_queryset()
            .prefetch_related("provinces", "kabupaten", Prefetch("officers", queryset=officers, to_attr="shown"))
            .annotate(
                editable=Exists(Bank.objects.editable_by(user).filter(pk=OuterRef("pk"))),
                whole_area=Exists(BankOfficer.objects.active().filter(bank=OuterRef("pk"), kabupaten__isnull=True)),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_range"] = context["paginator"].get_elided_page_range(context["page_obj"].number)
        return context


class BankEditMixin(AreaRestrictedMixin):
    """Create (no pk) or change a bank and where it serves."""

    model = Bank
    template_name = "programs/bank_form.html"

    def render(self, form, bank=None, status=200):
        return TemplateResponse(self.request, self.template_name, {"form": form, "bank": bank}, status=status)

    def save(self, form, bank):
        data = form.cleaned_data
        return save_bank(
            bank,
            nationwide=data.get("nationwide", False),
            provinces=data.get("provinces", []),
            kabupaten=data["kabupaten"],
            by=self.request.user,
        )


class BankCreateView(BankEditMixin, View):
    permission_required = "programs.add_bank"

    def get(self, request):
        return self.render(BankForm(user=request.user))

    def post(self, request):
        made = once.made_by(request)
        if made:
            return once.show_again(request, made)
        form = BankForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            bank, url = once.create_once(request, lambda: self.save(form, form.save(commit=False)))
        except ValidationError as error:
            _add_service_error(form, error)
            return self.render(form, status=400)
        if bank is None:
            return once.show_again(request, url)
        messages.success(
            request, _("%(bank)s tersimpan. Tambahkan petugasnya agar rujukan dapat dibaca bank.") % {"bank": bank}
        )
        return redirect(url)


class BankUpdateView(BankEditMixin, View):
    """Change a bank of the user's own kabupaten; a shared (national, provincial) bank is the admin's: 403."""

    permission_required = "programs.change_bank"

    def get_bank(self):
        bank = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if not Bank.objects.editable_by(self.request.user).filter(pk=bank.pk).exists():
            raise PermissionDenied(_("Bank ini juga melayani wilayah lain; hanya admin portal yang dapat mengubahnya."))
        return bank

    def get(self, request, pk):
        bank = self.get_bank()
        return self.render(BankForm(instance=bank, user=request.user), bank)

    def post(self, request, pk):
        bank = self.get_bank()
        form = BankForm(request.POST, instance=bank, user=request.user)
        if not form.is_valid():
            return self.render(form, bank, status=400)
        try:
            bank = self.save(form, form.save(commit=False))
        except ValidationError as error:
            _add_service_error(form, error)
            return self.render(form, bank, status=400)
        messages.success(request, _("%(bank)s tersimpan.") % {"bank": bank})
        return redirect(bank)


def _link_message(request, sent, user):
    if sent:
        messages.info(
            request,
            _("Tautan untuk membuat kata sandi dikirim ke %(email)s; berlaku satu jam dan sekali pakai.")
            % {"email": user.email},
        )
    else:
        messages.warning(
            request, _("Terlalu banyak tautan ke alamat ini dalam satu jam; kirim ulang nanti dari halaman petugas.")
        )


class BankOfficerCreateView(AreaRestrictedMixin, View):
    """Add an officer's account to a bank serving the user's kabupaten; the officer sets the password."""

    permission_required = "programs.add_bankofficer"
    model = Bank
    template_name = "programs/bankofficer_form.html"

    def render(self, form, bank, status=200):
        return TemplateResponse(self.request, self.template_name, {"form": form, "bank": bank}, status=status)

    def get(self, request, pk):
        bank = get_object_or_404(self.get_queryset(), pk=pk)
        return self.render(BankOfficerForm(user=request.user, bank=bank), bank)

    def post(self, request, pk):
        bank = get_object_or_404(self.get_queryset(), pk=pk)
        made = once.made_by(request)
        if made:
            return once.show_again(request, made)
        form = BankOfficerForm(request.POST, user=request.user, bank=bank)
        if not form.is_valid():
            return self.render(form, bank, status=400)
        sent = []

        def create():
            officer = add_bank_officer(bank, by=request.user, **form.cleaned_data)
            sent.append(mail_password_link(officer.user, request, new_account=True))
            return officer

        try:
            officer, url = once.create_once(request, create)
        except ValidationError as error:
            _add_service_error(form, error)
            return self.render(form, bank, status=400)
        if officer is None:
            return once.show_again(request, url)
        messages.success(request, _("Akun petugas %(name)s tersimpan.") % {"name": officer.user.username})
        _link_message(request, sent[0], officer.user)
        return redirect(bank)


class BankOfficerUpdateView(AreaRestrictedMixin, View):
    """An officer of the user's kabupaten: name, e-mail, active or not, and a new set-password link."""

    permission_required = "programs.change_bankofficer"
    model = BankOfficer
    template_name = "programs/bankofficer_form.html"

    def get_officer(self):
        return get_object_or_404(self.get_queryset().select_related("user", "bank", "kabupaten"), pk=self.kwargs["pk"])

    def render(self, form, officer, status=200):
        context = {"form": form, "officer": officer, "bank": officer.bank}
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        officer = self.get_officer()
        user = officer.user
        initial = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
        return self.render(BankOfficerUpdateForm(initial={**initial, "is_active": user.is_active}), officer)

    def post(self, request, pk):
        officer = self.get_officer()
        if "send_link" in request.POST:
            if not officer.user.is_active:
                messages.error(request, _("Akun ini nonaktif; aktifkan dulu sebelum mengirim tautan."))
            else:
                _link_message(request, mail_password_link(officer.user, request), officer.user)
            return redirect(officer)
        form = BankOfficerUpdateForm(request.POST)
        if not form.is_valid():
            return self.render(form, officer, status=400)
        try:
            update_bank_officer(officer, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_error(form, error)
            return self.render(form, officer, status=400)
        messages.success(request, _("Data petugas %(name)s tersimpan.") % {"name": officer.user.username})
        return redirect(officer.bank)


#
# Trainings
#


class TrainingListView(AreaRestrictedMixin, SingleTableMixin, FilterView):
    permission_required = "programs.view_training"
    model = Training
    table_class = TrainingTable
    filterset_class = TrainingFilterSet
    table_pagination = {"per_page": 25, "paginator_class": TablePaginator}
    template_name = "programs/training_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("kabupaten").with_seats_taken()


class TrainingCreateView(AreaRestrictedMixin, View):
    permission_required = "programs.add_training"
    model = Training
    template_name = "programs/training_form.html"

    def render(self, form, sessions, status=200):
        return TemplateResponse(self.request, self.template_name, {"form": form, "sessions": sessions}, status=status)

    def get(self, request):
        return self.render(TrainingForm(user=request.user), SessionFormSet(prefix="session"))

    def post(self, request):
        made = once.made_by(request)
        if made:
            return once.show_again(request, made)
        form = TrainingForm(request.POST, user=request.user)
        sessions = SessionFormSet(request.POST, prefix="session")
        if not (form.is_valid() and sessions.is_valid()):
            return self.render(form, sessions, status=400)
        rows = [s.save(commit=False) for s in sessions if s.has_changed() and s.cleaned_data]
        try:
            training, url = once.create_once(
                request,
                lambda: create_training(
                    form.save(commit=False),
                    sessions=rows,
                    target_kecamatan=form.cleaned_data["target_kecamatan"],
                    mentors=form.cleaned_data["mentors"],
                    by=request.user,
                ),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.render(form, sessions, status=400)
        if training is None:
            return once.show_again(request, url)
        messages.success(request, _("Pelatihan tersimpan. Anggota kini dapat dinominasikan di halaman ini."))
        return redirect(url)


class TrainingDetailView(WithHistoryMixin, AreaRestrictedMixin, DetailView):
    """A training: sessions, mentors, seats, and the participants the viewer may see."""

    permission_required = "programs.view_training"
    model = Training
    template_name = "programs/training_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("kabupaten", "cancelled_by")
            .prefetch_related("sessions", "mentors", "target_kecamatan")
            .with_seats_taken()
        )

    def get_context_data(self, **kwargs):
        training, user = self.object, self.request.user
        sessions = list(training.sessions.all())
        enrollments = list(
            Enrollment.objects.visible_to(user)
            .filter(training=training)
            .select_related("business__kecamatan")
            .annotate(attended=Count("attendances", filter=Q(attendances__present=True)))
        )
        candidates, nomination_closed = None, None
        if user.has_perm("programs.add_enrollment"):
            nomination_closed = why_not_nominate(training)
            if nomination_closed is None:
                members = (
                    nominees(training, Business.objects.visible_to(user))
                    .select_related("kecamatan")
                    .only("pk", "name", "kecamatan__name")
                    .order_by("kecamatan_id", "name", "pk")
                )
                asked = self.request.GET.get("anggota")
                candidates = PickList(members, asked, match=name_matches, shown_by=by_kecamatan)
                if candidates.none_left:
                    nomination_closed = _(
                        "Tidak ada lagi anggota aktif Anda yang sesuai sasaran pelatihan ini untuk dinominasikan."
                    )
                    candidates = None
        return super().get_context_data(
            sessions=sessions,
            enrollments=enrollments,
            candidates=candidates,
            nomination_closed=nomination_closed,
            steps=self.next_steps(training, user, sessions),
            record=self.record_form_context(training, user),
            confirmed_count=training.seats_taken,
            **kwargs,
        )

    def next_steps(self, training, user, sessions):
        """What the viewer may do with the training now, each with its page or the sentence why not."""
        if not user.has_perm("programs.change_training"):
            return []
        steps = [
            (_("Ubah data dan sesi"), "programs:training_update", why_not_edit_training(training)),
            (_("Jadwalkan ulang"), "programs:training_reschedule", why_not_reschedule_training(training)),
            (_("Batalkan pelatihan"), "programs:training_cancel", why_not_cancel_training(training)),
        ]
        rows = [
            {"label": label, "url": reverse(name, args=[training.pk]), "why_not": why} for label, name, why in steps
        ]
        if not training.is_cancelled and not sessions:
            rows.append({"label": _("Presensi"), "url": "", "why_not": _("Belum ada sesi: tambahkan sesi lewat Ubah.")})
        if not training.is_cancelled and not training.has_signatory:
            rows.append(
                {"label": _("Sertifikat"), "url": "", "why_not": _("Isi penanda tangan sertifikat lewat Ubah.")}
            )
        return rows

    def record_form_context(self, training, user):
        """The after-the-fact participant form: why it is closed, or the businesses matching the search."""
        if not user.has_perm("programs.manage_enrollment"):
            return None
        closed = why_not_record_participants(training)
        # A refused POST keeps its search (a hidden field) and marks each refused business with its reason.
        query = (self.request.POST.get("cari") or self.request.GET.get("cari", "")).strip()[:100]
        refused = getattr(self, "refused", {})
        matches = []
        refusal = too_short(query)
        if closed is None and query and not refusal:
            matches = list(
                name_matches(
                    Business.objects.visible_to(user).filter(kecamatan__kabupaten=training.kabupaten_id), query
                )
                .exclude(enrollments__training=training, enrollments__status=Enrollment.Status.CONFIRMED)
                .select_related("kecamatan")
                .order_by("name")[:50]
            )
            for business in matches:
                business.refused = refused.get(business.pk)
        return {"closed": closed, "query": query, "matches": matches, "too_short": refusal}


class VersionedEditMixin:
    """The version the form was read at travels in a hidden field; a stale save is refused (409)."""

    def posted_version(self, form):
        version = VersionForm.read(self.request.POST)
        if version is None:
            form.add_error(None, _("Formulir tidak lengkap; muat ulang halaman."))
        return version


def unsaved_rows(count):
    """The message of a table form (attendance, scores, booths) whose `count` rows were refused."""
    text = ngettext(
        "%(count)d baris belum tersimpan: perbaiki isian yang ditandai.",
        "%(count)d baris belum tersimpan: perbaiki isian yang ditandai.",
        count,
    )
    return text % {"count": count}


def _add_service_error(form, error):
    """A service's error on a field the form shows goes next to it; anything else on top."""
    errors = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
    for field, messages_ in errors.items():
        form.add_error(field if field in form.fields else None, messages_)


class VersionedUpdateView(VersionedEditMixin, AreaRestrictedMixin, View):
    """Edit one record through its service: the form as read at a version, saved by `save(obj, version)`,
    a stale save refused (409) with the service's words. A subclass names its form, its service call and
    its success message; `page_context(obj)` adds what its page shows besides the form."""

    form_class = None
    context_object_name = None
    success_message = None

    def save(self, obj, version):
        raise NotImplementedError

    def page_context(self, obj):
        return {}

    def render(self, obj, form, version, status=200):
        context = {self.context_object_name: obj, "form": form, "version": version, **self.page_context(obj)}
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        obj = get_object_or_404(self.get_queryset(), pk=pk)
        return self.render(obj, self.form_class(instance=obj, user=request.user), obj.version)

    def post(self, request, pk):
        obj = get_object_or_404(self.get_queryset(), pk=pk)
        form = self.form_class(request.POST, instance=obj, user=request.user)
        version = self.posted_version(form)
        if not form.is_valid() or version is None:
            return self.render(obj, form, request.POST.get("version", ""), status=400)
        try:
            self.save(form.instance, version)
        except ValidationError as error:
            _add_service_error(form, error)
            return self.render(obj, form, version, status=409)
        messages.success(request, self.success_message)
        return redirect(obj)


class TrainingUpdateView(VersionedEditMixin, AreaRestrictedMixin, View):
    """Correct a training (a typo, a date, a session, the signatory), even after it was held."""

    permission_required = "programs.change_training"
    model = Training
    template_name = "programs/training_form.html"

    def render(self, training, form, sessions, version, status=200):
        context = {
            "training": training,
            "form": form,
            "sessions": sessions,
            "version": version,
            "blocked": why_not_edit_training(training),
        }
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        training = get_object_or_404(self.get_queryset(), pk=pk)
        form = TrainingForm(instance=training, user=request.user)
        sessions = SessionEditFormSet(instance=training, prefix="session")
        return self.render(training, form, sessions, training.version)

    def post(self, request, pk):
        training = get_object_or_404(self.get_queryset(), pk=pk)
        form = TrainingForm(request.POST, instance=training, user=request.user)
        sessions = SessionEditFormSet(request.POST, instance=training, prefix="session")
        version = self.posted_version(form)
        if not (form.is_valid() and sessions.is_valid()) or version is None:
            return self.render(training, form, sessions, request.POST.get("version", ""), status=400)
        rows = sessions.save(commit=False)
        try:
            update_training(
                form.instance,
                version=version,
                by=request.user,
                sessions=rows,
                removed_sessions=sessions.deleted_objects,
                target_kecamatan=form.cleaned_data["target_kecamatan"],
                mentors=form.cleaned_data["mentors"],
            )
        except ValidationError as error:
            _add_service_error(form, error)
            return self.render(training, form, sessions, version, status=409)
        messages.success(request, _("Perubahan pelatihan tersimpan."))
        return redirect(training)


class ScheduleChangeView(VersionedEditMixin, AreaRestrictedMixin, View):
    """Reschedule or cancel a training or a curation call: a short form with the reason, then the service."""

    template_name = "programs/schedule_change_form.html"
    form_class = None
    title = ""
    button = ""
    success_message = ""

    def guard(self, obj):
        raise NotImplementedError

    def apply(self, obj, data, version):
        raise NotImplementedError

    def get_initial(self, obj):
        return {}

    def render(self, obj, form, version, status=200):
        context = {
            "object": obj,
            "form": form,
            "version": version,
            "title": self.title,
            "button": self.button,
            "blocked": self.guard(obj),
        }
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        obj = get_object_or_404(self.get_queryset(), pk=pk)
        return self.render(obj, self.form_class(initial=self.get_initial(obj)), obj.version)

    def post(self, request, pk):
        obj = get_object_or_404(self.get_queryset(), pk=pk)
        form = self.form_class(request.POST)
        version = self.posted_version(form)
        if not form.is_valid() or version is None:
            return self.render(obj, form, request.POST.get("version", ""), status=400)
        try:
            self.apply(obj, form.cleaned_data, version)
        except ValidationError as error:
            _add_service_error(form, error)
            return self.render(obj, form, version, status=409)
        messages.success(request, self.success_message)
        return redirect(obj)


class TrainingRescheduleView(ScheduleChangeView):
    permission_required = "programs.change_training"
    model = Training
    form_class = RescheduleForm
    title = _("Jadwalkan ulang pelatihan")
    button = _("Simpan jadwal baru")
    success_message = _("Jadwal baru tersimpan; peserta dan koordinator melihat alasannya di halaman pelatihan.")

    def guard(self, obj):
        return why_not_reschedule_training(obj)

    def get_initial(self, obj):
        return {"start_on": obj.start_on, "end_on": obj.end_on}

    def apply(self, obj, data, version):
        reschedule_training(
            obj,
            start_on=data["start_on"],
            end_on=data["end_on"],
            reason=data["reason"],
            version=version,
            by=self.request.user,
        )


class TrainingCancelView(ScheduleChangeView):
    permission_required = "programs.change_training"
    model = Training
    form_class = CancelForm
    title = _("Batalkan pelatihan")
    button = _("Batalkan pelatihan")
    success_message = _("Pelatihan dibatalkan; peserta dan koordinator melihat alasannya di halaman pelatihan.")

    def guard(self, obj):
        return why_not_cancel_training(obj)

    def apply(self, obj, data, version):
        cancel_training(obj, reason=data["reason"], version=version, by=self.request.user)


class TrainingRecordParticipantsView(TrainingDetailView):
    """The dinas records after the fact who took part in a training that has started or was held; a refused
    business comes back ticked in the same search, with its reason beside it."""

    permission_required = "programs.manage_enrollment"
    http_method_names = ["post"]

    def post(self, request, pk):
        training = get_object_or_404(self.get_queryset(), pk=pk)
        chosen = ChosenBusinessesForm(request.POST, queryset=Business.objects.visible_to(request.user))
        businesses = list(chosen.cleaned_data["business"].select_related("kecamatan")) if chosen.is_valid() else []
        if not businesses:
            messages.error(request, _("Pilih usaha yang ikut pelatihan."))
            return redirect(training)
        recorded, refused = [], {}
        for business in businesses:
            try:
                record_participant(training, business, by=request.user)
                recorded.append(business.name)
            except ValidationError as error:
                refused[business.pk] = " ".join(error.messages)
        if recorded:
            messages.success(
                request,
                _("Tercatat sebagai peserta: %(names)s. Lanjutkan dengan presensi tiap sesi, lalu nilai.")
                % {"names": ", ".join(recorded)},
            )
        if not refused:
            return redirect(training)
        messages.error(request, _("Sebagian usaha belum tercatat: lihat alasannya di daftar."))
        self.object = training
        self.refused = refused
        return self.render_to_response(self.get_context_data(object=training), status=400)


class TrainingNominateView(AreaRestrictedMixin, View):
    """A coordinator or the dinas nominates a member of their area; a similar training this year gives a warning."""

    permission_required = "programs.add_enrollment"
    model = Training

    def post(self, request, pk):
        training = get_object_or_404(self.get_queryset(), pk=pk)
        made = once.made_by(request)
        if made:
            return once.show_again(request, made)
        members = Business.objects.visible_to(request.user)
        business = ChosenRowForm(request.POST, field="business", queryset=members).chosen
        if business is None:
            messages.error(request, _("Pilih anggota yang akan dinominasikan."))
            return redirect(training)

        def create():
            nominate(training, business, by=request.user)
            return training  # the nominee is shown on the training's page

        try:
            shown, url = once.create_once(request, create)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(training)
        if shown is None:
            return once.show_again(request, url)
        for other in similar_assistance_this_year(business, training.kind):
            messages.warning(
                request,
                _("%(business_name)s sudah mengikuti pelatihan sejenis tahun ini: %(other_title)s.")
                % {"business_name": business.name, "other_title": other.title},
            )
        if request.user.has_perm("programs.manage_enrollment"):  # the dinas nominating confirms it on this page
            done = _("%(name)s dinominasikan; konfirmasi di daftar peserta di bawah.")
        else:
            done = _("%(name)s dinominasikan; menunggu konfirmasi dinas.")
        messages.success(request, done % {"name": business.name})
        return redirect(training)


class EnrollmentDecisionView(AreaRestrictedMixin, View):
    permission_required = "programs.manage_enrollment"
    model = Enrollment

    def post(self, request, pk):
        enrollment = get_object_or_404(self.get_queryset().select_related("training", "business"), pk=pk)
        try:
            decide_enrollment(enrollment, confirm=request.POST.get("action") == "confirm", by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(enrollment.training)


class AttendanceView(AreaRestrictedMixin, View):
    """One session's attendance list: every confirmed participant, ticked in bulk."""

    permission_required = "programs.manage_enrollment"
    model = TrainingSession
    template_name = "programs/attendance_form.html"

    def get_queryset(self):
        return TrainingSession.objects.filter(training__in=Training.objects.visible_to(self.request.user))

    def get_session(self, pk):
        return get_object_or_404(self.get_queryset().select_related("training"), pk=pk)

    def get(self, request, pk):
        session = self.get_session(pk)
        present = set(session.attendances.filter(present=True).values_list("enrollment_id", flat=True))
        return self.render(session, present)

    def render(self, session, present, *, error=None, status=200):
        participants = session.training.enrollments.confirmed().select_related("business__kecamatan")
        context = {"session": session, "participants": participants, "present": present, "error": error}
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def post(self, request, pk):
        session = self.get_session(pk)
        form = AttendanceForm(request.POST, session=session)
        # A refused list comes back with its ticks (those still naming a participant), never emptied.
        posted = request.POST.getlist("present")
        ticked = {int(value) for value in posted if value.isascii() and value.isdigit() and len(value) < 19}
        if not form.is_valid():
            return self.render(
                session, ticked, error=_("Daftar hadir tidak dikenali; periksa centang lalu simpan lagi."), status=400
            )
        try:
            count = mark_attendance(session, present_ids=[e.pk for e in form.cleaned_data["present"]], by=request.user)
        except ValidationError as error:
            return self.render(session, ticked, error=" ".join(error.messages), status=400)
        messages.success(request, _("Presensi tersimpan: %(count)d hadir.") % {"count": count})
        return redirect(session.training)


class CompletionView(TrainingDetailView):
    """Scores and completion of all confirmed participants, saved in one go; a refused row comes back on the
    training's page with what was typed in it and its reason beside it, the other rows saved."""

    permission_required = "programs.manage_enrollment"
    http_method_names = ["post"]

    def post(self, request, pk):
        training = get_object_or_404(self.get_queryset(), pk=pk)
        refused, done = {}, 0
        for enrollment in training.enrollments.confirmed().select_related("business"):
            if f"pre-{enrollment.pk}" not in request.POST:
                continue  # not on the editor's page (confirmed after it was opened): left as it is
            typed = {
                "pre": request.POST.get(f"pre-{enrollment.pk}", "").strip()[:10],
                "post": request.POST.get(f"post-{enrollment.pk}", "").strip()[:10],
                "completed": request.POST.get(f"completed-{enrollment.pk}") == "on",
            }
            try:
                scores = (_score(typed["pre"]), _score(typed["post"]), typed["completed"])
                shown = _shown(request.POST.get(f"shown-{enrollment.pk}"))
                if shown == scores:
                    continue  # a row the editor did not change is not written (another may have meanwhile)
                complete_enrollment(
                    enrollment,
                    completed=scores[2],
                    pre_score=scores[0],
                    post_score=scores[1],
                    by=request.user,
                    shown=shown,
                )
                done += 1
            except ValidationError as error:
                refused[enrollment.pk] = {**typed, "error": " ".join(error.messages)}
        if done:
            saved = ngettext(
                "Nilai dan kelulusan %(count)d peserta tersimpan.",
                "Nilai dan kelulusan %(count)d peserta tersimpan.",
                done,
            )
            messages.success(request, saved % {"count": done})
        elif not refused:
            messages.info(request, _("Tidak ada nilai atau kelulusan yang berubah."))
        if not refused:
            return redirect(training)
        messages.error(request, unsaved_rows(len(refused)))
        self.object = training
        context = self.get_context_data(object=training)
        for enrollment in context["enrollments"]:
            enrollment.typed = refused.get(enrollment.pk)
        return self.render_to_response(context, status=400)


def _score(raw):
    return TRAINING_SCORE.clean(raw)


def _shown(raw):
    """A completion row as the page showed it ("pre|post|1"), as (pre, post, completed); None when the
    form did not carry it (a client of its own: nothing to compare)."""
    if raw is None:
        return None
    parts = raw.split("|")
    if len(parts) != 3 or parts[2] not in ("0", "1"):
        raise ValidationError(_("Formulir tidak lengkap; muat ulang halaman."))
    return (_score(parts[0]), _score(parts[1]), parts[2] == "1")


class CertificateView(AreaRestrictedMixin, View):
    """A printable PDF certificate for a participant who completed the training."""

    permission_required = "programs.view_enrollment"
    model = Enrollment

    def get(self, request, pk):
        enrollment = get_object_or_404(
            self.get_queryset()
            .filter(completed_at__isnull=False)
            .exclude(certificate_code="")
            .select_related("training__kabupaten", "business__owner"),
            pk=pk,
        )
        verify_url = request.build_absolute_uri(
            reverse("programs:certificate_verify", args=[enrollment.certificate_code])
        )
        response = HttpResponse(certificate_pdf(enrollment, verify_url=verify_url), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="sertifikat-{enrollment.pk}.pdf"'
        return response


class CertificateVerifyView(View):
    """Public: anyone holding a certificate (an employer, a bank) confirms it by its code or QR.

    Shows only what the certificate itself shows (the participant's name and business, the training and its
    dates); an unknown code, or a completion since withdrawn, answers 404.
    """

    template_name = "programs/certificate_verify.html"

    def get(self, request, code):
        enrollment = get_object_or_404(
            Enrollment.objects.filter(completed_at__isnull=False, training__cancelled_at__isnull=True).select_related(
                "training__kabupaten", "business__owner"
            ),
            certificate_code=code.upper(),
        )
        return TemplateResponse(
            request, self.template_name, {"enrollment": enrollment, "training": enrollment.training}
        )


#
# Mentoring
#


class MentoringVisitCreateView(BusinessPartView):
    permission_required = "programs.add_mentoringvisit"
    form_class = MentoringVisitForm
    title = _("Catat pendampingan")
    success_message = _("Kunjungan pendampingan tercatat.")

    def get_initial(self):
        return {"visited_on": timezone.localdate()}

    def save(self, form):
        record_visit(self.business, form.save(commit=False), by=self.request.user)

    def get_success_target(self, saved):
        """The ledger, where the new entry is read beside the others (the business page folds it)."""
        return reverse("programs:business_ledger", args=[self.business.pk])


class OverdueFollowUpListView(AreaRestrictedMixin, LenientPaginationMixin, ListView):
    """Mentoring follow-ups whose date has passed, oldest first, for the dinas to chase."""

    permission_required = "programs.view_mentoringvisit"
    model = MentoringVisit
    template_name = "programs/mentoringvisit_overdue.html"
    paginate_by = 50

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .overdue()
            .select_related("business__kecamatan", "mentor")
            .order_by("follow_up_on", "pk")
        )

    def post(self, request):
        # Anyone in the area may read the list; closing a follow-up is the dinas' call.
        if not request.user.has_perm("programs.change_mentoringvisit"):
            raise PermissionDenied
        visit = ChosenRowForm(request.POST, field="visit", queryset=self.get_queryset()).chosen
        if visit is None:
            raise Http404
        try:
            close_follow_up(visit, by=request.user)
            messages.success(
                request,
                _("Tindak lanjut %(visit_business_name)s ditandai selesai.")
                % {"visit_business_name": visit.business.name},
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("programs:mentoringvisit_overdue")


#
# Curation and placements
#


class CurationCallListView(AreaRestrictedMixin, LenientPaginationMixin, ListView):
    permission_required = "programs.view_curationcall"
    model = CurationCall
    template_name = "programs/curationcall_list.html"
    paginate_by = 25

    def get_queryset(self):
        calls = super().get_queryset().select_related("kabupaten").annotate(submission_count=Count("submissions"))
        return calls.order_by("-opens_on", "pk")  # a GROUP BY drops Meta.ordering


class CurationCallCreateView(AreaRestrictedMixin, View):
    permission_required = "programs.add_curationcall"
    model = CurationCall
    template_name = "programs/curationcall_form.html"

    def render(self, form, criteria, status=200):
        return TemplateResponse(self.request, self.template_name, {"form": form, "criteria": criteria}, status=status)

    def get(self, request):
        return self.render(
            CurationCallForm(user=request.user), CriterionFormSet(prefix="criterion", initial=DEFAULT_CRITERIA)
        )

    def post(self, request):
        made = once.made_by(request)
        if made:
            return once.show_again(request, made)
        form = CurationCallForm(request.POST, user=request.user)
        criteria = CriterionFormSet(request.POST, prefix="criterion")
        if not (form.is_valid() and criteria.is_valid()):
            return self.render(form, criteria, status=400)
        rows = [c.save(commit=False) for c in criteria if c.cleaned_data.get("name")]
        try:
            call, url = once.create_once(
                request, lambda: open_curation_call(form.save(commit=False), criteria=rows, by=request.user)
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.render(form, criteria, status=400)
        if call is None:
            return once.show_again(request, url)
        messages.success(request, _("Kurasi dibuka. Produk anggota kini dapat diajukan di halaman ini."))
        return redirect(url)


class CurationCallDetailView(WithHistoryMixin, AreaRestrictedMixin, DetailView):
    permission_required = "programs.view_curationcall"
    model = CurationCall
    template_name = "programs/curationcall_detail.html"
    # The newest submissions the page shows; the rest are on the curated products' list, filtered to the call
    # (a call with 20,000 submissions rendered them all: 4.3 s).
    submissions_shown = 50

    def get_context_data(self, **kwargs):
        call, user = self.object, self.request.user
        submissions = (
            CurationSubmission.objects.visible_to(user)
            .filter(call=call)
            .select_related("product__business__kecamatan", "placement")
        )
        products, submission_closed = None, None
        if user.has_perm("programs.add_curationsubmission"):
            submission_closed = why_not_submit(call)
            if submission_closed is None:
                offered = (
                    submittable(call, Product.objects.visible_to(user))
                    .select_related("business__kecamatan")
                    .order_by("business__kecamatan__name", "business__name", "name", "pk")
                )
                products = PickList(offered, self.request.GET.get("produk"), match=_products_named)
                if products.none_left:
                    submission_closed = _("Semua produk anggota Anda sudah diajukan ke kurasi ini.")
                    products = None
        steps = []
        if user.has_perm("programs.change_curationcall"):
            steps = [
                {"label": label, "url": reverse(name, args=[call.pk]), "why_not": why}
                for label, name, why in [
                    (_("Ubah data kurasi"), "programs:curationcall_update", why_not_edit_call(call)),
                    (_("Jadwalkan ulang"), "programs:curationcall_reschedule", why_not_reschedule_call(call)),
                    (_("Batalkan kurasi"), "programs:curationcall_cancel", why_not_cancel_call(call)),
                ]
            ]
        # The call's newest first, on its index (the model's order by call sorts by the calls' own order first).
        shown = list(submissions.order_by("-submitted_at", "pk")[: self.submissions_shown + 1])
        return super().get_context_data(
            criteria=call.criteria.all(),
            submissions=shown[: self.submissions_shown],
            all_submissions_url=(
                f"{reverse('programs:curationsubmission_list')}?call={call.pk}"
                if len(shown) > self.submissions_shown
                else ""
            ),
            products=products,
            submission_closed=submission_closed,
            steps=steps,
            **kwargs,
        )


class CurationCallUpdateView(VersionedUpdateView):
    """Correct a call's data (title, partner, dates, required documents); its rubric stays as scored."""

    permission_required = "programs.change_curationcall"
    model = CurationCall
    template_name = "programs/curationcall_update.html"
    form_class = CurationCallForm
    context_object_name = "curationcall"
    success_message = _("Perubahan kurasi tersimpan.")

    def page_context(self, call):
        return {"blocked": why_not_edit_call(call)}

    def save(self, call, version):
        update_curation_call(call, version=version, by=self.request.user)


class CurationCallRescheduleView(ScheduleChangeView):
    permission_required = "programs.change_curationcall"
    model = CurationCall
    form_class = RescheduleForm
    title = _("Jadwalkan ulang kurasi")
    button = _("Simpan jadwal baru")
    success_message = _("Jadwal pengajuan baru tersimpan; koordinator melihat alasannya di halaman kurasi.")

    def guard(self, obj):
        return why_not_reschedule_call(obj)

    def get_initial(self, obj):
        return {"start_on": obj.opens_on, "end_on": obj.closes_on}

    def apply(self, obj, data, version):
        reschedule_curation_call(
            obj,
            opens_on=data["start_on"],
            closes_on=data["end_on"],
            reason=data["reason"],
            version=version,
            by=self.request.user,
        )


class CurationCallCancelView(ScheduleChangeView):
    permission_required = "programs.change_curationcall"
    model = CurationCall
    form_class = CancelForm
    title = _("Batalkan kurasi")
    button = _("Batalkan kurasi")
    success_message = _("Kurasi dibatalkan; koordinator melihat alasannya di halaman kurasi.")

    def guard(self, obj):
        return why_not_cancel_call(obj)

    def apply(self, obj, data, version):
        cancel_curation_call(obj, reason=data["reason"], version=version, by=self.request.user)


class CurationSubmitView(AreaRestrictedMixin, View):
    permission_required = "programs.add_curationsubmission"
    model = CurationCall

    def post(self, request, pk):
        call = get_object_or_404(self.get_queryset(), pk=pk)
        made = once.made_by(request)
        if made:
            return once.show_again(request, made)
        products = Product.objects.visible_to(request.user)
        product = ChosenRowForm(request.POST, field="product", queryset=products).chosen
        if product is None:
            messages.error(request, _("Pilih produk yang akan diajukan."))
            return redirect(call)
        try:
            submission, url = once.create_once(request, lambda: submit_to_curation(call, product, by=request.user))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(call)
        if submission is None:
            return once.show_again(request, url)
        missing = missing_document_labels(product, call.required_documents)
        if missing:
            messages.warning(request, _("Dokumen wajib belum lengkap: %(names)s.") % {"names": ", ".join(missing)})
        messages.success(request, _("%(product_name)s diajukan ke kurasi.") % {"product_name": product.name})
        return redirect(submission)


class CurationSubmissionDetailView(WithHistoryMixin, AreaRestrictedMixin, DetailView):
    """A submission: the rubric with scores, the decision and feedback, and the placement once it passed."""

    permission_required = "programs.view_curationsubmission"
    model = CurationSubmission
    template_name = "programs/curationsubmission_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("call", "product__business__kecamatan", "decided_by")

    def get_context_data(self, **kwargs):
        submission = self.object
        scores = {s.criterion_id: s.score for s in submission.scores.all()}
        rubric = [{"criterion": c, "score": scores.get(c.pk)} for c in submission.call.criteria.all()]
        placement = Placement.objects.filter(submission=submission).prefetch_related("sales_notes").first()
        return super().get_context_data(
            rubric=rubric,
            placement=placement,
            missing_now=missing_document_labels(submission.product, submission.call.required_documents),
            decisions=CurationSubmission.Decision.choices[1:],
            placement_form=PlacementForm(
                initial={
                    "channel": Placement.channel_of_call(submission.call.channel),
                    "partner": submission.call.partner,
                    "starts_on": timezone.localdate(),
                }
            ),
            sales_form=SalesNoteForm(initial={"month": timezone.localdate()}),
            **kwargs,
        )


class CurationActionView(AreaRestrictedMixin, View):
    """Score, decide, place, or note sales: each a POST from the submission page, each through a service."""

    permission_required = "programs.curate_product"
    model = CurationSubmission

    def post(self, request, pk, action):
        submission = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            if action in ("nilai", "putuskan"):  # both change what the page showed: optimistic locking
                read_at = VersionForm(request.POST)
                if not read_at.is_valid():
                    raise ValidationError(read_at.errors["version"])
                version = read_at.cleaned_data["version"]
            if action == "nilai":
                form = CurationScoreForm(request.POST, criteria=submission.call.criteria.all())
                if not form.is_valid():
                    return self.scores_refused(submission, form)
                score_submission(submission, scores=form.scores(), by=request.user, version=version)
                messages.success(request, _("Nilai tersimpan."))
            elif action == "putuskan":
                decide_submission(
                    submission,
                    decision=request.POST.get("decision", ""),
                    feedback=request.POST.get("feedback", ""),
                    by=request.user,
                    version=version,
                )
                messages.success(request, _("Keputusan kurasi tersimpan; koordinator dapat membaca masukannya."))
            elif action == "tempatkan":
                form = PlacementForm(request.POST)
                if not form.is_valid():
                    raise ValidationError([e for errors in form.errors.values() for e in errors])
                place_product(submission, by=request.user, **form.cleaned_data)
                messages.success(request, _("Penempatan produk tercatat."))
            elif action == "akhiri":
                placement = get_object_or_404(Placement, submission=submission)
                form = PlacementEndForm(request.POST)
                if not form.is_valid():
                    raise ValidationError([e for errors in form.errors.values() for e in errors])
                end_placement(placement, ends_on=form.cleaned_data["ends_on"], by=request.user)
                messages.success(request, _("Penempatan ditutup."))
            elif action == "penjualan":
                placement = get_object_or_404(Placement, submission=submission)
                form = SalesNoteForm(request.POST)
                if not form.is_valid():
                    raise ValidationError([e for errors in form.errors.values() for e in errors])
                add_sales_note(placement, form.save(commit=False), by=request.user)
                messages.success(request, _("Catatan penjualan tersimpan."))
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(submission)

    def scores_refused(self, submission, form):
        """The submission's page again with every score as typed and each refused one's reason beside it."""
        messages.error(self.request, _("Nilai belum tersimpan: perbaiki isian yang ditandai."))
        page = CurationSubmissionDetailView()
        page.setup(self.request, pk=submission.pk)
        page.object = submission
        context = page.get_context_data(object=submission)
        for row in context["rubric"]:
            name = f"score-{row['criterion'].pk}"
            row["typed"] = form.data.get(name, "")[:10]
            row["error"] = " ".join(form.errors.get(name, []))
        return TemplateResponse(self.request, page.template_name, context, status=400)


#
# Export facilitation
#


class ExportFacilitationCreateView(BusinessPartView):
    permission_required = "programs.add_exportfacilitation"
    form_class = ExportFacilitationForm
    title = _("Catat fasilitasi ekspor")
    success_message = _("Fasilitasi ekspor tercatat.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "business": self.business}

    def save(self, form):
        record_export(self.business, form.save(commit=False), by=self.request.user)

    def get_success_target(self, saved):
        """The ledger, where the new entry is read beside the others (the business page folds it)."""
        return reverse("programs:business_ledger", args=[self.business.pk])


class ExportReportView(AreaRestrictedMixin, ListView):
    """Exports of the user's area by country and by category for a year, the way Lamongan reports them."""

    permission_required = "programs.view_exportfacilitation"
    model = ExportFacilitation
    template_name = "programs/export_report.html"

    def get_year(self):
        return ReportYearForm.read(self.request.GET)

    def get_queryset(self):
        return super().get_queryset().filter(year=self.get_year())

    def get_context_data(self, **kwargs):
        rows = self.object_list
        by_country = rows.values("country").annotate(total=Sum("value"), count=Count("pk")).order_by("-total")
        by_category = (
            rows.values("business__category").annotate(total=Sum("value"), count=Count("pk")).order_by("-total")
        )
        categories = dict(Category.choices)
        return super().get_context_data(
            year=self.get_year(),
            by_country=[{**row, "name": country_name(row["country"])} for row in by_country],
            by_category=[{**row, "name": categories.get(row["business__category"], "-")} for row in by_category],
            grand_total=rows.aggregate(total=Sum("value"))["total"] or 0,
            records=rows.select_related("business", "product")[:200],
            **kwargs,
        )


#
# Program lists with filters and CSV exports
#


class ProgramListView(AreaRestrictedMixin, CsvExportMixin, SingleTableMixin, FilterView):
    """A filtered, paginated list of one kind of program record, downloadable as CSV with the same filters."""

    template_name = "programs/record_list.html"
    table_pagination = {"per_page": 25, "paginator_class": LazyPaginator}
    title = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)


class EnrollmentListView(ProgramListView):
    permission_required = "programs.view_enrollment"
    model = Enrollment
    table_class = EnrollmentTable
    filterset_class = EnrollmentFilterSet
    title = _("Peserta pelatihan")
    export_object_type = "enrollment"
    export_filename = "peserta-pelatihan"
    export_columns = [
        (pgettext_lazy("satu", "Pelatihan"), lambda e: e.training.title),
        (_("Mulai"), lambda e: _date(e.training.start_on)),
        (_("Usaha"), lambda e: e.business.name),
        (_("Kecamatan"), lambda e: e.business.kecamatan.name),
        (_("Status"), lambda e: e.get_status_display()),
        (_("Pre-test"), lambda e: e.pre_score),
        (_("Post-test"), lambda e: e.post_score),
        (_("Lulus"), lambda e: _date(e.completed_at)),
    ]

    def get_queryset(self):
        return super().get_queryset().select_related("training", "business__kecamatan")


class CurationSubmissionListView(ProgramListView):
    permission_required = "programs.view_curationsubmission"
    model = CurationSubmission
    table_class = CurationSubmissionTable
    filterset_class = CurationSubmissionFilterSet
    title = _("Produk yang dikurasi")
    export_object_type = "curationsubmission"
    export_filename = "kurasi-produk"
    export_columns = [
        (_("Kurasi"), lambda c: c.call.title),
        (_("Produk"), lambda c: c.product.name),
        (_("Usaha"), lambda c: c.product.business.name),
        (_("Kecamatan"), lambda c: c.product.business.kecamatan.name),
        (_("Nilai"), lambda c: c.total_score),
        (_("Keputusan"), lambda c: c.get_decision_display()),
        (_("Dokumen kurang"), lambda c: c.get_missing_documents_display()),
        (_("Masukan"), lambda c: c.feedback),
    ]

    def get_queryset(self):
        # The newest first, on an index: the model's order (by curation, newest curation first) sorted every
        # submission of every kabupaten for each page (200 ms at 112,000); the curation is a filter and a column.
        submissions = super().get_queryset().select_related("call", "product__business__kecamatan")
        return submissions.order_by("-submitted_at", "-pk")


class MentoringVisitListView(ProgramListView):
    permission_required = "programs.view_mentoringvisit"
    model = MentoringVisit
    table_class = MentoringVisitTable
    filterset_class = MentoringVisitFilterSet
    title = _("Pendampingan")
    export_object_type = "mentoringvisit"
    export_filename = "pendampingan"
    export_columns = [
        (_("Tanggal"), lambda v: _date(v.visited_on)),
        (_("Usaha"), lambda v: v.business.name),
        (_("Kecamatan"), lambda v: v.business.kecamatan.name),
        (_("Topik"), lambda v: v.topic),
        (_("Temuan"), lambda v: v.findings),
        (_("Tindakan"), lambda v: v.actions),
        (_("Tindak lanjut"), lambda v: _date(v.follow_up_on)),
        (_("Selesai"), lambda v: "ya" if v.follow_up_done else "belum"),
    ]

    def get_queryset(self):
        return super().get_queryset().select_related("business__kecamatan")


class PlacementListView(ProgramListView):
    permission_required = "programs.view_placement"
    model = Placement
    table_class = PlacementTable
    filterset_class = PlacementFilterSet
    title = _("Penempatan produk")
    export_object_type = "placement"
    export_filename = "penempatan"
    export_columns = [
        (_("Produk"), lambda p: p.submission.product.name),
        (_("Usaha"), lambda p: p.submission.product.business.name),
        (_("Saluran"), lambda p: p.get_channel_display()),
        (_("Peritel"), lambda p: p.retailer),
        (_("Mitra/toko"), lambda p: p.partner),
        (_("Mulai"), lambda p: _date(p.starts_on)),
        (_("Sampai"), lambda p: _date(p.ends_on)),
        (_("Status"), lambda p: p.get_status_display()),
    ]

    def get_queryset(self):
        return super().get_queryset().select_related("submission__product__business")


class ExportFacilitationListView(ProgramListView):
    permission_required = "programs.view_exportfacilitation"
    model = ExportFacilitation
    table_class = ExportFacilitationTable
    filterset_class = ExportFacilitationFilterSet
    title = _("Fasilitasi ekspor")
    export_object_type = "exportfacilitation"
    export_filename = "ekspor"
    export_columns = [
        (_("Tahun"), lambda x: x.year),
        (_("Usaha"), lambda x: x.business.name),
        (_("Kategori"), lambda x: x.business.get_category_display()),
        (_("Produk"), lambda x: x.product.name if x.product else ""),
        (_("Negara"), lambda x: x.country_name),
        (_("Pembeli"), lambda x: x.buyer),
        (pgettext_lazy("uang", "Nilai"), lambda x: _money(x.value)),
        (_("Fasilitator"), lambda x: x.organiser),
    ]

    def get_queryset(self):
        return super().get_queryset().select_related("business", "product")


class MentoringVisitDetailView(WithHistoryMixin, AreaRestrictedMixin, DetailView):
    permission_required = "programs.view_mentoringvisit"
    model = MentoringVisit
    template_name = "programs/mentoringvisit_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("business__kecamatan", "mentor", "created_by")


class ExportFacilitationDetailView(WithHistoryMixin, AreaRestrictedMixin, DetailView):
    permission_required = "programs.view_exportfacilitation"
    model = ExportFacilitation
    template_name = "programs/exportfacilitation_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("business__kecamatan", "product", "created_by")
