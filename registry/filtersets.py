import django_filters
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from registry.models import (
    Business,
    BusinessGroup,
    Category,
    Desa,
    Kabupaten,
    Kecamatan,
    LegalDocument,
    Product,
    ProductPhoto,
)
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


DOCUMENT_CHOICES = [
    (f"{state}_{kind}", f"{'Punya' if state == 'has' else 'Belum punya'} {label}")
    for kind, label in [("nib", "NIB"), ("pirt", "P-IRT"), ("halal", "sertifikat halal"), ("bpom", "BPOM")]
    for state in ("has", "no")
]
_DOCUMENT_KINDS = {
    "nib": [LegalDocument.Kind.NIB],
    "pirt": [LegalDocument.Kind.PIRT],
    "halal": [LegalDocument.Kind.HALAL],
    "bpom": [LegalDocument.Kind.BPOM_MD, LegalDocument.Kind.BPOM_ML],
}
# Typos such as "lumpiya" still find "lumpia"; 0.5 keeps "batik" from matching every "bat...".
TYPO_SIMILARITY = 0.5


class BusinessFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Cari usaha, pemilik, NIB, produk"))
    kecamatan = django_filters.ModelChoiceFilter(
        queryset=lambda request: Kecamatan.objects.visible_to(request.user), label=_("Kecamatan")
    )
    desa = django_filters.ModelChoiceFilter(
        queryset=lambda request: Desa.objects.visible_to(request.user).order_by("name"), label=_("Desa/kelurahan")
    )
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Kategori"))
    kbli = django_filters.CharFilter(field_name="kbli_code", lookup_expr="startswith", label=_("KBLI"))
    size_class = django_filters.ChoiceFilter(choices=SizeClass.choices, label=_("Skala"))
    verification = django_filters.ChoiceFilter(choices=Business.Verification.choices, label=_("Verifikasi"))
    guided = django_filters.BooleanFilter(method="filter_guided", label=_("Binaan"))
    is_flagship = django_filters.BooleanFilter(label=_("Unggulan"))
    document = django_filters.ChoiceFilter(choices=DOCUMENT_CHOICES, method="filter_document", label=_("Legalitas"))
    market = django_filters.ChoiceFilter(choices=Business.Market.choices, method="filter_market", label=_("Pasar"))
    group = django_filters.ModelChoiceFilter(
        queryset=lambda request: BusinessGroup.objects.visible_to(request.user),
        field_name="groups",
        label=_("Kelompok"),
    )

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
        products = Product.objects.filter(
            Q(name__unaccent__icontains=value) | Q(name__trigram_word_similar=value)
        ).values("business")
        return queryset.annotate(
            name_similarity=TrigramWordSimilarity(value.upper(), Upper("name")),
        ).filter(
            Q(name__unaccent__icontains=value)
            | Q(name_similarity__gte=TYPO_SIMILARITY)
            | Q(owner__name__unaccent__icontains=value)
            | Q(pk__in=products)
        )

    def filter_guided(self, queryset, name, value):
        return queryset.exclude(guided_by="") if value else queryset.filter(guided_by="")

    def filter_document(self, queryset, name, value):
        state, kind = value.split("_", 1)
        held = Exists(LegalDocument.objects.filter(business=OuterRef("pk"), kind__in=_DOCUMENT_KINDS[kind]))
        return queryset.filter(held if state == "has" else ~held)

    def filter_market(self, queryset, name, value):
        return queryset.filter(markets__contains=[value])


class ProductFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Cari produk atau usaha"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Kategori"))
    kecamatan = django_filters.ModelChoiceFilter(
        queryset=lambda request: Kecamatan.objects.visible_to(request.user),
        field_name="business__kecamatan",
        label=_("Kecamatan"),
    )
    has_photo = django_filters.BooleanFilter(method="filter_has_photo", label=_("Ada foto"))

    class Meta:
        model = Product
        fields = ["q", "category", "kecamatan", "has_photo"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__unaccent__icontains=value)
            | Q(name__trigram_word_similar=value)
            | Q(business__name__unaccent__icontains=value)
        )

    def filter_has_photo(self, queryset, name, value):
        photos = Exists(ProductPhoto.objects.filter(product=OuterRef("pk")))
        return queryset.filter(photos if value else ~photos)
