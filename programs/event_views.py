"""Selling events' pages: the list, the event form, the event's page with its participants, booths, sales,
figures and buyer inquiries, the sales form and the participants' CSV. Rules are in programs/events.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, F, Q, Sum, When
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView
from django_filters.views import FilterView

from programs import events
from programs.event_forms import BoothRowForm, MarketEventFilterSet, MarketEventForm
from programs.forms import CancelForm, ChosenBusinessesForm, ChosenRowForm
from programs.models import EventBooth, Inquiry, MarketEvent
from programs.views import (
    PickList,
    ScheduleChangeView,
    VersionedUpdateView,
    WithHistoryMixin,
    _add_service_error,
    by_kecamatan,
    unsaved_rows,
)
from registry import once
from registry.exports import export_csv
from registry.models import Business, BusinessGroup
from registry.paginators import LenientPaginationMixin
from registry.permissions import AreaRestrictedMixin
from registry.search import name_matches


def visible_booths(event, user):
    """The event's participants that `user` may see (a coordinator: their area's businesses)."""
    return EventBooth.objects.filter(event=event, business__in=Business.objects.visible_to(user).values("pk"))


def inquiry_create_url(event, business):
    """m3's staff inquiry form for an office's parcel order at this event, or "" while it is not there."""
    try:
        path = reverse("programs:inquiry_create")
    except NoReverseMatch:
        return ""
    return f"{path}?business={business.pk}&event={event.pk}"


def _inquiry_url(inquiry):
    try:
        return reverse("programs:inquiry_detail", args=[inquiry.pk])
    except NoReverseMatch:
        return ""


class MarketEventListView(AreaRestrictedMixin, LenientPaginationMixin, FilterView):
    """The kabupaten's events: upcoming and ongoing first (soonest first), then past ones (newest first)."""

    permission_required = "programs.view_marketevent"
    model = MarketEvent
    filterset_class = MarketEventFilterSet
    paginate_by = 25
    template_name = "programs/event_list.html"

    def get_queryset(self):
        today = timezone.localdate()
        mine = Q(booths__business__in=Business.objects.visible_to(self.request.user).values("pk"))
        return (
            super()
            .get_queryset()
            .select_related("kabupaten")
            .annotate(
                past=Case(When(ends_on__lt=today, then=1), default=0),
                participants=Count("booths", filter=mine),
                total_sales=Sum("booths__sales", filter=mine),
            )
            .order_by("past", Case(When(ends_on__gte=today, then=F("starts_on"))).asc(), F("starts_on").desc(), "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_range"] = context["paginator"].get_elided_page_range(context["page_obj"].number)
        return context


class MarketEventCreateView(AreaRestrictedMixin, View):
    permission_required = "programs.add_marketevent"
    model = MarketEvent
    template_name = "programs/event_form.html"

    def render(self, form, status=200):
        return TemplateResponse(self.request, self.template_name, {"form": form}, status=status)

    def get(self, request):
        return self.render(MarketEventForm(user=request.user))

    def post(self, request):
        made = once.made_by(request)
        if made:
            return once.show_again(request, made)
        form = MarketEventForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            event, url = once.create_once(
                request, lambda: events.create_event(form.save(commit=False), by=request.user)
            )
        except ValidationError as error:
            _add_service_error(form, error)
            return self.render(form, status=400)
        if event is None:
            return once.show_again(request, url)
        messages.success(request, _("Acara tersimpan. Tambahkan usaha peserta di halaman ini."))
        return redirect(url)


class MarketEventUpdateView(VersionedUpdateView):
    permission_required = "programs.change_marketevent"
    model = MarketEvent
    template_name = "programs/event_form.html"
    form_class = MarketEventForm
    context_object_name = "event"
    success_message = _("Perubahan acara tersimpan.")

    def save(self, event, version):
        events.update_event(event, version=version, by=self.request.user)


class MarketEventCancelView(ScheduleChangeView):
    """The dinas cancels an event with a reason, on a page of its own (the training's and the curation call's)."""

    permission_required = "programs.change_marketevent"
    model = MarketEvent
    form_class = CancelForm
    title = _("Batalkan acara")
    button = _("Batalkan acara")
    success_message = _("Acara dibatalkan; koordinator melihat alasannya di halaman acara.")

    def guard(self, obj):
        return events.why_not_cancel_event(obj)

    def apply(self, obj, data, version):
        events.cancel_event(obj, reason=data["reason"], version=version, by=self.request.user)


class MarketEventDetailView(WithHistoryMixin, AreaRestrictedMixin, DetailView):
    """An event: what, when, where; its participants (those the viewer may see) with booths and sales, the
    figures, the buyers' inquiries made at it, and the forms to add participants and record sales."""

    permission_required = "programs.view_marketevent"
    model = MarketEvent
    template_name = "programs/event_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("kabupaten", "created_by")

    def get_context_data(self, **kwargs):
        event, user = self.object, self.request.user
        booths = visible_booths(event, user)
        rows = list(booths.select_related("business__kecamatan").order_by("booth", "business__name", "pk"))
        typed = getattr(self, "typed", {})
        for row in rows:
            row.typed = typed.get(row.pk)
            ordering = user.has_perm("programs.add_inquiry") and not event.is_cancelled
            row.inquiry_url = inquiry_create_url(event, row.business) if ordering else ""
        inquiries = list(
            Inquiry.objects.visible_to(user).filter(event=event).select_related("business").order_by("-created_at")
        )
        for inquiry in inquiries:
            inquiry.url = _inquiry_url(inquiry)
        return super().get_context_data(
            booths=rows,
            totals=events.event_totals(booths),
            by_category=events.sales_by(booths, "category", events.CATEGORY_LABELS),
            by_kecamatan=events.sales_by(booths, "kecamatan__name"),
            inquiries=inquiries,
            sales_closed=events.why_not_record_sales(event),
            adding=self.adding_context(event, user),
            partial_view=not user.has_perm("programs.change_marketevent"),
            can_edit_rows=user.has_perm("programs.change_eventbooth"),
            **kwargs,
        )

    def adding_context(self, event, user):
        """The participant search (and its matches) and the groups whose members can be added at once."""
        if not user.has_perm("programs.add_eventbooth") or event.is_cancelled:
            return None
        query = self.request.POST.get("cari") or self.request.GET.get("cari", "")
        members = events.candidates(event, user).select_related("kecamatan").only("pk", "name", "kecamatan__name")
        members = members.order_by("kecamatan_id", "name", "pk")
        picks = PickList(members, query, match=name_matches, shown_by=by_kecamatan)
        refused = getattr(self, "refused", {})
        for business in picks.rows:
            business.refused = refused.get(business.pk)
        groups = BusinessGroup.objects.visible_to(user).filter(kecamatan__kabupaten=event.kabupaten_id)
        return {"picks": picks, "groups": list(groups.select_related("kecamatan"))}


class MarketEventAddBoothsView(MarketEventDetailView):
    """Add the ticked businesses, or every active member of a group or cluster, as participants; a refused
    business comes back ticked in the same search with its reason beside it."""

    permission_required = "programs.add_eventbooth"
    http_method_names = ["post"]

    def post(self, request, pk):
        event = get_object_or_404(self.get_queryset(), pk=pk)
        made = once.made_by(request)
        if made:
            return once.show_again(request, made)
        visible = Business.objects.visible_to(request.user)
        if request.POST.get("group"):
            groups = BusinessGroup.objects.visible_to(request.user).filter(kecamatan__kabupaten=event.kabupaten_id)
            group = ChosenRowForm(request.POST, field="group", queryset=groups).chosen
            if group is None:
                messages.error(request, _("Pilih kelompok atau klaster."))
                return redirect(event)
            businesses = events.candidates(event, request.user).filter(groups=group).order_by("name", "pk")
        else:
            chosen = ChosenBusinessesForm(request.POST, queryset=visible)
            businesses = chosen.cleaned_data["business"].order_by("name", "pk") if chosen.is_valid() else []
        businesses = list(businesses[: events.BOOTH_LIMIT])
        if not businesses:
            messages.error(request, _("Pilih usaha yang ikut acara (atau kelompok yang anggotanya belum ikut)."))
            return redirect(event)

        result, url = once.create_once(
            request, lambda: _Shown(event, events.add_booths(event, businesses, by=request.user))
        )
        if result is None:
            return once.show_again(request, url)
        added, refused = result.value
        if added:
            messages.success(
                request,
                _("Peserta ditambahkan: %(names)s. Isi nomor stan dan penjualannya di daftar peserta.")
                % {"names": ", ".join(booth.business.name for booth in added)},
            )
        if not refused:
            return redirect(event)
        messages.error(
            request, _("Sebagian usaha belum ditambahkan: %(reasons)s") % {"reasons": " ".join(refused.values())}
        )
        self.object, self.refused = event, refused
        return self.render_to_response(self.get_context_data(object=event), status=400)


class _Shown:
    """What create_once shows for a form that made several rows: the event's page, with the outcome kept."""

    def __init__(self, event, value):
        self.event, self.value = event, value

    def get_absolute_url(self):
        return self.event.get_absolute_url()


class MarketEventSalesView(MarketEventDetailView):
    """Booths, sales and transactions of every participant the viewer sees, saved in one go; a refused row
    comes back with what was typed in it and its reason beside it, the other rows saved."""

    permission_required = "programs.change_eventbooth"
    http_method_names = ["post"]

    def post(self, request, pk):
        event = get_object_or_404(self.get_queryset(), pk=pk)
        refused, done = {}, 0
        for booth in visible_booths(event, request.user).select_related("business"):
            prefix = f"b{booth.pk}"
            if f"{prefix}-version" not in request.POST:
                continue  # a row added after the page was read: not on the form
            form = BoothRowForm(request.POST, prefix=prefix)
            typed = {
                "booth": request.POST.get(f"{prefix}-booth", "")[:30],
                "sales": request.POST.get(f"{prefix}-sales", "")[:30],
                "transactions": request.POST.get(f"{prefix}-transactions", "")[:12],
            }
            if not form.is_valid():
                refused[booth.pk] = {**typed, "error": " ".join(_row_errors(form))}
                continue
            data = form.cleaned_data
            try:
                saved = events.record_booth(
                    booth,
                    version=data["version"],
                    booth_number=data["booth"],
                    sales=data["sales"],
                    transactions=data["transactions"],
                    by=request.user,
                )
            except ValidationError as error:
                refused[booth.pk] = {**typed, "error": " ".join(error.messages)}
                continue
            done += saved.version != data["version"]
        if done:
            saved = ngettext(
                "Stan dan penjualan %(count)d peserta tersimpan.",
                "Stan dan penjualan %(count)d peserta tersimpan.",
                done,
            )
            messages.success(request, saved % {"count": done})
        if not refused:
            if not done:
                messages.info(request, _("Tidak ada perubahan."))
            return redirect(event)
        messages.error(request, unsaved_rows(len(refused)))
        self.object, self.typed = event, refused
        return self.render_to_response(self.get_context_data(object=event), status=400)


def _row_errors(form):
    labels = {"booth": _("Stan"), "sales": _("Penjualan"), "transactions": _("Transaksi")}
    messages_ = []
    for field, errors in form.errors.items():
        if field == "version":
            messages_.append(str(_("Halaman ini sudah lama; muat ulang halaman, lalu ulangi.")))
        else:
            messages_ += [f"{labels.get(field, field)}: {error}" for error in errors]
    return messages_


class EventBoothRemoveView(AreaRestrictedMixin, View):
    permission_required = "programs.delete_eventbooth"
    model = EventBooth

    def get_queryset(self):
        return EventBooth.objects.filter(
            event__in=MarketEvent.objects.visible_to(self.request.user).values("pk"),
            business__in=Business.objects.visible_to(self.request.user).values("pk"),
        )

    def post(self, request, pk):
        booth = get_object_or_404(self.get_queryset().select_related("event", "business"), pk=pk)
        try:
            events.remove_booth(booth, by=request.user)
            messages.success(request, _("%(name)s dihapus dari peserta acara.") % {"name": booth.business.name})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(booth.event)


EXPORT_COLUMNS = [
    (_("Nama usaha"), lambda b: b.business.name),
    (_("Kecamatan"), lambda b: b.business.kecamatan.name),
    (_("Kategori"), lambda b: b.business.get_category_display()),
    (_("Stan"), lambda b: b.booth),
    (_("Penjualan (Rp)"), lambda b: "" if b.sales is None else int(b.sales)),
    (_("Jumlah transaksi"), lambda b: "" if b.transactions is None else b.transactions),
]


class MarketEventExportView(AreaRestrictedMixin, View):
    """The event's participants and their sales as CSV (no personal data: business, kecamatan, booth, sales),
    logged as every export is."""

    permission_required = "programs.view_marketevent"
    model = MarketEvent

    def get(self, request, pk):
        event = get_object_or_404(self.get_queryset(), pk=pk)
        booths = visible_booths(event, request.user).select_related("business__kecamatan")
        return export_csv(
            booths,
            EXPORT_COLUMNS,
            user=request.user,
            object_type="market_event",
            filters={"event": event.pk},
            filename=f"acara-{event.pk}-peserta",
        )
