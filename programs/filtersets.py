import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import Bank, BankReferral, Training
from registry.models import Kecamatan


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
