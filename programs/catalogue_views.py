"""The catalogue's staff side: a business's consent (from its page), a product's listing, and the area's
listings and candidates. The rules live in programs.catalogue_services."""

import django_filters
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.db.models import CharField as CharFieldType
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_filters.views import FilterView

from programs.catalogue_forms import ConsentForm, ListingForm, ReasonForm
from programs.catalogue_services import (
    list_product,
    record_consent,
    unlist_product,
    why_not_listed,
    withdraw_consent,
)
from programs.models import CurationSubmission, Listing, ListingConsent
from programs.views import VersionedEditMixin, _add_service_error
from registry import once
from registry.filtersets import YES_NO, few_ids, search_products
from registry.models import Business, Kecamatan, Product
from registry.paginators import LenientPaginationMixin, ListPaginator
from registry.permissions import AreaRestrictedMixin
from registry.search import validate_searchable
from umkm_portal.forms import VersionForm, read_int

#
# Consent, recorded and withdrawn from the business page
#


class ConsentRecordView(AreaRestrictedMixin, View):
    """Record a business's consent to be shown in the public catalogue, or record a new one that replaces
    the open one (what may be shown changed: the old row stays as the record)."""

    permission_required = "programs.add_listingconsent"
    model = Business
    template_name = "programs/consent_form.html"

    @cached_property
    def business(self):
        return get_object_or_404(self.get_queryset().select_related("kecamatan"), pk=self.kwargs["pk"])

    def current(self):
        return ListingConsent.objects.active().filter(business=self.business).select_related("recorded_by").first()

    def render(self, form, current, status=200):
        # `current` is read again on a refused POST: the form then offers to replace the consent now open.
        context = {"business": self.business, "form": form, "current": current}
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        current = self.current()
        form = ConsentForm(instance=ListingConsent(**_consent_fields(current)) if current else None)
        return self.render(form, current)

    def post(self, request, pk):
        self.business  # noqa: B018 (404 before anything else)
        made = once.made_by(request)
        if made:
            return once.show_again(request, made)
        current = self.current()
        form = ConsentForm(request.POST, business=self.business)
        replacing = read_int(request.POST, "replaces", min_value=1, max_value=2**31 - 1)
        if current and replacing is None:
            form.add_error(None, _("Formulir tidak lengkap; muat ulang halaman."))
        if not form.is_valid():
            return self.render(form, current, status=400)

        def create():
            record_consent(self.business, form.save(commit=False), by=request.user, replacing=replacing)
            return self.business

        try:
            saved, url = once.create_once(request, create)
        except ValidationError as error:
            _add_service_error(form, error)
            return self.render(form, current, status=409)
        if saved is None:
            return once.show_again(request, url)
        messages.success(request, _("Persetujuan tampil di katalog tersimpan."))
        return redirect(url)


def _consent_fields(consent):
    names = ["show_price", "show_capacity", "show_address", "contact_channel", "contact", "evidence"]
    return {name: getattr(consent, name) for name in names}


class ChangeWithReasonView(VersionedEditMixin, AreaRestrictedMixin, View):
    """A change that needs a reason (withdraw a consent, unlist a product): GET shows the reason form, POST
    runs the service with the reason and the version the editor saw. A subclass names its record, its
    change, its page's context and where to go after."""

    def get_record(self, pk):
        raise NotImplementedError

    def change(self, record, reason, version):
        raise NotImplementedError

    def page_context(self, record):
        raise NotImplementedError

    def done(self, record):
        raise NotImplementedError

    def render(self, record, form, status=200):
        context = {"record": record, "form": form, **self.page_context(record)}
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render(self.get_record(pk), ReasonForm())

    def post(self, request, pk):
        record = self.get_record(pk)
        form = ReasonForm(request.POST)
        version = self.posted_version(form)
        if not form.is_valid():
            return self.render(record, form, status=400)
        try:
            self.change(record, form.cleaned_data["reason"], version)
        except ValidationError as error:
            _add_service_error(form, error)
            return self.render(record, form, status=409)
        return self.done(record)


class ConsentWithdrawView(ChangeWithReasonView):
    """Withdraw a business's consent with a reason: its products leave the public catalogue at once."""

    permission_required = "programs.change_listingconsent"
    model = ListingConsent
    template_name = "programs/consent_withdraw.html"

    def get_record(self, pk):
        return get_object_or_404(self.get_queryset().select_related("business", "recorded_by"), pk=pk)

    def change(self, consent, reason, version):
        withdraw_consent(consent, reason=reason, version=version, by=self.request.user)

    def page_context(self, consent):
        business, back = consent.business, consent.business.get_absolute_url()
        return {"consent": consent, "business": business, "done": consent.withdrawn_at, "back": back}

    def done(self, consent):
        messages.success(
            self.request,
            _("Persetujuan dicabut: produk %(name)s tidak lagi tampil di katalog.") % {"name": consent.business},
        )
        return redirect(consent.business)


#
# A product's listing
#


class ListingEditView(AreaRestrictedMixin, View):
    """List a curated product in the public catalogue, or change or relist its listing."""

    permission_required = "programs.add_listing"
    model = Product
    template_name = "programs/listing_form.html"

    @cached_property
    def product(self):
        return get_object_or_404(self.get_queryset().select_related("business__kecamatan"), pk=self.kwargs["pk"])

    @cached_property
    def listing(self):
        return Listing.objects.filter(product=self.product).select_related("listed_by", "unlisted_by").first()

    def get_form(self, data=None):
        return ListingForm(
            data,
            instance=self.listing,
            product=self.product,
            can_mark_export=self.request.user.has_perm("programs.mark_export_ready"),
        )

    def render(self, form, status=200):
        context = {
            "product": self.product,
            "business": self.product.business,
            "listing": self.listing,
            "form": form,
            "blocked": why_not_listed(self.product),
            "version": self.listing.version if self.listing else "",
        }
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render(self.get_form())

    def post(self, request, pk):
        form = self.get_form(request.POST)
        version = None
        if self.listing is not None:
            version = VersionForm.read(request.POST)
            if version is None:
                form.add_error(None, _("Formulir tidak lengkap; muat ulang halaman."))
        if not form.is_valid():
            return self.render(form, status=400)
        export_ready = (
            form.cleaned_data["export_ready"] if request.user.has_perm("programs.mark_export_ready") else None
        )
        try:
            list_product(
                self.product,
                Listing(**{name: form.cleaned_data[name] for name in ListingForm.service_fields}),
                by=request.user,
                version=version,
                export_ready=export_ready,
            )
        except ValidationError as error:
            _add_service_error(form, error)
            return self.render(form, status=409)
        messages.success(request, _("%(name)s tampil di katalog.") % {"name": self.product.name})
        return redirect("programs:listing_edit", pk=self.product.pk)


class ListingUnlistView(ChangeWithReasonView):
    """Take a product off the public catalogue with a reason; it can be listed again later."""

    permission_required = "programs.change_listing"
    model = Product
    template_name = "programs/listing_unlist.html"

    def get_record(self, pk):
        product = get_object_or_404(self.get_queryset().select_related("business"), pk=pk)
        return get_object_or_404(Listing.objects.select_related("product__business"), product=product)

    def change(self, listing, reason, version):
        unlist_product(listing, reason=reason, version=version, by=self.request.user)

    def page_context(self, listing):
        back = reverse("programs:listing_edit", args=[listing.product_id])
        return {"listing": listing, "product": listing.product, "done": listing.unlisted_at, "back": back}

    def done(self, listing):
        messages.success(self.request, _("%(name)s diturunkan dari katalog.") % {"name": listing.product.name})
        return redirect("programs:listing_edit", pk=listing.product_id)


#
# The area's listings and candidates
#


class CatalogueState:
    """Why a product is or is not on the public catalogue, one word each (the list's filter and badge)."""

    PUBLIC = "tampil"
    UNLISTED = "diturunkan"
    NO_CONSENT = "tanpa_persetujuan"
    WITHDRAWN = "persetujuan_dicabut"
    NO_CURATION = "belum_lolos_kurasi"
    CANDIDATE = "kandidat"
    CHOICES = [
        (PUBLIC, _("Tampil di katalog")),
        (UNLISTED, _("Diturunkan")),
        (NO_CONSENT, _("Tidak tampil: belum ada persetujuan")),
        (WITHDRAWN, _("Tidak tampil: persetujuan dicabut")),
        (NO_CURATION, _("Tidak tampil: belum lolos kurasi")),
        (CANDIDATE, _("Kandidat: lolos kurasi, belum ditampilkan")),
    ]
    LABELS = dict(CHOICES)


def catalogue_products(user):
    """The user's area's products that are listed (shown or not) or candidates (passed a curation, not
    listed), each with its `state` (CatalogueState) and `consent_open`."""
    listed = Exists(Listing.objects.filter(product=OuterRef("pk")))
    passed = Exists(
        CurationSubmission.objects.filter(product=OuterRef("pk"), decision=CurationSubmission.Decision.PASSED)
    )
    consent_open = Exists(ListingConsent.objects.active().filter(business=OuterRef("business")))
    consent_any = Exists(ListingConsent.objects.filter(business=OuterRef("business")))
    return (
        Product.objects.visible_to(user)
        .annotate(is_listed=listed, passed=passed, consent_open=consent_open, consent_any=consent_any)
        .filter(Q(is_listed=True) | Q(passed=True))
        .annotate(
            state=Case(
                When(is_listed=False, then=Value(CatalogueState.CANDIDATE)),
                When(listing__unlisted_at__isnull=False, then=Value(CatalogueState.UNLISTED)),
                When(passed=False, then=Value(CatalogueState.NO_CURATION)),
                When(consent_any=False, then=Value(CatalogueState.NO_CONSENT)),
                When(consent_open=False, then=Value(CatalogueState.WITHDRAWN)),
                default=Value(CatalogueState.PUBLIC),
                output_field=CharFieldType(),
            )
        )
    )


class CatalogueFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q", label=_("Cari produk atau usaha"), validators=[validate_searchable]
    )
    state = django_filters.ChoiceFilter(choices=CatalogueState.CHOICES, method="filter_state", label=_("Keadaan"))
    kecamatan = django_filters.ModelChoiceFilter(
        field_name="business__kecamatan",
        queryset=lambda request: (
            Kecamatan.objects.within_areas_of(request.user) if request else Kecamatan.objects.none()
        ),
        label=_("Kecamatan"),
    )
    export_ready = django_filters.BooleanFilter(method="filter_export_ready", label=_("Siap ekspor"), widget=YES_NO)

    class Meta:
        model = Product
        fields = ["q", "state", "kecamatan", "export_ready"]

    many_matches = False  # set by a search for a word that thousands of names share

    # The rarer states and export readiness are first looked up where they are rows (listings, curations), so
    # PostgreSQL reads those instead of testing the area's products one by one along the list's order; the
    # state's own test (catalogue_products' CASE) still decides.

    def filter_state(self, queryset, name, value):
        if value == CatalogueState.CANDIDATE:  # passed, not listed: a handful, read by their ids
            passed = CurationSubmission.objects.filter(decision=CurationSubmission.Decision.PASSED)
            candidates = passed.exclude(product__in=Listing.objects.values("product")).values_list("product", flat=True)
            few = few_ids(candidates)
            queryset = queryset.filter(pk__in=candidates if few is None else few)
        elif value == CatalogueState.UNLISTED:
            queryset = queryset.filter(pk__in=Listing.objects.filter(unlisted_at__isnull=False).values("product"))
        elif value != CatalogueState.PUBLIC:  # listed and not shown: rare, found from the listings
            listed = queryset.filter(pk__in=Listing.objects.values("product"), state=value).order_by()
            few = few_ids(listed.values_list("pk", flat=True))
            if few is not None:
                queryset = queryset.filter(pk__in=few)
        return queryset.filter(state=value)

    def filter_export_ready(self, queryset, name, value):
        return queryset.filter(pk__in=Listing.objects.filter(export_ready=value).values("product"))

    def filter_q(self, queryset, name, value):
        queryset, self.many_matches = search_products(queryset, " ".join(value.split())[:100])
        return queryset


class IdsFirstPaginator(ListPaginator):
    """Every page reads its rows' ids first (the filters alone), then those rows with their annotations: a page's
    states (six EXISTS) are worked out for its 25 rows, where in one statement PostgreSQL hashed every listing,
    curation and consent for them (150 ms at 100,000 listings). Apart (`ids_apart`), not as a subquery of the
    rows' statement as ListPaginator's deep pages: there the filters' area and state tests ran again over the
    page's rows, and the statement took 11 ms where the two take 8.8 ms at a million businesses."""

    deep_from = 0
    ids_apart = True


class ListingListView(AreaRestrictedMixin, LenientPaginationMixin, FilterView):
    """The area's products in the catalogue (shown, taken down, or not shown and why) and the candidates."""

    permission_required = "programs.view_listing"
    model = Product
    filterset_class = CatalogueFilterSet
    template_name = "programs/listing_list.html"
    paginate_by = 25
    paginator_class = IdsFirstPaginator  # and no COUNT(*) of the area's products on every page

    def get_queryset(self):
        # Not deleted, said on the business it sorts by: PostgreSQL walks its (name, id) index (as the product list).
        products = catalogue_products(self.request.user).filter(business__deleted_at__isnull=True)
        return products.select_related("business__kecamatan", "listing").order_by("business__name", "name", "pk")

    def paginate_queryset(self, queryset, page_size):
        if self.filterset.many_matches:  # tested row by row: along the newest first its hits are spread evenly
            queryset = queryset.order_by("-created_at", "-pk")
        return super().paginate_queryset(queryset, page_size)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_range"] = context["paginator"].get_elided_page_range(context["page_obj"].number)
        context["many_matches"] = self.filterset.many_matches
        for product in context["object_list"]:
            product.state_label = CatalogueState.LABELS[product.state]
        return context
