import re

import django_filters
from django import forms
from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import BooleanField, ExpressionWrapper, F, Lookup, Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from programs import measures, public
from programs.measures import REFERRAL_STAGES
from programs.models import (
    Bank,
    BankReferral,
    CatalogueEntry,
    CatalogueWord,
    CurationCall,
    CurationSubmission,
    Enrollment,
    ExportFacilitation,
    MentoringVisit,
    Placement,
    Training,
)
from registry.countries import COUNTRY_CHOICES
from registry.filtersets import YES_NO, AreaScopeFilterSet, few_ids, lazy_choices
from registry.models import BusinessGroup, Category, Kecamatan, Product
from registry.search import SearchKey, name_matches, validate_searchable


class BankReferralFilterSet(AreaScopeFilterSet):
    """Referrals; the dashboard's period is the day the referral was made."""

    business_path = "business"
    q = django_filters.CharFilter(field_name="business__name", lookup_expr="unaccent__icontains", label=_("Cari usaha"))
    status = django_filters.ChoiceFilter(choices=BankReferral.Status.choices, label=_("Status"))
    stage = django_filters.ChoiceFilter(choices=REFERRAL_STAGES, method="filter_stage", label=_("Tahap tercapai"))
    bank = django_filters.ModelChoiceFilter(
        queryset=lambda request: Bank.objects.visible_to(request.user), label=_("Bank")
    )
    credit_product = django_filters.ChoiceFilter(choices=BankReferral.CreditProduct.choices, label=_("Produk kredit"))

    class Meta:
        model = BankReferral
        fields = ["q", "status", "stage", "bank", "credit_product", "kecamatan"]

    def filter_stage(self, queryset, name, value):
        return queryset.filter(measures.referral_reached(value))


class TrainingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="unaccent__icontains", label=_("Cari judul"))
    kind = django_filters.ChoiceFilter(choices=Training.Kind.choices, label=_("Jenis"))
    upcoming = django_filters.BooleanFilter(method="filter_upcoming", label=_("Belum selesai"), widget=YES_NO)

    class Meta:
        model = Training
        fields = ["q", "kind", "upcoming"]

    def filter_upcoming(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(end_on__gte=today) if value else queryset.filter(end_on__lt=today)


def _area_kecamatan(request):
    return Kecamatan.objects.visible_to(request.user)


class _MeasureFilterSet(AreaScopeFilterSet):
    """A yes/no filter per programs.measures condition named in `measure_filters`."""

    measure_filters = {}
    mine_field = ""  # who made the record: "yes" keeps the viewer's own, "no" the others'

    def filter_measure(self, queryset, name, value):
        condition = self.measure_filters[name]()
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_mine(self, queryset, name, value):
        mine = Q(**{self.mine_field: self.request.user})
        return queryset.filter(mine) if value else queryset.exclude(mine)


class EnrollmentFilterSet(_MeasureFilterSet):
    """Participants; the dashboard's period is the day of nomination."""

    business_path = "business"
    date_field = "nominated_at__date"
    mine_field = "nominated_by"
    measure_filters = {"attended": measures.attended, "completed": measures.completed}
    training = django_filters.ModelChoiceFilter(
        queryset=lambda request: Training.objects.visible_to(request.user), label=pgettext_lazy("satu", "Pelatihan")
    )
    status = django_filters.ChoiceFilter(choices=Enrollment.Status.choices, label=_("Status"))
    attended = django_filters.BooleanFilter(method="filter_measure", label=_("Pernah hadir"), widget=YES_NO)
    completed = django_filters.BooleanFilter(method="filter_measure", label=_("Lulus"), widget=YES_NO)
    nominated_by_me = django_filters.BooleanFilter(method="filter_mine", label=_("Nominasi saya"), widget=YES_NO)

    class Meta:
        model = Enrollment
        fields = ["training", "status", "attended", "completed", "kecamatan"]


class CurationSubmissionFilterSet(_MeasureFilterSet):
    """Products put forward to curation; the dashboard's period is the day of submission."""

    business_path = "product__business"
    date_field = "submitted_at__date"
    mine_field = "submitted_by"
    measure_filters = {"placed": measures.placed}
    q = django_filters.CharFilter(method="search", label=_("Cari produk"), validators=[validate_searchable])
    call = django_filters.ModelChoiceFilter(
        queryset=lambda request: CurationCall.objects.visible_to(request.user), label=_("Kurasi")
    )
    decision = django_filters.ChoiceFilter(choices=CurationSubmission.Decision.choices, label=_("Keputusan"))
    placed = django_filters.BooleanFilter(method="filter_measure", label=_("Sudah ditempatkan"), widget=YES_NO)
    submitted_by_me = django_filters.BooleanFilter(method="filter_mine", label=_("Ajuan saya"), widget=YES_NO)

    class Meta:
        model = CurationSubmission
        fields = ["q", "call", "decision", "placed", "kecamatan"]

    def search(self, queryset, name, value):
        """The product's name, accent-blind, found on the products' search index: up to MANY_MATCHES products go
        in by id; a word that more products share is tested on each submission along the list's order (the
        newest first), where its hits are spread (a scan of every submission's product name took a second at
        112,000)."""
        value = value.strip()
        if not value:
            return queryset
        few = few_ids(name_matches(Product.objects.order_by(), value, similar=False).values_list("pk", flat=True))
        if few is not None:
            return queryset.filter(product__in=few)
        return queryset.alias(product_key=SearchKey("product__name")).filter(
            product_key__contains=SearchKey(Value(value))
        )


class MentoringVisitFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="business__name", lookup_expr="unaccent__icontains", label=_("Cari usaha"))
    kecamatan = django_filters.ModelChoiceFilter(
        queryset=_area_kecamatan, field_name="business__kecamatan", label=_("Kecamatan")
    )
    follow_up_done = django_filters.BooleanFilter(label=_("Tindak lanjut selesai"), widget=YES_NO)

    class Meta:
        model = MentoringVisit
        fields = ["q", "kecamatan", "follow_up_done"]


class PlacementFilterSet(AreaScopeFilterSet):
    """Placed products; the dashboard's period is the day the placement started."""

    business_path = "submission__product__business"
    date_field = "starts_on"
    q = django_filters.CharFilter(method="search", label=_("Cari peritel, mitra atau produk"))
    channel = django_filters.ChoiceFilter(choices=Placement.Channel.choices, label=_("Saluran"))
    retailer = django_filters.CharFilter(field_name="retailer", lookup_expr="iexact", label=_("Peritel"))
    status = django_filters.ChoiceFilter(choices=Placement.Status.choices, label=_("Status"))

    class Meta:
        model = Placement
        fields = ["q", "channel", "retailer", "status", "kecamatan"]

    def search(self, queryset, name, value):
        value = value.strip()
        words = ("retailer", "partner", "submission__product__name")
        return queryset.filter(Q(*[Q(**{f"{field}__unaccent__icontains": value}) for field in words], _connector=Q.OR))


class ExportFacilitationFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Tahun"))
    country = django_filters.ChoiceFilter(choices=lazy_choices(COUNTRY_CHOICES), label=_("Negara"))
    category = django_filters.ChoiceFilter(
        choices=Category.choices, field_name="business__category", label=_("Kategori")
    )

    class Meta:
        model = ExportFacilitation
        fields = ["year", "country", "category"]


#
# The public catalogue (programs/catalogue.py): no login, one kabupaten, listed products only
#


# A typo search matches the entries containing at most this many words like the searched ones (each word a
# lookup in the entries' trigram indexes); beyond, it compares the searched words with every name.
SIMILAR_WORDS = 40


class ContainsAny(Lookup):
    """`field LIKE ANY(%word%, ...)`: the text contains one of the words (served by a trigram index); used
    as an expression: `ContainsAny(F("field"), words)`."""

    lookup_name = "contains_any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        patterns = ["%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" for word in self.rhs]
        return f"{lhs} LIKE ANY(%s)", (*params, patterns)


class CatalogueFilter(django_filters.FilterSet):
    """Search and filters of a kabupaten's public catalogue, as GET parameters, over its catalogue entries
    (programs.models.CatalogueEntry: narrow rows on their own indexes; the page then reads the listings it
    shows through Listing.objects.public()). The kabupaten is given by the page (`kabupaten=`); its kecamatan
    and its groups that have listed products are offered."""

    q = django_filters.CharFilter(method="search", label=_("Cari produk atau usaha"), max_length=100)
    category = django_filters.ChoiceFilter(
        field_name="category",
        choices=lazy_choices(Category.choices),
        label=_("Kategori"),
        empty_label=_("Semua"),
    )
    kecamatan = django_filters.ModelChoiceFilter(
        field_name="kecamatan",
        queryset=Kecamatan.objects.none(),
        label=_("Kecamatan"),
        empty_label=_("Semua"),
    )
    certification = django_filters.ChoiceFilter(
        choices=lazy_choices(public.certification_choices()),
        method="filter_certification",
        label=_("Sertifikat"),
        empty_label=_("Semua"),
    )
    group = django_filters.ModelChoiceFilter(
        field_name="business__groups",
        queryset=BusinessGroup.objects.none(),
        label=_("Kelompok atau klaster"),
        empty_label=_("Semua"),
    )
    export_ready = django_filters.BooleanFilter(
        widget=forms.CheckboxInput, label=_("Hanya yang siap ekspor"), method="filter_export_ready"
    )

    class Meta:
        model = CatalogueEntry
        fields = ["q", "category", "kecamatan", "certification", "group", "export_ready"]

    def __init__(self, *args, kabupaten, **kwargs):
        super().__init__(*args, **kwargs)
        self.kabupaten = kabupaten
        self.filters["kecamatan"].queryset = Kecamatan.objects.filter(kabupaten=kabupaten).order_by("name")
        self.filters["group"].queryset = public.groups_with_listings(kabupaten)

    def search(self, queryset, name, value):
        self.searched = value  # applied last (filter_queryset): whether any name contains the words is
        return queryset  # decided among the entries the other filters keep

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        value = getattr(self, "searched", "")
        return self.search_names(queryset, value) if value else queryset

    def search_names(self, queryset, value):
        """Product or business name, accent-blind and typo-tolerant, as the business list searches
        (registry.filtersets.BusinessFilterSet.search, registry.search): the names that contain the words;
        only when none does, the names with a word like them (pg_trgm word similarity at the database's
        threshold). On the entries' search keys, the kabupaten inside their trigram indexes."""
        key = SearchKey(Value(value))
        product, business = Q(product_key__contains=key), Q(business_key__contains=key)
        if not queryset.filter(product | business).exists():
            words = self.similar_words(value)
            if words is None:  # a short word like too many: compare it with every name
                product, business = Q(product_key__trigram_word_similar=key), Q(business_key__trigram_word_similar=key)
            else:  # the names containing a word like a searched one
                product, business = ContainsAny(F("product_key"), words), ContainsAny(F("business_key"), words)
        # A product named so comes before the other products of a business named so, the closest name first.
        named = ExpressionWrapper(product, output_field=BooleanField())
        closeness = TrigramSimilarity("product_key", key)
        return (
            queryset.filter(product | business)
            .alias(named=named, closeness=closeness)
            .order_by("-named", "-closeness", *CatalogueEntry._meta.ordering)
        )

    def similar_words(self, value):
        """The kabupaten's words (programs.models.CatalogueWord) like one of the searched words, at the
        database's word-similarity threshold; None when there are more than SIMILAR_WORDS."""
        searched = [word for word in re.split(r"[\W_]+", value) if word]
        if not searched:
            return []
        like = Q(*[Q(word__trigram_word_similar=SearchKey(Value(word))) for word in searched], _connector=Q.OR)
        words = CatalogueWord.objects.filter(like, kabupaten=self.kabupaten).values_list("word", flat=True)
        words = list(words[: SIMILAR_WORDS + 1])
        return None if len(words) > SIMILAR_WORDS else words

    def filter_certification(self, queryset, name, value):
        return queryset.filter(**{f"{value}_until__gte": timezone.localdate()})

    def filter_export_ready(self, queryset, name, value):
        # An unticked box means "all", never "only the ones not export-ready".
        return queryset.filter(export_ready=True) if value else queryset
