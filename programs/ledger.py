"""The assistance ledger: every program touch of a business (trainings, mentoring, bank referrals, curation
and placements, facilitated exports, selling events), newest first, whichever dinas gave the help.

The business page shows it folded and reads it when the fold is opened (htmx), as it does the change history:
six queries the page itself does not pay. Without JavaScript the fold's link opens it as a page.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from programs.models import BankReferral, CurationSubmission, Enrollment, EventBooth, ExportFacilitation, MentoringVisit
from registry.models import Business
from registry.permissions import AreaRestrictedMixin
from registry.templatetags.umkm import rupiah


def _training(enrollment):
    training = enrollment.training
    if training.is_cancelled:
        done = _("dibatalkan: %(reason)s") % {"reason": training.cancel_reason}
    elif training.rescheduled_at and not enrollment.completed_at:
        done = _("peserta; dijadwalkan ulang: %(reason)s") % {"reason": training.reschedule_reason}
    else:
        done = _("lulus") if enrollment.completed_at else _("peserta")
    return f"{training.title} ({done})"


def _curation(submission):
    text = f"{submission.product.name} · {submission.call.title}: {submission.get_decision_display()}"
    if submission.call.is_cancelled:
        text += " (" + _("kurasi dibatalkan: %(reason)s") % {"reason": submission.call.cancel_reason} + ")"
    if hasattr(submission, "placement"):
        text += ", " + _("ditempatkan di %(partner)s") % {"partner": submission.placement.partner}
    return text


def _event(booth):
    details = [booth.event.get_kind_display()]
    if booth.booth:
        details.append(_("stan %(booth)s") % {"booth": booth.booth})
    if booth.sales is not None:
        details.append(_("penjualan %(amount)s") % {"amount": rupiah(booth.sales)})
    if booth.event.is_cancelled:
        details.append(_("acara dibatalkan: %(reason)s") % {"reason": booth.event.cancel_reason})
    return f"{booth.event.name} ({', '.join(details)})"


def ledger_entries(business):
    """(date, kind, text, organiser, url) of every program touch of `business`, newest first: six queries."""
    entries = [
        (e.training.start_on, _("Pelatihan"), _training(e), e.training.organiser, e.training.get_absolute_url())
        for e in Enrollment.objects.filter(business=business, status=Enrollment.Status.CONFIRMED).select_related(
            "training"
        )
    ]
    for v in MentoringVisit.objects.filter(business=business).select_related("mentor"):
        text = _("%(topic)s bersama %(mentor)s") % {"topic": v.topic, "mentor": v.mentor.name} if v.mentor else v.topic
        entries.append((v.visited_on, _("Pendampingan"), text, v.organiser, v.get_absolute_url()))
    referrals = BankReferral.objects.filter(business=business).exclude(status=BankReferral.Status.DRAFT)
    for r in referrals.select_related("bank"):
        text = f"{r.bank.short_name}: {r.get_status_display()}"
        entries.append((timezone.localtime(r.created_at).date(), _("Rujukan bank"), text, "", r.get_absolute_url()))
    submissions = CurationSubmission.objects.filter(product__business=business)
    for c in submissions.select_related("call", "product", "placement"):
        day = timezone.localtime(c.submitted_at).date()
        entries.append((day, _("Kurasi"), _curation(c), c.call.organiser, c.get_absolute_url()))
    for x in ExportFacilitation.objects.filter(business=business).select_related("product"):
        if x.product:
            text = _("%(product)s ke %(country)s (%(buyer)s)") % {
                "product": x.product.name,
                "country": x.country_name,
                "buyer": x.buyer,
            }
        else:
            text = f"{x.country_name} ({x.buyer})"
        entries.append((datetime.date(x.year, 12, 31), _("Fasilitasi ekspor"), text, x.organiser, x.get_absolute_url()))
    for booth in EventBooth.objects.filter(business=business).select_related("event"):
        event = booth.event
        url = event.get_absolute_url()
        entries.append((event.starts_on, _("Acara pemasaran"), _event(booth), event.organiser, url))
    entries.sort(key=lambda entry: entry[0], reverse=True)
    return entries


class BusinessLedgerView(AreaRestrictedMixin, DetailView):
    """A business's assistance ledger: a page of its own, or the entries alone for the business page's fold."""

    permission_required = "registry.view_business"
    model = Business
    context_object_name = "business"
    template_name = "programs/business_ledger.html"

    def get_template_names(self):
        return ["programs/partials/_ledger.html#entries"] if self.request.htmx else [self.template_name]

    def get_context_data(self, **kwargs):
        return super().get_context_data(entries=ledger_entries(self.object), **kwargs)
