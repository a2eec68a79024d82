"""The aggregate counts national reporting (ODS / Satu Data UMKM) asks a kabupaten for, on one page."""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from registry import measures
from registry.models import Business, Owner
from registry.sizing import SizeClass
from reports.figures import Figure


def national_counts(dashboard):
    """Sections of (title, figures) over the dashboard's businesses: size by owner's sex, workers, legality."""
    businesses = dashboard.businesses
    conditions = {"total": Q(), "disability": Q(owner__has_disability=True), "nib": measures.holds_document("nib")}
    for size_value in [*SizeClass.values, ""]:
        for sex in Owner.Sex.values:
            conditions[f"{size_value or 'belum'}_{sex}"] = measures.size_class_is(size_value or "belum") & Q(
                owner__sex=sex
            )
    counts = businesses.aggregate(
        **{key: Count("pk", filter=q) for key, q in conditions.items()},
        workers_male=Sum("workers_male"),
        workers_female=Sum("workers_female"),
    )
    url = dashboard.business_url
    by_size = []
    for size_value, label in [*SizeClass.choices, ("belum", _("Belum ada data tahunan"))]:
        for sex, sex_label in Owner.Sex.choices:
            by_size.append(
                Figure(
                    _("%(label)s, pemilik %(lower)s") % {"label": label, "lower": sex_label.lower()},
                    counts[f"{size_value}_{sex}"],
                    url(size_class=size_value, sex=sex),
                )
            )
    legal_forms = dict(businesses.order_by().values_list("legal_form").annotate(n=Count("pk")))
    return [
        (_("Jumlah UMKM"), [Figure(_("Seluruh usaha terdaftar"), counts["total"], url())]),
        (_("Menurut skala usaha dan jenis kelamin pemilik"), by_size),
        (
            _("Pemilik dan tenaga kerja"),
            [
                Figure(_("Pemilik penyandang disabilitas"), counts["disability"]),
                Figure(_("Tenaga kerja laki-laki"), counts["workers_male"] or 0),
                Figure(_("Tenaga kerja perempuan"), counts["workers_female"] or 0),
            ],
        ),
        (
            "Legalitas",
            [Figure(_("Memiliki NIB"), counts["nib"], url(document="has_nib"))]
            + [
                Figure(_("Bentuk usaha: %(label)s") % {"label": label}, legal_forms.get(value, 0))
                for value, label in Business.LegalForm.choices
            ],
        ),
    ]
