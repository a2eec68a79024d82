"""Conditions on program records that both the list filters and the dashboard funnels use.

As in registry.measures, each returns a Q for `.filter(q)` and for `Count("pk", filter=q)`.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from programs.models import Attendance, BankReferral, BankReferralEvent, CurationSubmission, Placement

REFERRAL_STAGES = [
    ("dirujuk", _("Dirujuk ke bank")),
    ("disetujui", _("Disetujui (termasuk yang sudah cair)")),
    ("dicairkan", _("Dicairkan")),
]


def attended():
    """An enrollment whose business came to at least one session."""
    return Q(Exists(Attendance.objects.filter(enrollment=OuterRef("pk"), present=True)))


def completed():
    return Q(completed_at__isnull=False)


def passed():
    return Q(decision=CurationSubmission.Decision.PASSED)


def placed():
    return Q(Exists(Placement.objects.filter(submission=OuterRef("pk"))))


def referral_reached(stage):
    """A referral that got at least as far as `stage`: sent to the bank, approved, or disbursed."""
    if stage == "dirujuk":
        sent = BankReferralEvent.objects.filter(referral=OuterRef("pk"), to_status=BankReferral.Status.SENT)
        return Q(Exists(sent))
    if stage == "disetujui":
        return Q(status__in=[BankReferral.Status.APPROVED, BankReferral.Status.DISBURSED])
    return Q(status=BankReferral.Status.DISBURSED)
