"""Program impact, descriptively: participants' sales and size class the year before and after a program,
beside comparable non-participants (same kecamatan and category). It describes; it does not prove cause.
"""

from dataclasses import dataclass

from django.db.models import Aggregate, Count, F, FloatField, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from programs.models import CurationSubmission, Enrollment
from registry.models import Business, YearlyFigure, rank_expression
from registry.sizing import SizeClass


class Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5): the median of a column."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass
class GroupOutcome:
    label: str
    businesses: int
    with_both_years: int
    median_before: float | None
    median_after: float | None
    classes_before: dict
    classes_after: dict
    rose: int

    @property
    def median_change(self):
        """Change of the median, in percent; None without both medians."""
        if not self.median_before or self.median_after is None:
            return None
        return round((self.median_after - self.median_before) * 100 / self.median_before, 1)

    @property
    def rose_share(self):
        return round(self.rose * 100 / self.with_both_years, 1) if self.with_both_years else None


def _outcome(label, businesses, before, after):
    def figure(year, field):
        return Subquery(YearlyFigure.objects.filter(business=OuterRef("pk"), year=year).values(field)[:1])

    rows = businesses.annotate(
        revenue_before=figure(before, "revenue"),
        revenue_after=figure(after, "revenue"),
        class_before=figure(before, "size_class"),
        class_after=figure(after, "size_class"),
    ).annotate(rank_before=rank_expression("class_before"), rank_after=rank_expression("class_after"))
    both = Q(revenue_before__isnull=False, revenue_after__isnull=False)
    classes = {}
    for when in ("before", "after"):
        for size_class in SizeClass.values:
            classes[f"{when}_{size_class}"] = Count("pk", filter=Q(**{f"class_{when}": size_class}))
    counts = rows.order_by().aggregate(
        businesses=Count("pk"),
        with_both_years=Count("pk", filter=both),
        median_before=Median("revenue_before", filter=both),
        median_after=Median("revenue_after", filter=both),
        rose=Count("pk", filter=Q(rank_before__gt=0, rank_after__gt=F("rank_before"))),
        **classes,
    )
    return GroupOutcome(
        label=label,
        businesses=counts["businesses"],
        with_both_years=counts["with_both_years"],
        median_before=counts["median_before"],
        median_after=counts["median_after"],
        classes_before={value: counts[f"before_{value}"] for value in SizeClass.values},
        classes_after={value: counts[f"after_{value}"] for value in SizeClass.values},
        rose=counts["rose"],
    )


def _compare(participants, user, year):
    """Participants against the user's other businesses sharing a kecamatan and category with a participant."""
    pairs = set(participants.values_list("kecamatan", "category"))
    same_place = Q(pk__in=[])
    for kecamatan, category in pairs:
        same_place |= Q(kecamatan=kecamatan, category=category)
    comparison = Business.objects.visible_to(user).filter(same_place).exclude(pk__in=participants.values("pk"))
    before, after = year - 1, year + 1
    return {
        "year": year,
        "before": before,
        "after": after,
        "groups": [
            _outcome(_("Peserta"), participants, before, after),
            _outcome(_("Pembanding (kecamatan dan kategori sama, bukan peserta)"), comparison, before, after),
        ],
        "size_classes": SizeClass.choices,
    }


def training_impact(training, user):
    """Confirmed participants of the training in the user's area; the program year is the year it started."""
    enrolled = Enrollment.objects.filter(training=training, status=Enrollment.Status.CONFIRMED).values("business")
    participants = Business.objects.visible_to(user).filter(pk__in=enrolled)
    return _compare(participants, user, training.start_on.year)


def call_impact(call, user):
    """Businesses whose product was submitted to the call, in the user's area; the year the call opened."""
    submitted = CurationSubmission.objects.filter(call=call).values("product__business")
    participants = Business.objects.visible_to(user).filter(pk__in=submitted)
    return _compare(participants, user, call.opens_on.year)
