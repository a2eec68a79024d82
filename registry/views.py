from django.db.models import Count
from django.views.generic import DetailView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from registry.filtersets import KecamatanFilterSet
from registry.models import Kecamatan
from registry.permissions import AreaRestrictedMixin
from registry.tables import DesaTable, KecamatanTable


class KecamatanListView(AreaRestrictedMixin, SingleTableMixin, FilterView):
    permission_required = "registry.view_kecamatan"
    model = Kecamatan
    table_class = KecamatanTable
    filterset_class = KecamatanFilterSet
    table_pagination = {"per_page": 50}
    template_name = "registry/kecamatan_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("kabupaten").annotate(desa_count=Count("desa_set"))


class KecamatanDetailView(AreaRestrictedMixin, DetailView):
    permission_required = "registry.view_kecamatan"
    model = Kecamatan
    template_name = "registry/kecamatan_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("kabupaten__provinsi")

    def get_context_data(self, **kwargs):
        desa = self.object.desa_set.order_by("code")
        return super().get_context_data(desa_table=DesaTable(desa), desa_count=len(desa), **kwargs)
