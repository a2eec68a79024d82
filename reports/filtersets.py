"""The dashboards' filter set: the shared filters of the lists their figures link to, plus the year."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.filtersets import AreaScopeFilterSet
from registry.models import Business

# How many years back the year filter offers (the portal's data starts within them).
YEARS_OFFERED = 8


def _years():
    this_year = timezone.localdate().year
    return [(str(year), str(year)) for year in range(this_year, this_year - YEARS_OFFERED, -1)]


class DashboardFilterSet(AreaScopeFilterSet):
    """The filter bar of the dashboards and their reports, validated against the user's area.

    Every filter is shown (no fold: on a phone the whole bar folds, see reports/dashboard.html). `year` is a
    shortcut for the period 1 January to 31 December of that year (dates typed in win); the dashboard's
    links carry the dates, so the lists need no year filter of their own.
    """

    year = django_filters.ChoiceFilter(choices=_years, method="filter_none", label=_("Tahun"))

    advanced = []
    FIELD_ORDER = ["year", "from_date", "to_date", "kecamatan", "category", "group", "guided", "is_flagship"]

    class Meta:
        model = Business
        fields = []

    @property
    def form(self):
        form = super().form
        form.order_fields(self.FIELD_ORDER)
        return form

    def filter_none(self, queryset, name, value):
        return queryset  # read by reports.figures.AreaDashboard as the period

    @property
    def set_count(self):
        """How many filters the request sets (the phone's folded bar says it)."""
        return sum(1 for name in self.filters if self.data.get(name))
