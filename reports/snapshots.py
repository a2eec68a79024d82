"""Freezing published figures: counted once as of a date, stored, and reconciled."""

from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone, translation

from registry.models import Business, Category, Kecamatan, Owner, YearlyFigure
from registry.sizing import RULE_VERSION, SizeClass

UNCLASSIFIED_LABEL = "Belum terklasifikasi"


def _breakdown(counts, choices, total):
    """Rows (label, count) for every choice, the unclassified rest, and the check that they add up."""
    # Labels are stored in Indonesian, the snapshot's own language; its page translates them when shown.
    with translation.override("id"):
        rows = [[str(label), counts.get(value, 0)] for value, label in choices]
    classified = sum(count for _, count in rows)
    unclassified = total - classified
    rows.append([UNCLASSIFIED_LABEL, unclassified])
    return rows, {"classified": classified, "unclassified": unclassified, "total": total}


def snapshot_figures(kabupaten, as_of):
    """The figures of a kabupaten's businesses registered up to `as_of`, with their reconciliation.

    The size class is the one computed from the newest yearly figures of a year up to `as_of`, so data
    entered later for later years does not change what a snapshot would have said.
    """
    newest = YearlyFigure.objects.filter(business=OuterRef("pk"), year__lte=as_of.year).order_by("-year")
    businesses = Business.objects.filter(kecamatan__kabupaten=kabupaten, created_at__date__lte=as_of).annotate(
        size_then=Subquery(newest.values("size_class")[:1])
    )
    total = businesses.count()

    def counts(field):
        return dict(businesses.order_by().values_list(field).annotate(n=Count("pk")))

    kecamatan = Kecamatan.objects.filter(kabupaten=kabupaten).order_by("name").values_list("code", "name")
    breakdowns, reconciliation = {}, {}
    for key, field, choices in [
        ("skala", "size_then", SizeClass.choices),
        ("kecamatan", "kecamatan", list(kecamatan)),
        ("kategori", "category", Category.choices),
        ("jenis_kelamin_pemilik", "owner__sex", Owner.Sex.choices),
    ]:
        breakdowns[key], reconciliation[key] = _breakdown(counts(field), choices, total)
    return {
        "total": total,
        "breakdowns": breakdowns,
        "reconciliation": reconciliation,
        "size_rule": RULE_VERSION,
        "computed_at": timezone.now().isoformat(),
    }
