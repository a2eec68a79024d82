import django_filters
import django_filters.fields
from django import forms
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.forms.renderers import Jinja2
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from registry import measures
from registry.countries import COUNTRY_CHOICES
from registry.kbli import SECTION_CHOICES
from registry.measures import DOCUMENT_LABELS, UNCLASSIFIED
from registry.models import (
    Business,
    BusinessGroup,
    Category,
    Desa,
    Kabupaten,
    Kecamatan,
    Owner,
    Product,
    ProductPhoto,
)
from registry.search import SearchKey, estimated_rows, name_matches, validate_searchable
from registry.sizing import SizeClass
from registry.validators import digits_only


class KecamatanFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Cari"))
    kabupaten = django_filters.ModelChoiceFilter(
        queryset=lambda request: Kabupaten.objects.visible_to(request.user), label=_("Kabupaten/kota")
    )

    class Meta:
        model = Kecamatan
        fields = ["q", "kabupaten"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__unaccent__icontains=value) | Q(code__startswith=value))


def _document_choice(state, label):
    texts = {
        "has": _("Punya %(document)s"),
        "no": _("Belum punya %(document)s"),
        "lapsed": _("%(document)s kedaluwarsa"),
    }
    text = str(texts[state] % {"document": label})
    return text[:1].upper() + text[1:]


# Three states per kind: a valid document, none at all, or only expired ones (to renew: not "missing").
DOCUMENT_CHOICES = [
    (f"{state}_{kind}", lazy(_document_choice, str)(state, label))  # in the language of each request
    for kind, label in DOCUMENT_LABELS.items()
    for state in ("has", "no", "lapsed")
]
SIZE_CHOICES = [*SizeClass.choices, (UNCLASSIFIED, _("Belum ada data tahunan"))]
EXPIRING_CHOICES = [(kind, DOCUMENT_LABELS[kind]) for kind in ("pirt", "halal", "bpom")]


_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Yes/no filters read "Semua / Ya / Tidak" and leave an empty value (not "unknown") in shared URLs.
YES_NO = forms.Select(choices=[("", _("Semua")), ("true", _("Ya")), ("false", _("Tidak"))])


def lazy_choices(choices):
    """Choice lists as a callable: a filter set deep-copies its filters, and their form fields, on every
    request, and a callable is copied as it is instead of tuple by tuple."""
    return lambda: choices


# Up to this many hits of a search are passed to the list query as ids (see search()).
MANY_MATCHES = 500
# A word the planner expects in more names than this is searched row by row along the list's order.
COMMON_WORD_ROWS = 5_000


def business_matches(value, *, similar):
    """Ids of the businesses whose name, owner's name or a product's name contains `value` (or, with
    `similar`, has a word like it): one UNION of index-served lookups."""
    owners = name_matches(Owner.all_objects.all(), value, similar=False)
    return (
        name_matches(Business.all_objects.order_by(), value, similar=similar)
        .values_list("pk", flat=True)
        .union(
            Business.all_objects.order_by().filter(owner__in=owners).values_list("pk", flat=True),
            name_matches(Product.objects.order_by(), value, similar=similar).values_list("business", flat=True),
        )
        .order_by()
    )


def _common_word(value, *, similar=False):
    """Whether the planner expects `value` (or, with `similar`, words like it) in thousands of business
    or product names."""
    return any(
        estimated_rows(name_matches(model.objects.all(), value, similar=similar)) > COMMON_WORD_ROWS
        for model in (Business, Product)
    )


def _with_word(queryset, value, *, similar=False):
    """`queryset` narrowed to the businesses whose name, owner's name or a product's name contains `value`
    (or, with `similar`, a word like it), tested row by row: the product test is a scalar subquery, which
    PostgreSQL runs per row (an EXISTS would be turned into a hash of every matching product first)."""
    key = SearchKey(Value(value))
    product = name_matches(Product.objects.filter(business=OuterRef("pk")), value, similar=similar)
    found = Q(name_key__contains=key) | Q(owner_key__contains=key) | Q(product_hit__isnull=False)
    if similar:
        found |= Q(name_key__trigram_word_similar=key)
    return queryset.alias(
        name_key=SearchKey("name"), owner_key=SearchKey("owner__name"), product_hit=Subquery(product.values("pk")[:1])
    ).filter(found)


def few_ids(ids):
    """The ids `ids` (a values_list query) gives, as a list, when there are fewer than MANY_MATCHES; else None. A
    list of a few ids lets PostgreSQL read those rows by id, where the same ids as a subquery may be planned as a
    walk of the whole list."""
    found = list(ids[:MANY_MATCHES])
    return found if len(found) < MANY_MATCHES else None


def _searched(queryset, value, matches, with_word):
    """`queryset` narrowed to the rows whose names contain `value`: the one way the business list and the product
    lists search, through `matches(value, similar=)` (the hits' ids, a UNION of index-served lookups) and
    `with_word(queryset, value, similar=)` (each row tested). Returns the queryset and whether the word was a common
    one.

    A word that thousands of names share (by the planner's estimate, so nothing is read to know it) is tested on
    each row as the list walks its order, so a page reads a few hundred rows instead of collecting and sorting every
    hit; the list should then show the newest first, along which the hits are spread. Otherwise the words
    themselves, and names like them (typos) only when nothing has the words; the hits go in as ids, or as the UNION
    itself when there are many after all."""
    if _common_word(value):
        return with_word(queryset, value), True
    few = few_ids(matches(value, similar=False))  # None: MANY_MATCHES or more
    if few == [] and _common_word(value, similar=True):  # "Barokah Jaya": half its letters are common
        return with_word(queryset, value, similar=True), True
    if few == []:
        return queryset.filter(pk__in=matches(value, similar=True)), False
    if few is not None:
        return queryset.filter(pk__in=few), False
    return queryset.filter(pk__in=matches(value, similar=False)), False


def search_products(queryset, value):
    """`queryset` (products) narrowed to those whose name or business's name contains `value`, accent-blind, as the
    business list searches (_searched); a product's name may also be like it (a typo). Returns the queryset and
    whether the word was a common one (then list the newest first: business names go with the word)."""
    value = value.strip()
    if not value:
        return queryset, False
    return _searched(queryset, value, product_matches, _product_with_word)


def product_matches(value, *, similar):
    """Ids of the products whose name contains `value` (or, with `similar`, has a word like it), or whose
    business's name contains it: one UNION of index-served lookups."""
    businesses = name_matches(Business.all_objects.order_by(), value, similar=False)
    return (
        name_matches(Product.objects.order_by(), value, similar=similar)
        .values_list("pk", flat=True)
        .union(Product.objects.order_by().filter(business__in=businesses).values_list("pk", flat=True))
        .order_by()
    )


def _product_with_word(queryset, value, *, similar=False):
    """`queryset` (products) narrowed to those whose name or business's name contains `value` (or, with
    `similar`, whose name has a word like it), tested row by row (see _with_word)."""
    key = SearchKey(Value(value))
    found = Q(name_key__contains=key) | Q(business_key__contains=key)
    if similar:
        found |= Q(name_key__trigram_word_similar=key)
    return queryset.alias(name_key=SearchKey("name"), business_key=SearchKey("business__name")).filter(found)


class NameChoiceIterator(django_filters.fields.ModelChoiceIterator):
    """A model select's options read as (pk, label) rows from the model's `choice_label` column (the one
    its __str__ shows): a list page's filter bar offers a hundred kecamatan on every request, and building
    a model instance for each (with its select_related) cost more than rendering the select."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield "", self.field.empty_label
        yield from self.queryset.values_list("pk", self.queryset.model.choice_label)


class NameChoiceField(django_filters.fields.ModelChoiceField):
    iterator = NameChoiceIterator


class NameChoiceFilter(django_filters.ModelChoiceFilter):
    """A ModelChoiceFilter whose select reads its options as NameChoiceIterator does."""

    field_class = NameChoiceField


def _visible_kecamatan(request):
    return Kecamatan.objects.visible_to(request.user)


def _desa_choices(request):
    """The desa of the chosen kecamatan (or the one asked for): a whole kabupaten's desa, or an
    admin's thousands, would make every list page render a select of thousands of options."""
    desa = Desa.objects.visible_to(request.user).order_by("name")
    params = getattr(request, "GET", {})
    if params.get("kecamatan"):
        return desa.filter(kecamatan=params["kecamatan"])
    if params.get("desa"):
        return desa.filter(pk=params["desa"])
    return desa.none()


def _visible_groups(request):
    return BusinessGroup.objects.visible_to(request.user)


# A filter bar's widgets are rendered through Jinja2 (Django's own form renderer for it, and Django's own
# widget templates): through Django's template engine, one template per option, a filtered list page's
# eight selects took longer (about 12 ms) than the rest of the page.
FILTER_BAR_RENDERER = Jinja2()


class AreaScopeFilterSet(django_filters.FilterSet):
    """The dashboard's filters, shared by every list a dashboard figure links to.

    A figure and its list then count the same rows. `business_path` leads from the list's model to its
    business ("" for Business itself); the period applies to `date_field`, the date the list is about.
    """

    business_path = ""
    date_field = "created_at__date"
    # Shown folded in the list's filter bar; the fold opens when one of them is set.
    advanced = ["from_date", "to_date", "group", "guided", "is_flagship"]

    def get_form_class(self):
        # A closed fold (advanced_shown: none of its filters is set) is not rendered: its fields are left
        # out of the form, which filters the same, as an empty filter filters nothing.
        shown = self.advanced_shown
        fields = {name: filter_.field for name, filter_ in self.filters.items() if shown or name not in self.advanced}
        form_class = type(f"{type(self).__name__}Form", (self._meta.form,), fields)
        form_class.default_renderer = FILTER_BAR_RENDERER
        return form_class

    @property
    def form(self):
        form = super().form
        if not getattr(form, "prepared", False):
            if "desa" in form.fields and not (self.data or {}).get("kecamatan"):
                form.fields["desa"].empty_label = _("Pilih kecamatan dulu")
            form.prepared = True
            if self.is_bound and self.is_blank:
                form.full_clean()  # is_valid() did not need the form: its readers still find cleaned_data
        return form

    from_date = django_filters.DateFilter(method="filter_period", label=_("Dari tanggal"), widget=_DATE)
    to_date = django_filters.DateFilter(method="filter_period", label=_("Sampai tanggal"), widget=_DATE)
    kecamatan = NameChoiceFilter(queryset=_visible_kecamatan, method="filter_business", label=_("Kecamatan"))
    category = django_filters.ChoiceFilter(
        choices=lazy_choices(Category.choices), method="filter_business", label=_("Kategori")
    )
    group = NameChoiceFilter(queryset=_visible_groups, method="filter_business", label=_("Kelompok"))
    guided = django_filters.BooleanFilter(method="filter_business", label=_("Binaan"), widget=YES_NO)
    is_flagship = django_filters.BooleanFilter(method="filter_business", label=_("Unggulan"), widget=YES_NO)

    @property
    def is_blank(self):
        """Whether the request sets no filter (paging and sorting aside): the list is then the whole area,
        and the form is not built to find that out (it may not be rendered either: see filter_bar)."""
        values = self.data.getlist if hasattr(self.data, "getlist") else lambda name: [self.data.get(name)]
        return not any(value for name in self.filters for value in values(name))

    def is_valid(self):
        return self.is_bound and (self.is_blank or super().is_valid())

    @property
    def qs(self):
        if self.is_blank:
            return self.queryset.all()
        return super().qs

    @classmethod
    def fold_open(cls, data):
        """Whether a page with this query string renders the fold's fields: when one is set, or when asked
        for (`_lanjutan`)."""
        return bool(data.get("_lanjutan")) or any(data.get(name) for name in cls.advanced)

    @property
    def advanced_shown(self):
        return self.fold_open(self.data)

    def business_lookup(self, lookup):
        return f"{self.business_path}__{lookup}" if self.business_path else lookup

    def filter_period(self, queryset, name, value):
        bound = "gte" if name == "from_date" else "lte"
        return queryset.filter(**{f"{self.date_field}__{bound}": value})

    def filter_business(self, queryset, name, value):
        if name == "guided":
            unguided = Q(**{self.business_lookup("guided_by"): ""})
            return queryset.exclude(unguided) if value else queryset.filter(unguided)
        field = {"group": "groups"}.get(name, name)
        return queryset.filter(**{self.business_lookup(field): value})


class BusinessFilterSet(AreaScopeFilterSet):
    """The business list's filters: the shared ones (the period is the registration date) and the registry's own."""

    q = django_filters.CharFilter(
        method="search", label=_("Cari usaha, pemilik, NIB, produk"), validators=[validate_searchable]
    )
    desa = NameChoiceFilter(queryset=_desa_choices, label=_("Desa/kelurahan"))
    kbli = django_filters.CharFilter(field_name="kbli_code", lookup_expr="startswith", label=_("KBLI"))
    kbli_section = django_filters.ChoiceFilter(
        choices=lazy_choices(SECTION_CHOICES), method="filter_measure", label=_("Kategori KBLI")
    )
    size_class = django_filters.ChoiceFilter(
        choices=lazy_choices(SIZE_CHOICES), method="filter_measure", label=_("Skala")
    )
    sex = django_filters.ChoiceFilter(
        choices=lazy_choices(Owner.Sex.choices), field_name="owner__sex", label=_("Jenis kelamin")
    )
    verification = django_filters.ChoiceFilter(
        choices=lazy_choices(Business.Verification.choices), label=_("Verifikasi")
    )
    is_flagship = django_filters.BooleanFilter(label=_("Unggulan"), widget=YES_NO)
    document = django_filters.ChoiceFilter(
        choices=lazy_choices(DOCUMENT_CHOICES), method="filter_measure", label=_("Legalitas")
    )
    expiring = django_filters.ChoiceFilter(
        choices=lazy_choices(EXPIRING_CHOICES), method="filter_measure", label=_("Habis berlaku dalam 6 bulan")
    )
    expired = django_filters.BooleanFilter(method="filter_measure", label=_("Ada dokumen kedaluwarsa"), widget=YES_NO)
    halal_due = django_filters.BooleanFilter(
        method="filter_measure", label=_("Wajib halal, belum bersertifikat"), widget=YES_NO
    )
    no_photo = django_filters.BooleanFilter(method="filter_measure", label=_("Belum ada foto produk"), widget=YES_NO)
    size_rose = django_filters.NumberFilter(method="filter_measure", label=_("Naik kelas pada tahun"))
    sales_year = django_filters.NumberFilter(method="filter_measure", label=_("Ada omzet tahun"))
    no_figures_year = django_filters.NumberFilter(method="filter_measure", label=_("Belum ada data tahun"))
    export_country = django_filters.ChoiceFilter(
        choices=lazy_choices(COUNTRY_CHOICES), method="filter_measure", label=_("Ekspor ke negara")
    )
    export_from = django_filters.NumberFilter(method="filter_none", label=_("Ekspor sejak tahun"))
    export_to = django_filters.NumberFilter(method="filter_none", label=_("Ekspor sampai tahun"))
    market = django_filters.ChoiceFilter(
        choices=lazy_choices(Business.Market.choices), method="filter_market", label=_("Pasar")
    )

    many_matches = False  # set by a search for a word that hundreds of businesses share

    advanced = [
        *[name for name in AreaScopeFilterSet.advanced if name != "is_flagship"],  # its own, in the main bar
        "kbli",
        "kbli_section",
        "sex",
        "expiring",
        "expired",
        "halal_due",
        "no_photo",
        "size_rose",
        "sales_year",
        "no_figures_year",
        "export_country",
        "export_from",
        "export_to",
        "market",
    ]

    class Meta:
        model = Business
        fields = ["q", "kecamatan", "desa", "category", "kbli", "size_class", "verification", "guided", "is_flagship"]

    def search(self, queryset, name, value):
        """One box for business, owner, NIB and product names: accent-blind, and tolerant of small typos."""
        value = value.strip()
        if not value:
            return queryset
        number = digits_only(value)
        if number.isdigit() and len(number) == 13:
            return queryset.filter(nib=number)
        queryset, self.many_matches = _searched(queryset, value, business_matches, _with_word)
        return queryset

    def filter_measure(self, queryset, name, value):
        """The filters that are registry.measures conditions (the dashboard counts with the same ones)."""
        if name == "document":
            state, kind = value.split("_", 1)
            states = {"has": measures.holds_document, "no": measures.lacks_document, "lapsed": measures.document_lapsed}
            return queryset.filter(states[state](kind))
        if name == "export_country":
            first, last = self.form.cleaned_data.get("export_from"), self.form.cleaned_data.get("export_to")
            years = range(int(first or 1990), int(last or 2100) + 1) if first or last else None
            return queryset.filter(measures.exports_to(value, years))
        condition = {
            "kbli_section": measures.kbli_section_is,
            "size_class": measures.size_class_is,
            "expiring": measures.document_expiring,
            "expired": lambda flag: measures.document_expired(),
            "halal_due": lambda flag: measures.halal_due(),
            "no_photo": lambda flag: measures.lacks_photo(),
            "size_rose": lambda year: measures.size_rose_in(int(year)),
            "sales_year": lambda year: measures.has_sales_in(int(year)),
            "no_figures_year": lambda year: measures.lacks_figures_for(int(year)),
        }[name](value)
        if value is False:
            return queryset.exclude(condition)
        return queryset.filter(condition)

    def filter_none(self, queryset, name, value):
        return queryset  # read by filter_measure for export_country

    def filter_market(self, queryset, name, value):
        return queryset.filter(markets__contains=[value])


class ClosedFoldBusinessFilterSet(BusinessFilterSet):
    """The business list's filters while its fold is closed (none of the fold's filters set, `_lanjutan` not
    asked): the same set without the fold's filters, which filter nothing when not set. django-filter copies
    every filter of a set for each request; this set copies 8 instead of 26 (BusinessListView picks it)."""

    from_date = to_date = group = guided = None
    kbli = kbli_section = sex = expiring = expired = halal_due = no_photo = None
    size_rose = sales_year = no_figures_year = export_country = export_from = export_to = market = None

    class Meta(BusinessFilterSet.Meta):
        fields = [name for name in BusinessFilterSet.Meta.fields if name not in BusinessFilterSet.advanced]


class ProductFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Cari produk atau usaha"), validators=[validate_searchable])
    category = django_filters.ChoiceFilter(choices=lazy_choices(Category.choices), label=_("Kategori"))
    kecamatan = django_filters.ModelChoiceFilter(
        queryset=lambda request: Kecamatan.objects.visible_to(request.user),
        field_name="business__kecamatan",
        label=_("Kecamatan"),
    )
    has_photo = django_filters.BooleanFilter(method="filter_has_photo", label=_("Ada foto"), widget=YES_NO)

    class Meta:
        model = Product
        fields = ["q", "category", "kecamatan", "has_photo"]

    many_matches = False  # set by a search for a word that thousands of names share

    def search(self, queryset, name, value):
        queryset, self.many_matches = search_products(queryset, value)
        return queryset

    def filter_has_photo(self, queryset, name, value):
        photos = Exists(ProductPhoto.objects.filter(product=OuterRef("pk")))
        return queryset.filter(photos if value else ~photos)
