"""How the dashboard counts: one interface, two implementations.

`TalliedCounts` reads the summary table (reports.tally), kept by the worker, so a dashboard costs the same
at a million businesses. `LiveCounts` counts the rows themselves, for the filters the summary does not
hold (a period, a group, unggulan). Both answer the same questions with the same conditions (registry.measures,
programs.measures, reports.tally's steps), and tests/reports/test_tally.py checks that they agree;
reports.figures.AreaDashboard picks one and never asks which. Placements are not in the summary: both
implementations count them from their rows (`RowCounts`); exports are, since the ninth session
(`TalliedCounts.exports`, reports.export_sales.per_business).
"""

from decimal import Decimal

from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import Lower, Substr, TruncMonth
from django.utils import timezone
from django.utils.functional import cached_property

from programs.filtersets import (
    BankReferralFilterSet,
    CurationSubmissionFilterSet,
    EnrollmentFilterSet,
    PlacementFilterSet,
)
from registry import measures
from registry.filtersets import BusinessFilterSet
from registry.models import Business, Owner, area_codes_seen_by
from registry.sizing import SizeClass
from reports.export_sales import ExportTotal, exports
from reports.tally import (
    REFERRAL_STAGES,
    TallyCounts,
    curation_steps,
    enrollment_steps,
    month_of,
    referral_aggregates,
)

# The funnels: measure -> (its steps, the list its figures link to).
FUNNELS = {
    "enrollment": (enrollment_steps, EnrollmentFilterSet),
    "curation": (curation_steps, CurationSubmissionFilterSet),
}


def recap_columns(today):
    """The per-kecamatan recap's columns: name -> the businesses it counts."""
    return {
        "total": Q(),
        "verified": Q(verification=Business.Verification.VERIFIED),
        "guided": ~Q(guided_by=""),
        **{size: Q(size_class=size) for size in SizeClass.values},
        "unclassified": Q(size_class=""),
        "nib": measures.holds_document("nib", today),
        "pirt": measures.holds_document("pirt", today),
        "halal": measures.holds_document("halal", today),
        "women": Q(owner__sex=Owner.Sex.FEMALE),
    }


def document_conditions(today):
    conditions = {f"has_{kind}": measures.holds_document(kind, today) for kind in ("nib", "pirt", "halal")}
    conditions |= {f"expiring_{kind}": measures.document_expiring(kind, today) for kind in ("pirt", "halal", "bpom")}
    conditions["halal_due"] = measures.halal_due(today)
    return conditions


class RowCounts:
    """What both implementations count from the rows: the summary does not hold placements (LiveCounts counts
    exports here too)."""

    def exports(self):
        """Exports of the dashboard's businesses in the period's years, by country and by category."""
        return exports(self.dashboard.businesses, self.dashboard.period.years)

    def placements(self):
        """{(channel, retailer): placements} started within the period, as the placement list counts them."""
        placements = self.dashboard.filtered(PlacementFilterSet, self.dashboard.flow_params)
        # "Alfamart" and "ALFAMART" are one retailer, as the list's filter (iexact) finds them both.
        rows = placements.order_by().values_list("channel", Lower("retailer"))
        return {(channel, name): n for channel, _key, n, name in rows.annotate(n=Count("pk"), name=Min("retailer"))}


class LiveCounts(RowCounts):
    """Counted from the rows of the dashboard's filtered lists (any filter)."""

    tallied = False

    def __init__(self, dashboard):
        self.dashboard = dashboard
        self.businesses = dashboard.businesses
        self.today = dashboard.today

    def totals(self):
        conditions = {
            "total": Q(),
            "verified": Q(verification=Business.Verification.VERIFIED),
            "guided": ~Q(guided_by=""),
            "flagship": Q(is_flagship=True),
        }
        return self.businesses.aggregate(**{key: Count("pk", filter=q) for key, q in conditions.items()})

    def per_kecamatan(self):
        return dict(self.businesses.order_by().values_list("kecamatan").annotate(n=Count("pk")))

    def per_value(self, field_name):
        """{value: businesses} of one field: "category", "size_class" or "owner__sex"."""
        return dict(self.businesses.order_by().values_list(field_name).annotate(n=Count("pk")))

    def kbli(self):
        """(KBLI version, division, businesses) rows."""
        return self.businesses.order_by().values_list("kbli_version", Substr("kbli_code", 1, 2)).annotate(n=Count("pk"))

    def months(self):
        """{first day of a month: businesses registered in it} within the period."""
        registered = self.dashboard.filtered(BusinessFilterSet, self.dashboard.flow_params)
        per_month = registered.order_by().annotate(month=TruncMonth("created_at")).values_list("month")
        return {timezone.localtime(month).date().replace(day=1): n for month, n in per_month.annotate(n=Count("pk"))}

    def documents(self):
        conditions = document_conditions(self.today)
        return self.businesses.aggregate(**{key: Count("pk", filter=q) for key, q in conditions.items()})

    def funnel(self, measure):
        steps, filterset_class = FUNNELS[measure]
        records = self.dashboard.filtered(filterset_class, self.dashboard.flow_params)
        return records.aggregate(**{step: Count("pk", filter=condition) for step, condition in steps().items()})

    def referrals(self):
        referrals = self.dashboard.filtered(BankReferralFilterSet, self.dashboard.flow_params)
        return referrals.aggregate(**referral_aggregates())

    def level_up(self):
        return dict(self.dashboard.yearly_figures().rose().order_by().values_list("year").annotate(n=Count("pk")))

    def sales(self):
        """(year, category, Rupiah total, businesses) rows of the yearly figures with sales."""
        with_sales = self.dashboard.yearly_figures().filter(revenue__isnull=False).order_by()
        return with_sales.values_list("year", "business__category").annotate(total=Sum("revenue"), n=Count("pk"))

    def recap(self):
        columns = recap_columns(self.today)
        rows = self.businesses.order_by().values("kecamatan")
        rows = rows.annotate(**{key: Count("pk", filter=q) for key, q in columns.items()})
        return {row.pop("kecamatan"): row for row in rows}


class TalliedCounts(RowCounts):
    """Read from the summary table, for the filters that are its cells' attributes (kecamatan, category,
    guided) or none: one query for every figure (reports.tally.TallyCounts)."""

    tallied = True

    def __init__(self, dashboard):
        self.dashboard = dashboard

    @cached_property
    def tally(self):
        dashboard = self.dashboard
        # Without a kecamatan filter, the area's codes as read once per user object (the area door's own list)
        # instead of asking the kecamatan table for them again; a superuser's "every one" is asked for.
        codes = None if "kecamatan" in dashboard.scope else area_codes_seen_by(dashboard.user)
        codes = dashboard.kecamatan_codes() if codes is None else codes
        return TallyCounts(codes, dashboard.scope, dashboard.today)

    def totals(self):
        tally = self.tally
        return {
            "total": tally.n("all"),
            "verified": tally.n("verification", Business.Verification.VERIFIED),
            "guided": sum(tally.guided_per_kecamatan().values()),
            "flagship": tally.n("flagship", "1"),
        }

    def per_kecamatan(self):
        return self.tally.per_kecamatan("all")

    def per_value(self, field_name):
        if field_name == "category":
            return self.tally.per_category("all")
        return self.tally.buckets({"size_class": "size", "owner__sex": "sex"}[field_name])

    def kbli(self):
        return [(*bucket.split(":", 1), n) for bucket, n in self.tally.buckets("kbli").items()]

    def months(self):
        return {month_of(bucket): n for bucket, n in self.tally.buckets("month").items()}

    def documents(self):
        tally = self.tally
        counts = {f"has_{kind}": tally.holding(kind) for kind in ("nib", "pirt", "halal")}
        counts |= {f"expiring_{kind}": tally.expiring(kind) for kind in ("pirt", "halal", "bpom")}
        counts["halal_due"] = tally.halal_due()
        return counts

    def funnel(self, measure):
        steps, _filterset_class = FUNNELS[measure]
        return {step: self.tally.n(measure, step) for step in steps()}

    def referrals(self):
        counts = {}
        for stage, _field in REFERRAL_STAGES:
            counts[f"{stage}_n"] = self.tally.n("referral", stage)
            counts[f"{stage}_amount"] = self.tally.amount("referral", stage)
        return counts

    def level_up(self):
        return {int(year): n for year, n in self.tally.buckets("rose").items()}

    def exports(self):
        """Exports by country and by category, as RowCounts.exports counts them, from the summary (a tallied
        dashboard has no period: every year)."""
        exports = {}
        for axis, totals in self.tally.exports().items():
            rows = [
                ExportTotal(key, (value or Decimal(0)).quantize(Decimal(1)), n=n) for key, (n, value) in totals.items()
            ]
            exports[axis] = sorted(rows, key=lambda total: (-total.value, total.key))
        return exports

    def sales(self):
        return [(year, category, total, n) for (year, category), (total, n) in self.tally.sales().items()]

    def recap(self):
        tally = self.tally
        per_column = {
            "total": tally.per_kecamatan("all"),
            "verified": tally.per_kecamatan("verification", Business.Verification.VERIFIED),
            "guided": tally.guided_per_kecamatan(),
            **{size: tally.per_kecamatan("size", size) for size in SizeClass.values},
            "unclassified": tally.per_kecamatan("size", ""),
            **{kind: tally.holding_per_kecamatan(kind) for kind in ("nib", "pirt", "halal")},
            "women": tally.per_kecamatan("sex", Owner.Sex.FEMALE),
        }
        kecamatan = set().union(*per_column.values())
        return {k: {key: per_column[key].get(k, 0) for key in per_column} for k in kecamatan}
