"""What the dashboard and both reports count as exports: the one definition, read by reports.counts.

Two records say that a business sold abroad: its yearly figures (registry.ExportValue, the export sales it
reports per year and country) and the exports a dinas facilitated (programs.ExportFacilitation, a deal with
a buyer). A facilitated deal is part of the business's own export to that country in that year when both
are recorded, so each (business, year, country) counts once, at the larger of the two: the yearly figure
when it covers the deals, the deals when the figure is missing or lower. Which businesses exported to a
country is registry.measures.exports_to (either record), the filter the figures' links use.

Two queries whatever the number of exporters: the yearly figures (each raised to its deals where they are
larger), and the deals no yearly figure covers. The dashboard's summary (reports.tally) keeps the same totals
per cell, from `per_business`.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import DecimalField, Exists, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from programs.models import ExportFacilitation
from registry.models import ExportValue

RUPIAH = DecimalField(max_digits=17, decimal_places=0)


@dataclass
class ExportTotal:
    """Exports of one country or one category: the Rupiah value and the businesses that exported."""

    key: str
    value: Decimal = Decimal(0)
    businesses: set = field(default_factory=set)
    n: int = 0  # how many businesses: len(businesses), or the summary's count (it holds no ids)


def _same_export(model):
    """The rows of `model` for the outer row's business, year and country."""
    return model.objects.filter(business=OuterRef("business"), year=OuterRef("year"), country=OuterRef("country"))


def export_rows(businesses, years=None, by=("country", "business__category")):
    """(country, category, Rupiah value, business ids) of the exports of `businesses` (a queryset), in
    `years` when given, each (business, year, country) counted once as the module docstring says (grouped
    `by` other fields, those first)."""
    deals = _same_export(ExportFacilitation).order_by().values("business").annotate(total=Sum("value"))
    recorded = ExportValue.objects.filter(business__in=businesses.values("pk"))
    uncovered = ExportFacilitation.objects.filter(business__in=businesses.values("pk"))
    uncovered = uncovered.exclude(Exists(_same_export(ExportValue)))
    if years is not None:
        recorded, uncovered = recorded.filter(year__in=years), uncovered.filter(year__in=years)
    recorded = recorded.annotate(
        counted=Greatest("value", Coalesce(Subquery(deals.values("total")), Value(Decimal(0)), output_field=RUPIAH))
    )
    rows = []
    for queryset, amount in ((recorded, "counted"), (uncovered, "value")):
        grouped = queryset.order_by().values_list(*by)
        rows += grouped.annotate(total=Sum(amount, output_field=RUPIAH), ids=ArrayAgg("business", distinct=True))
    return rows


def exports(businesses, years=None):
    """{"country": [ExportTotal...], "category": [ExportTotal...]}, each largest value first."""
    totals = {"country": {}, "category": {}}
    for country, category, value, ids in export_rows(businesses, years):
        for axis, key in (("country", country), ("category", category)):
            total = totals[axis].setdefault(key, ExportTotal(key))
            total.value += value or 0
            total.businesses.update(ids)
    for rows in totals.values():
        for total in rows.values():
            total.n = len(total.businesses)
    return {axis: sorted(rows.values(), key=lambda t: (-t.value, t.key)) for axis, rows in totals.items()}


def per_business(businesses):
    """{(business id, country): Rupiah value} of the exports of `businesses` (a queryset) in every year, counted
    as exports() counts them (a business's deals in a year no yearly figure covers add to its figures)."""
    values = defaultdict(Decimal)
    for business, country, value, _ids in export_rows(businesses, by=("business", "country")):
        values[(business, country)] += value or 0
    return dict(values)
