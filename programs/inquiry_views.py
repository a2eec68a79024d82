"""Buyer inquiries' pages: the buyer's form and status page (public), the staff's worklist, detail and record.

The rules live in programs.inquiries; the mail in programs.inquiry_tasks."""

from django.conf import settings
from django.contrib import messages
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from programs import inquiries
from programs.catalogue import SWITCH_MARK
from programs.inquiry_forms import MAX_BODY_BYTES, InquiryForm, InquiryMoveForm, StaffInquiryForm
from programs.inquiry_lists import InquiryFilterSet, InquiryTable
from programs.models import Inquiry, Listing, MarketEvent
from registry import once
from registry.paginators import LazyPaginator
from registry.permissions import AreaRestrictedMixin
from registry.views import BusinessPartView
from umkm_portal.forms import VersionForm
from umkm_portal.limits import over_limit, too_many_requests
from umkm_portal.routers import primary_reads


def _public_listing(product_pk):
    """The public listing of a product, or 404 exactly as for a product that does not exist. Read on the
    primary, as every public page (a consent withdrawn a second ago is not on a lagging replica yet)."""
    with primary_reads():
        listing = (
            Listing.objects.public()
            .select_related("product__business__kecamatan__kabupaten")
            .filter(product=product_pk)
            .first()
        )
    if listing is None:
        raise Http404
    return listing


def _site(request):
    return {"domain": get_current_site(request).domain, "protocol": "https" if request.is_secure() else "http"}


def _public(request, response):
    """A public page on the catalogue's light base, with the visitor's language switch at its mark."""
    response.render()
    switch = render_to_string("includes/_language_switch.html", request=request)
    response.content = response.content.decode().replace(SWITCH_MARK, switch, 1).encode()
    return response


def _private(response):
    """A page behind a private link: never cached, never indexed (the portal's Referrer-Policy, same-origin,
    already keeps the link from other sites)."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class CatalogueInquiryView(View):
    """Public: a buyer asks about a product of the catalogue. Abuse guards: a size limit on every field and
    on the whole body, a rate limit per address, a honeypot, CSRF, and a one-time token against a double
    submit. Bad input shows the form again with its messages and what was typed; nothing is stored."""

    template_name = "programs/catalogue_inquiry.html"

    def render(self, listing, form, status=200):
        context = {"listing": listing, "product": listing.product, "business": listing.product.business, "form": form}
        return _public(self.request, TemplateResponse(self.request, self.template_name, context, status=status))

    def sent_url(self, listing):
        return reverse("programs:catalogue_inquiry_sent", args=[listing.product_id])

    def get(self, request, pk):
        return self.render(_public_listing(pk), InquiryForm())

    def post(self, request, pk):
        listing = _public_listing(pk)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            return render(request, "413.html", {"size_mb": 1, "limit_mb": 1}, status=413)
        if over_limit(request, "inquiry", settings.PUBLIC_INQUIRY_RATE):
            return too_many_requests(request)
        made = once.made_by(request)
        if made:
            return redirect(made)
        form = InquiryForm(request.POST)
        if form.is_bot:  # the honeypot: the same answer as a real inquiry, nothing stored
            return redirect(self.sent_url(listing))
        if not form.is_valid():
            return self.render(listing, form, status=400)

        def create():
            inquiries.submit_inquiry(listing.product, form.instance, language=get_language(), **_site(request))
            return self.sent_url(listing)

        try:
            _, url = once.create_once(request, create)
        except ValidationError as error:
            errors = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
            for field, messages_ in errors.items():
                form.add_error(field if field in form.fields else None, messages_)
            return self.render(listing, form, status=400)
        return redirect(url)


class CatalogueInquirySentView(View):
    """Public: the thank-you page, the same whoever sent the form (a bot caught by the honeypot too)."""

    def get(self, request, pk):
        listing = _public_listing(pk)
        context = {"listing": listing, "product": listing.product, "business": listing.product.business}
        return _public(request, TemplateResponse(request, "programs/catalogue_inquiry_sent.html", context))


class InquiryStatusView(View):
    """Public, behind the private link mailed to the buyer: the product, the status and the dates of its
    steps; no staff's notes or names, nothing of the owner's personal data. A wrong token answers 404."""

    def get(self, request, token):
        if len(token) > 100:
            raise Http404
        inquiry = get_object_or_404(
            Inquiry.objects.select_related("product", "business__kecamatan__kabupaten"),
            token_hash=Inquiry.hash_token(token),
        )
        steps = list(inquiry.steps.order_by("at", "pk").values("status", "at"))
        labels = dict(Inquiry.Status.choices)
        context = {
            "inquiry": inquiry,
            "steps": [{"label": labels.get(step["status"], step["status"]), "at": step["at"]} for step in steps],
        }
        return _private(_public(request, TemplateResponse(request, "programs/inquiry_status.html", context)))


#
# Staff
#


class InquiryListView(AreaRestrictedMixin, SingleTableMixin, FilterView):
    """The worklist of buyer inquiries of the user's area, open ones first."""

    permission_required = "programs.view_inquiry"
    model = Inquiry
    table_class = InquiryTable
    filterset_class = InquiryFilterSet
    table_pagination = {"per_page": 25, "paginator_class": LazyPaginator}
    template_name = "programs/inquiry_list.html"

    def get_queryset(self):
        done = Case(
            When(status__in=[Inquiry.Status.PLACEMENT, Inquiry.Status.CLOSED], then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        return (
            super()
            .get_queryset()
            .select_related("product", "business__kecamatan")
            .annotate(done=done)
            .order_by("done", "-created_at", "-pk")
        )


# The move forms of the detail page: a status reached by two roads (placement or export) has two forms.
MOVE_KINDS = {
    Inquiry.Status.CONTACTED: [("contacted", "")],
    Inquiry.Status.SAMPLE_SENT: [("sample", "")],
    Inquiry.Status.ORDER: [("order", "")],
    Inquiry.Status.PLACEMENT: [("placement", "placement"), ("export", "export")],
    Inquiry.Status.CLOSED: [("closed", "")],
}
MOVE_FIELDS = {
    "contacted": ["note"],
    "sample": ["note"],
    "order": ["order_quantity", "order_value", "note"],
    "placement": ["placement", "channel", "retailer", "partner", "note"],
    "export": ["export", "country", "export_value", "organiser", "note"],
    "closed": ["close_reason", "note"],
}
MOVE_LABELS = {
    "contacted": _("Pembeli sudah dihubungi"),
    "sample": _("Sampel dikirim"),
    "order": _("Pesanan"),
    "placement": _("Ditempatkan di toko atau ritel"),
    "export": _("Ekspor"),
    "closed": _("Tutup permintaan"),
}


def _move_key(data):
    status = data.get("to_status", "")
    for key, kind in MOVE_KINDS.get(status, [("closed", "")]):
        if not kind or data.get("kind") == kind:
            return key
    return "placement"


class InquiryDetailView(AreaRestrictedMixin, DetailView):
    """One inquiry, its steps, and the forms that move it (POST here); a stale page is refused (409)."""

    permission_required = "programs.view_inquiry"
    model = Inquiry
    template_name = "programs/inquiry_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "product", "business__kecamatan__kabupaten", "event", "placement__submission__product", "export"
            )
        )

    def get_context_data(self, **kwargs):
        inquiry = self.object
        return super().get_context_data(
            steps=inquiry.steps.select_related("by").order_by("at", "pk"),
            refused=(kwargs.get("posted") or (None, None))[1],
            moves=self.moves(inquiry, kwargs.pop("posted", None)),
            **kwargs,
        )

    def moves(self, inquiry, posted):
        """The moves this user may make now, each a small form; a refused one comes back bound (its errors,
        what was typed). `posted` is (key, bound form) of a refused move, or None."""
        user = self.request.user
        if not user.has_perm("programs.change_inquiry"):
            return []
        rows = []
        for status in inquiries.next_statuses(inquiry):
            for key, kind in MOVE_KINDS[status]:
                if posted and posted[0] == key:
                    form = posted[1]
                else:
                    form = InquiryMoveForm(inquiry=inquiry, user=user, auto_id=f"{key}-%s")
                fields = [form[name] for name in MOVE_FIELDS[key] if name not in ("placement", "export")]
                existing = None
                if key in ("placement", "export"):
                    existing = form[key] if form.fields[key].queryset.exists() else None
                rows.append(
                    {
                        "key": key,
                        "status": status,
                        "kind": kind,
                        "label": MOVE_LABELS[key],
                        "form": form,
                        "fields": fields,
                        "existing": existing,
                    }
                )
        return rows

    def post(self, request, pk):
        if not request.user.has_perm("programs.change_inquiry"):
            raise PermissionDenied
        self.object = inquiry = self.get_object()
        key = _move_key(request.POST)
        form = InquiryMoveForm(request.POST, inquiry=inquiry, user=request.user, auto_id=f"{key}-%s")
        version = VersionForm.read(request.POST)
        status = 400
        try:
            if form.is_valid():
                if version is None:
                    raise ValidationError(_("Formulir tidak lengkap; muat ulang halaman."))
                arguments = form.service_arguments()
                moved = inquiries.move_inquiry(inquiry, by=request.user, version=version, **arguments)
        except ValidationError as error:
            if isinstance(error, inquiries.StaleInquiry):  # another editor moved it meanwhile: the conflict page
                status = 409
            errors = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
            for field, messages_ in errors.items():
                form.add_error(field if field in form.fields else None, messages_)
        if form.errors:
            self.object = inquiry = self.get_object()  # as it stands now (another editor may have moved it)
            context = self.get_context_data(object=inquiry, posted=(key, form))
            return self.render_to_response(context, status=status)
        messages.success(request, _("Status permintaan: %(status)s.") % {"status": moved.get_status_display()})
        return redirect("programs:inquiry_detail", pk=inquiry.pk)


class InquiryCreateView(BusinessPartView):
    """Staff record an inquiry they received (a phone call, a visit; with ?event=, an order at an event)."""

    permission_required = "programs.add_inquiry"
    form_class = StaffInquiryForm
    template_name = "programs/inquiry_form.html"
    title = _("Catat permintaan pembeli")
    success_message = _("Permintaan pembeli tercatat.")

    @cached_property
    def business(self):
        pk = self.request.GET.get("business", "")
        if not pk.isdigit():
            raise Http404
        return get_object_or_404(self.get_queryset().select_related("kecamatan"), pk=int(pk))

    @cached_property
    def event(self):
        pk = self.request.GET.get("event", "")
        if not pk:
            return None
        if not pk.isdigit():
            raise Http404
        return get_object_or_404(MarketEvent.objects.visible_to(self.request.user), pk=int(pk))

    def get_form_kwargs(self):
        self.event  # noqa: B018 (a wrong event answers 404 before the form)
        return {**super().get_form_kwargs(), "business": self.business}

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=self.event, **kwargs)

    def save(self, form):
        return inquiries.record_inquiry(
            self.business,
            form.instance,
            event=self.event,
            language=get_language(),
            by=self.request.user,
            **_site(self.request),
        )

    def get_success_target(self, inquiry):
        return reverse("programs:inquiry_detail", args=[inquiry.pk])
