"""The dashboards' filter set: the shared filters of the lists their figures link to."""

from registry.filtersets import AreaScopeFilterSet
from registry.models import Business


class DashboardFilterSet(AreaScopeFilterSet):
    """The filter bar of the dashboards: only the shared filters, validated against the user's area."""

    class Meta:
        model = Business
        fields = []
