import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import (
    Bank,
    BankReferral,
    CurationCall,
    CurationSubmission,
    Enrollment,
    ExportFacilitation,
    MentoringVisit,
    Placement,
    Training,
)
from registry.countries import COUNTRY_CHOICES
from registry.models import Category, Kecamatan


class BankReferralFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="business__name", lookup_expr="unaccent__icontains", label=_("Cari usaha"))
    status = django_filters.ChoiceFilter(choices=BankReferral.Status.choices, label=_("Status"))
    bank = django_filters.ModelChoiceFilter(
        queryset=lambda request: Bank.objects.visible_to(request.user), label=_("Bank")
    )
    credit_product = django_filters.ChoiceFilter(choices=BankReferral.CreditProduct.choices, label=_("Produk kredit"))
    kecamatan = django_filters.ModelChoiceFilter(
        queryset=lambda request: Kecamatan.objects.visible_to(request.user),
        field_name="business__kecamatan",
        label=_("Kecamatan"),
    )

    class Meta:
        model = BankReferral
        fields = ["q", "status", "bank", "credit_product", "kecamatan"]


class TrainingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="unaccent__icontains", label=_("Cari judul"))
    kind = django_filters.ChoiceFilter(choices=Training.Kind.choices, label=_("Jenis"))
    upcoming = django_filters.BooleanFilter(method="filter_upcoming", label=_("Belum selesai"))

    class Meta:
        model = Training
        fields = ["q", "kind", "upcoming"]

    def filter_upcoming(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(end_on__gte=today) if value else queryset.filter(end_on__lt=today)


def _area_kecamatan(request):
    return Kecamatan.objects.visible_to(request.user)


class EnrollmentFilterSet(django_filters.FilterSet):
    training = django_filters.ModelChoiceFilter(
        queryset=lambda request: Training.objects.visible_to(request.user), label=_("Pelatihan")
    )
    status = django_filters.ChoiceFilter(choices=Enrollment.Status.choices, label=_("Status"))
    completed = django_filters.BooleanFilter(
        field_name="completed_at", lookup_expr="isnull", exclude=True, label=_("Lulus")
    )
    kecamatan = django_filters.ModelChoiceFilter(
        queryset=_area_kecamatan, field_name="business__kecamatan", label=_("Kecamatan")
    )

    class Meta:
        model = Enrollment
        fields = ["training", "status", "completed", "kecamatan"]


class CurationSubmissionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="product__name", lookup_expr="unaccent__icontains", label=_("Cari produk"))
    call = django_filters.ModelChoiceFilter(
        queryset=lambda request: CurationCall.objects.visible_to(request.user), label=_("Kurasi")
    )
    decision = django_filters.ChoiceFilter(choices=CurationSubmission.Decision.choices, label=_("Keputusan"))
    kecamatan = django_filters.ModelChoiceFilter(
        queryset=_area_kecamatan, field_name="product__business__kecamatan", label=_("Kecamatan")
    )

    class Meta:
        model = CurationSubmission
        fields = ["q", "call", "decision", "kecamatan"]


class MentoringVisitFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="business__name", lookup_expr="unaccent__icontains", label=_("Cari usaha"))
    kecamatan = django_filters.ModelChoiceFilter(
        queryset=_area_kecamatan, field_name="business__kecamatan", label=_("Kecamatan")
    )
    follow_up_done = django_filters.BooleanFilter(label=_("Tindak lanjut selesai"))

    class Meta:
        model = MentoringVisit
        fields = ["q", "kecamatan", "follow_up_done"]


class PlacementFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="partner", lookup_expr="unaccent__icontains", label=_("Cari mitra"))
    status = django_filters.ChoiceFilter(choices=Placement.Status.choices, label=_("Status"))

    class Meta:
        model = Placement
        fields = ["q", "status"]


class ExportFacilitationFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Tahun"))
    country = django_filters.ChoiceFilter(choices=COUNTRY_CHOICES, label=_("Negara"))
    category = django_filters.ChoiceFilter(
        choices=Category.choices, field_name="business__category", label=_("Kategori")
    )

    class Meta:
        model = ExportFacilitation
        fields = ["year", "country", "category"]
