import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.models import Kabupaten, Kecamatan


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
