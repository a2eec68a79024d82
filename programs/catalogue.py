"""The public catalogue, no login: the kabupaten with a catalogue, a kabupaten's listed products (search and
filters), a product's page, a business's public face, public photos, the sitemap and robots.txt.

What is public is `Listing.objects.public()` and nothing else (programs/public.py reads it).

Copies: an anonymous visitor's page is kept in the shared cache under
`catalogue_cache.page_key(kabupaten, page, language, host, full path)`. The key (so the kabupaten's
generation) is read before any query that reads what the public sees, so a page built while a withdrawal
commits is stored under a generation `forget()` has already replaced, and never read. Every read of these
pages goes to the primary (umkm_portal.routers.primary_reads): a lagging replica could show a withdrawn
product after forget() has run.

Downstream copies: pages answer `Cache-Control: no-cache` with an ETag, so a browser or a proxy keeps a copy
but asks every time; an unchanged page costs a 304 and no body (a slow phone's bytes), and a withdrawn
product is gone on the next visit, never after a max-age. Photos are files that never change under their
URL (a photo's pk names its file): they are kept for a day.
"""

import hashlib
import json

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.core.cache import cache
from django.core.paginator import EmptyPage, InvalidPage, PageNotAnInteger, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Window
from django.http import Http404, HttpResponse, HttpResponseNotModified, QueryDict
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import resolve, reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags, quote_etag
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, TemplateView, View
from django_filters.views import FilterView

from programs import card_rows, catalogue_cache, public
from programs.filtersets import CatalogueFilter
from programs.models import CatalogueEntry, Listing, ListingConsent
from registry.models import Business, BusinessGroup, Kabupaten, Product, ProductPhoto
from umkm_portal.limits import over_limit, too_many_requests
from umkm_portal.routers import primary_reads
from umkm_portal.storage import stored_file_response

# The language switch is a POST form with the visitor's own CSRF token: it is never part of a shared copy,
# but rendered into each answer at this mark.
SWITCH_MARK = "<!--umkm:language-switch-->"
PHOTO_MAX_AGE = 24 * 60 * 60
PER_PAGE = 24
OTHERS = 12  # the business's other listed products on a product's page

#
# Shared-cache copies and HTTP caching
#


class PublicPage:
    """A public page: reads the primary; anonymous visitors get the shared-cache copy of the kabupaten's
    current generation (see the module docstring); answers no-cache with an ETag."""

    page_name = ""
    generation = None  # the kabupaten's generation, read first, for an anonymous visitor's GET
    # The query parameters the page reads. A kept copy is keyed by these alone (blank ones dropped, in a
    # fixed order), and the page is built from them alone: any other parameter (a tracker, junk) is served
    # the same copy, so no one can make the server build and store a page per made-up address.
    read_parameters = ()

    def kabupaten_code(self):
        """The kabupaten whose generation keys the page, found without reading what the public sees; None
        for a page that is not kept (the list of kabupaten)."""
        return None

    def read_query(self, request):
        """The parameters of the request that the page reads, blank ones dropped, sorted by name."""
        query = QueryDict(mutable=True)
        for name in sorted(self.read_parameters):
            values = [value for value in request.GET.getlist(name) if value]
            if values:
                query.setlist(name, values)
        query._mutable = False
        return query

    def kept_key(self, request, language, code, current=None):
        """The cache key of the kabupaten's (`code`) copy of the page for this request."""
        query = self.read_query(request).urlencode()
        return catalogue_cache.address_key(
            code, self.page_name, language, request.get_host(), request.path, query, current=current
        )

    def dispatch(self, request, *args, **kwargs):
        with primary_reads():
            key = None
            if request.method in ("GET", "HEAD") and not request.user.is_authenticated:
                code = self.kabupaten_code()
                if code is not None:
                    self.generation = catalogue_cache.generation(code)
                    key = self.kept_key(request, translation.get_language(), code, current=self.generation)
                    request.GET = self.read_query(request)  # the copy is built from what its key names
            page = cache.get(key) if key else None
            if page is None:
                response = super().dispatch(request, *args, **kwargs)
                if response.status_code != 200:
                    return response
                if hasattr(response, "render"):
                    response.render()
                content = response.content.decode()
                page = {"content": content, "etag": hashlib.sha256(content.encode()).hexdigest()[:32]}
                if key:
                    cache.set(key, page, catalogue_cache.TIMEOUT)
        return self.answer(request, page)

    def answer(self, request, page):
        etag = quote_etag(page["etag"])
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            response = HttpResponseNotModified()
        else:
            switch = render_to_string("includes/_language_switch.html", request=request)
            response = HttpResponse(page["content"].replace(SWITCH_MARK, switch, 1))
        response["ETag"] = etag
        patch_cache_control(response, no_cache=True)
        patch_vary_headers(response, ["Cookie"])  # the language is the visitor's cookie
        return response


def kept_key(request):
    """The cache key under which an anonymous visitor's copy of the public page at `request`'s address is
    kept, in the kabupaten's current generation and the request's language (None for a page not kept):
    `cache.delete(kept_key(...))` makes exactly that page be built again (bench/run.py)."""
    match = resolve(request.path)
    page = match.func.view_class(**match.func.view_initkwargs)
    page.setup(request, *match.args, **match.kwargs)
    code = page.kabupaten_code()
    return None if code is None else page.kept_key(request, translation.get_language_from_request(request), code)


def _absolute(request, url):
    return request.build_absolute_uri(url)


#
# Pages
#


class CatalogueHomeView(PublicPage, TemplateView):
    """The kabupaten with listed products, with how many (one grouped count; not kept in the cache, as no
    single kabupaten's generation covers it)."""

    template_name = "programs/catalogue/home.html"

    def get_context_data(self, **kwargs):
        counts = dict(CatalogueEntry.objects.order_by().values_list("kabupaten").annotate(n=Count("pk")))
        kabupaten = Kabupaten.objects.filter(pk__in=counts).order_by("name")
        rows = [{"kabupaten": kab, "count": counts[kab.pk]} for kab in kabupaten]
        return super().get_context_data(rows=rows, **kwargs)


class SearchPaginator(Paginator):
    """A search's pages: its order (closest name first) reads every match anyway, so the page's listing ids
    and the count come from one query (`COUNT(*) OVER ()`), and a search costs what its page costs however
    many names are like the words. `object_list` is the ordered entries."""

    def page(self, number):
        number = self._positive(number)
        start = (number - 1) * self.per_page
        counted = self.object_list.annotate(total=Window(Count("pk"))).values_list("listing", "total")
        rows = list(counted[start : start + self.per_page])
        # Past the last page no row carries the count: count it then, to say so (Django's 404 for a page).
        self.count = rows[0][1] if rows else (self.object_list.order_by().count() if number > 1 else 0)
        if number > self.num_pages and not (number == 1 and self.allow_empty_first_page):
            raise EmptyPage(self.error_messages["no_results"])
        return self._get_page([pk for pk, _total in rows], number, self)

    def _positive(self, number):
        """validate_number without the count (not known yet)."""
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number


class CatalogueView(PublicPage, FilterView):
    """A kabupaten's listed products as cards, with search (`q`, rate-limited per address) and filters."""

    page_name = "list"
    read_parameters = (*CatalogueFilter.base_filters, "page")
    filterset_class = CatalogueFilter
    template_name = "programs/catalogue/catalogue.html"
    paginate_by = PER_PAGE

    def kabupaten_code(self):
        return self.kwargs["code"]

    def dispatch(self, request, *args, **kwargs):
        if request.GET.get("q") and over_limit(request, "catalogue-search", settings.PUBLIC_SEARCH_RATE):
            return too_many_requests(request)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        self.kabupaten = get_object_or_404(Kabupaten, pk=kwargs["code"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return CatalogueEntry.objects.in_kabupaten(self.kabupaten)

    def get_filterset_kwargs(self, filterset_class):
        return super().get_filterset_kwargs(filterset_class) | {"kabupaten": self.kabupaten}

    def paginate_queryset(self, queryset, page_size):
        # The entries give the page's listing ids; the listings shown are read through Listing.objects.public().
        if self.request.GET.get("q"):
            return super().paginate_queryset(queryset, page_size)  # SearchPaginator: ids and count at once
        return super().paginate_queryset(queryset.values_list("listing", flat=True), page_size)

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        if self.request.GET.get("q"):
            return SearchPaginator(queryset, per_page, orphans, allow_empty_first_page, **kwargs)
        return super().get_paginator(queryset, per_page, orphans, allow_empty_first_page, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["listings"] = card_rows.shown(list(context["object_list"]))  # rows, not model instances
        context["kabupaten"] = self.kabupaten
        context["searched"] = bool(self.request.GET.get("q"))
        context["filtering"] = any(self.request.GET.get(name) for name in self.filterset.filters if name != "q")
        # The filters other than the search, blank, are the same for every visitor of the kabupaten in a
        # language: kept in the shared cache under its generation (their options are its kecamatan and its
        # groups with listed products), so a new search does not build and render them again.
        context["filters_generation"] = self.generation if not context["filtering"] else None
        context["filters_seconds"] = catalogue_cache.TIMEOUT
        return context


# The fields the product page reads of its listing, the product, the business and its kecamatan (the
# rest of a business's hundred columns are not public, and compiling them cost more than the page's rows).
SHOWN_ON_PRODUCT_PAGE = (
    *("price_from", "price_to", "minimum_order", "capacity_per_month", "description_en", "export_ready"),
    *("product__name", "product__unit", "product__price", "product__packaging", "product__category"),
    *("product__description", "product__business__name", "product__business__address"),
    *("product__business__kecamatan__name", "product__business__kecamatan__kabupaten"),
)


class CatalogueProductView(PublicPage, DetailView):
    """A listed product: photos, description, what its consent allows, valid certificates, how to reach
    the business, its other listed products. Anything not public answers the 404 of a missing pk."""

    page_name = "product"
    template_name = "programs/catalogue/product.html"
    context_object_name = "listing"

    def kabupaten_code(self):
        found = Product.objects.filter(pk=self.kwargs["pk"]).order_by().values_list("business__kecamatan", flat=True)
        kecamatan = next(iter(found[:1]), None)
        if kecamatan is None:
            raise Http404
        return kecamatan[:5]

    def get_object(self, queryset=None):
        # The listing with its certificates and the pks of its business's other listings in one query, its
        # photos in one more; then the consent, which must still be open (else the page is not public).
        listing = (
            Listing.objects.public()
            .filter(product=self.kwargs["pk"])
            .select_related("product__business__kecamatan")
            .only(*SHOWN_ON_PRODUCT_PAGE)
            .prefetch_related(Prefetch("product__photos", queryset=ProductPhoto.objects.order_by("created_at", "pk")))
            .annotate(kinds=public.held_kinds(), others=public.other_listings(OTHERS))
            .first()
        )
        self.consent = listing and public.open_consent(listing.product.business_id)
        if not self.consent:
            raise Http404
        listing.product.certificates = public.labels_of(set(listing.kinds))
        listing.prices = public.price_range(listing) if self.consent.show_price else None
        return listing

    def get_context_data(self, **kwargs):
        listing = self.object
        product, business = listing.product, listing.product.business
        photos = list(product.photos.all())
        english = translation.get_language() == "en"
        description = (listing.description_en if english and listing.description_en else product.description).strip()
        url = _absolute(self.request, reverse("programs:catalogue_product", args=[product.pk]))
        image = _absolute(self.request, photo_url(photos[0], "sedang")) if photos else ""
        return super().get_context_data(
            product=product,
            business=business,
            consent=self.consent,
            photos=photos,
            others=card_rows.shown(listing.others),  # rows, as the list reads its cards
            description=description,
            page_url=url,
            image_url=image,
            structured_data=_product_data(listing, description, url, image),
            **kwargs,
        )


def _product_data(listing, description, url, image):
    """schema.org Product for search engines and link previews, as JSON safe inside a script element."""
    product = listing.product
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "url": url,
        "brand": {"@type": "Brand", "name": product.business.name},
        "manufacturer": {"@type": "Organization", "name": product.business.name},
        "category": product.get_category_display(),
    }
    if description:
        data["description"] = description
    if image:
        data["image"] = [image]
    if listing.prices:
        low, high = listing.prices
        data["offers"] = {
            "@type": "AggregateOffer",
            "priceCurrency": "IDR",
            "lowPrice": str(low),
            "highPrice": str(high),
        }
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class CatalogueBusinessView(PublicPage, DetailView):
    """A business's public face: name, kecamatan, groups, valid certificates, listed products and, where
    its consent allows, the business's own address. Never the owner (name, NIK, phone, birth date, home)."""

    page_name = "business"
    read_parameters = ("page",)
    template_name = "programs/catalogue/business.html"
    context_object_name = "business"

    def kabupaten_code(self):
        found = Business.objects.filter(pk=self.kwargs["pk"]).order_by().values_list("kecamatan", flat=True)
        kecamatan = next(iter(found[:1]), None)
        if kecamatan is None:
            raise Http404
        return kecamatan[:5]

    def get_object(self, queryset=None):
        # In one query: the business's shown fields, the pks of its public listings (its catalogue entries),
        # the kinds of the certificates valid today on it or on a listed product, whether one is export-ready,
        # whether its open consent shows the address, and its groups' names; then this page of the listings as
        # card rows. A business with none listed is not public.
        entries = CatalogueEntry.objects.filter(business=OuterRef("pk"))
        listed = CatalogueEntry.objects.filter(listing__product=OuterRef("product"))
        held = public.certificates().filter(business=OuterRef("pk")).filter(Exists(listed) | Q(product__isnull=True))
        consent = ListingConsent.objects.active().filter(business=OuterRef("pk"))
        groups = BusinessGroup.objects.filter(businesses=OuterRef("pk")).order_by("name", "pk")
        business = (
            Business.objects.filter(pk=self.kwargs["pk"])
            .select_related("kecamatan")
            .only("name", "category", "address", "kecamatan__name", "kecamatan__kabupaten")
            .annotate(
                listings=ArraySubquery(entries.values("listing")),
                kinds=ArraySubquery(held.order_by().values("kind")),
                any_export_ready=Exists(entries.filter(export_ready=True)),
                address_shown=Exists(consent.filter(show_address=True)),
                group_names=ArraySubquery(groups.values("name")),
            )
            .first()
        )
        if business is None or not business.listings:
            raise Http404
        self.paginator = Paginator(business.listings, PER_PAGE)  # pks only: a page's cards are read
        try:
            self.page = self.paginator.page(self.request.GET.get("page") or 1)
        except InvalidPage:
            raise Http404 from None
        self.listings = card_rows.shown(list(self.page))
        if not self.listings:
            raise Http404
        return business

    def get_context_data(self, **kwargs):
        business = self.object
        return super().get_context_data(
            listings=self.listings,
            page_obj=self.page,
            paginator=self.paginator,
            certificates=sorted(public.labels_of(set(business.kinds))),
            export_ready=business.any_export_ready,
            **kwargs,
        )


#
# Photos
#

PHOTO_SIZES = ("kecil", "sedang", "besar")


def photo_url(photo, size):
    return reverse("programs:catalogue_photo", args=[photo.pk, size])


class CataloguePhotoView(View):
    """A photo of a listed product (404 for any other), in one of three sizes: the thumbnail, the middle
    size (made once, stored) and the full JPEG. Kept downstream for a day: its URL never changes content."""

    def get(self, request, pk, size):
        with primary_reads():
            photo = get_object_or_404(public.public_photos(), pk=pk)
            if size == "kecil":
                field = photo.thumbnail
            elif size == "sedang":
                field = public.medium_photo(photo)
            else:
                field = photo.image
            response = stored_file_response(field, content_type="image/jpeg")
        response["Cache-Control"] = f"public, max-age={PHOTO_MAX_AGE}"
        return response


#
# Sitemap and robots.txt
#


@require_safe
def robots_txt(request):
    """Crawlers may read the catalogue (and its static files), nothing of the staff's portal."""
    sitemap = request.build_absolute_uri(reverse("programs:sitemap"))
    lines = [
        "User-agent: *",
        "Allow: /katalog/",
        "Allow: /static/",
        "Allow: /sitemap",
        "Disallow: /",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
