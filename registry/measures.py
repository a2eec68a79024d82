"""Conditions on businesses that both the list filters and the dashboard counts use.

Each function returns a Q that works in `.filter(q)` and in `Count("pk", filter=q)`, so a figure on a
dashboard and the list it links to count exactly the same rows.
"""

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from registry.kbli import KBLI_2025, SECTIONS_2020, UNCODED, UNMAPPED
from registry.models import (  # EXPIRY_WINDOW_MONTHS and months_ahead: the reports read them from here too
    EXPIRY_WINDOW_MONTHS,
    Business,
    Category,
    ExportValue,
    LegalDocument,
    ProductPhoto,
    YearlyFigure,
    months_ahead,
)
from registry.sizing import SizeClass

DOCUMENT_KINDS = {
    "nib": [LegalDocument.Kind.NIB],
    "pirt": [LegalDocument.Kind.PIRT],
    "halal": [LegalDocument.Kind.HALAL],
    "bpom": [LegalDocument.Kind.BPOM_MD, LegalDocument.Kind.BPOM_ML],
}
DOCUMENT_LABELS = {"nib": "NIB", "pirt": "P-IRT", "halal": "sertifikat halal", "bpom": "izin edar BPOM"}
# Halal certification became mandatory for micro and small food and drink businesses (UU 33/2014, PP 42/2024).
HALAL_DEADLINE = datetime.date(2026, 10, 17)
HALAL_CATEGORIES = [Category.MAKANAN, Category.MINUMAN]
UNCLASSIFIED = "belum"


def _documents(kind):
    return LegalDocument.objects.filter(business=OuterRef("pk"), kind__in=DOCUMENT_KINDS[kind])


def holds_document(kind, today=None):
    """Holds a document of this kind that has not expired (an expiry date of today still counts)."""
    today = today or timezone.localdate()
    valid = Exists(_documents(kind).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today)))
    if kind == "nib":
        return Q(valid) | ~Q(nib="")
    return Q(valid)


def lacks_document(kind):
    """Holds no document of this kind at all (for NIB, no NIB number either): missing, not expired."""
    never = ~Q(Exists(_documents(kind)))
    return never & Q(nib="") if kind == "nib" else never


def document_lapsed(kind, today=None):
    """Holds documents of this kind, none of them valid today: expired (to renew), not missing."""
    return ~holds_document(kind, today) & Q(Exists(_documents(kind)))


def document_expiring(kind, today=None):
    """Its latest document of this kind expires between today and six months from now: one already
    renewed (a later expiry, or none) is not expiring."""
    today = today or timezone.localdate()
    end = months_ahead(today, EXPIRY_WINDOW_MONTHS)
    window = _documents(kind).filter(expires_on__gte=today, expires_on__lte=end)
    renewed = _documents(kind).filter(Q(expires_on__isnull=True) | Q(expires_on__gt=end))
    return Q(Exists(window)) & ~Q(Exists(renewed))


def document_expired(today=None):
    """Holds any document whose validity has ended."""
    today = today or timezone.localdate()
    return Q(Exists(LegalDocument.objects.filter(business=OuterRef("pk"), expires_on__lt=today)))


def halal_due(today=None):
    """A micro or small (or not yet classed) food or drink business without a valid halal certificate."""
    return (
        Q(category__in=HALAL_CATEGORIES)
        & Q(size_class__in=[SizeClass.MIKRO, SizeClass.KECIL, ""])
        & ~holds_document("halal", today)
    )


def size_class_is(value):
    return Q(size_class="") if value == UNCLASSIFIED else Q(size_class=value)


def kbli_section_is(value):
    """The KBLI bucket of registry.kbli: a 2020 letter, KBLI 2025, an unknown 2020 code, or no code."""
    if value == UNCODED:
        return Q(kbli_code="")
    if value == KBLI_2025:
        return Q(kbli_version=Business.KbliVersion.KBLI_2025) & ~Q(kbli_code="")
    in_2020 = Q(kbli_version=Business.KbliVersion.KBLI_2020) & ~Q(kbli_code="")
    sections = SECTIONS_2020 if value == UNMAPPED else [row for row in SECTIONS_2020 if row[0] == value]
    divisions = Q()
    for _letter, _title, first, last in sections:
        for division in range(int(first), int(last) + 1):
            divisions |= Q(kbli_code__startswith=f"{division:02d}")
    return in_2020 & (~divisions if value == UNMAPPED else divisions)


def size_rose_in(year):
    """The computed size class of `year` is above the one of the year before (naik kelas)."""
    return Q(Exists(YearlyFigure.objects.rose().filter(business=OuterRef("pk"), year=year)))


def has_sales_in(year):
    return Q(Exists(YearlyFigure.objects.filter(business=OuterRef("pk"), year=year, revenue__isnull=False)))


def lacks_figures_for(year):
    return ~Q(Exists(YearlyFigure.objects.filter(business=OuterRef("pk"), year=year)))


def lacks_photo():
    """No product of the business has a photo (or it has no product at all)."""
    return ~Q(Exists(ProductPhoto.objects.filter(product__business=OuterRef("pk"))))


def exports_to(country, years=None):
    """Exported to `country` (in one of `years` when given): a yearly figure's export sales, or an export a
    dinas facilitated. The latter is read through Business's reverse relation `export_facilitations` (the
    programs app's foreign key to Business), so registry does not import programs; reports.export_sales
    counts the values of both."""
    exports = ExportValue.objects.filter(business=OuterRef("pk"), country=country)
    deal = {"export_facilitations__country": country}  # one filter() call: the same deal's country and year
    if years is not None:
        exports = exports.filter(year__in=years)
        deal["export_facilitations__year__in"] = years
    deals = Business.all_objects.filter(pk=OuterRef("pk"), **deal)
    return Q(Exists(exports)) | Q(Exists(deals))
