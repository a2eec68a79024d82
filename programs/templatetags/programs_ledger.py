"""The assistance ledger: every program touch of a business, for its detail page in the registry.

The registry's page loads this tag library, so the registry's Python never imports the programs.
"""

import datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import (
    BankReferral,
    CurationSubmission,
    Enrollment,
    EventBooth,
    ExportFacilitation,
    MentoringVisit,
)
from registry.templatetags.umkm import rupiah

register = template.Library()


@register.inclusion_tag("programs/partials/_ledger.html", takes_context=True)
def assistance_ledger(context, business):
    """Trainings, mentoring, curation and placements, referrals, exports and selling events of `business`,
    newest first.

    Six queries whatever the number of entries, whichever dinas gave the help.
    """
    entries = []
    enrollments = Enrollment.objects.filter(business=business, status=Enrollment.Status.CONFIRMED).select_related(
        "training"
    )
    for e in enrollments:
        done = "lulus" if e.completed_at else "peserta"
        if e.training.is_cancelled:
            done = f"dibatalkan: {e.training.cancel_reason}"
        elif e.training.rescheduled_at and not e.completed_at:
            done = f"peserta; dijadwalkan ulang: {e.training.reschedule_reason}"
        entries.append(
            (
                e.training.start_on,
                _("Pelatihan"),
                f"{e.training.title} ({done})",
                e.training.organiser,
                e.training.get_absolute_url(),
            )
        )
    for v in MentoringVisit.objects.filter(business=business).select_related("mentor"):
        who = f" bersama {v.mentor.name}" if v.mentor else ""
        entries.append((v.visited_on, _("Pendampingan"), f"{v.topic}{who}", v.organiser, v.get_absolute_url()))
    for r in (
        BankReferral.objects.filter(business=business).exclude(status=BankReferral.Status.DRAFT).select_related("bank")
    ):
        entries.append(
            (
                timezone.localtime(r.created_at).date(),
                _("Rujukan bank"),
                f"{r.bank.short_name}: {r.get_status_display()}",
                "",
                r.get_absolute_url(),
            )
        )
    submissions = CurationSubmission.objects.filter(product__business=business).select_related(
        "call", "product", "placement"
    )
    for c in submissions:
        text = f"{c.product.name} · {c.call.title}: {c.get_decision_display()}"
        if c.call.is_cancelled:
            text += f" (kurasi dibatalkan: {c.call.cancel_reason})"
        if hasattr(c, "placement"):
            text += f", ditempatkan di {c.placement.partner}"
        entries.append(
            (timezone.localtime(c.submitted_at).date(), _("Kurasi"), text, c.call.organiser, c.get_absolute_url())
        )
    for x in ExportFacilitation.objects.filter(business=business).select_related("product"):
        what = f"{x.product.name} ke " if x.product else ""
        entries.append(
            (
                datetime.date(x.year, 12, 31),
                _("Fasilitasi ekspor"),
                f"{what}{x.country_name} ({x.buyer})",
                x.organiser,
                x.get_absolute_url(),
            )
        )
    for booth in EventBooth.objects.filter(business=business).select_related("event"):
        event = booth.event
        text = f"{event.name} ({event.get_kind_display()}"
        if booth.booth:
            text += f", {_('stan')} {booth.booth}"
        if booth.sales is not None:
            text += f", {_('penjualan')} {rupiah(booth.sales)}"
        entries.append((event.starts_on, _("Acara pemasaran"), f"{text})", event.organiser, event.get_absolute_url()))
    entries.sort(key=lambda entry: entry[0], reverse=True)
    return {"entries": entries, "business": business, "perms": context.get("perms")}
