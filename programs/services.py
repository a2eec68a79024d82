"""Writes with rules for the programs. Views, commands and admin actions all call these."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from programs.models import BankOfficer, BankReferral, BankReferralEvent
from registry.models import Business

#
# Bank referrals
#

# KUR ceilings per product (Permenko Perekonomian 1/2022 as amended 1/2023), in Rupiah: dated
# reference data, to be revised when the rule changes. None means no ceiling the portal checks.
KUR_LIMITS = {
    BankReferral.CreditProduct.KUR_SUPER_MIKRO: (1, 10_000_000),
    BankReferral.CreditProduct.KUR_MIKRO: (10_000_001, 100_000_000),
    BankReferral.CreditProduct.KUR_KECIL: (100_000_001, 500_000_000),
    BankReferral.CreditProduct.OTHER: (1, None),
}


def _record(referral, from_status, *, by, note=""):
    BankReferralEvent.objects.create(
        referral=referral, from_status=from_status, to_status=referral.status, note=note, by=by
    )


@transaction.atomic
def refer_to_bank(business, *, bank, credit_product, amount, purpose, by):
    """Open a referral (as a draft) of a verified, active business to a bank.

    Raises PermissionDenied outside the user's area; ValidationError if the business is not active and
    verified, the amount does not fit the KUR product, or an open referral to that bank exists.
    """
    # Lock the business: two coordinators clicking at once must not both pass the checks below.
    business = Business.objects.select_for_update().get(pk=business.pk)
    if not Business.objects.visible_to(by).filter(pk=business.pk).exists():
        raise PermissionDenied("Usaha ini di luar wilayah kerja Anda.")
    if business.status != Business.Status.ACTIVE:
        raise ValidationError("Hanya usaha aktif yang dapat dirujuk ke bank.")
    if business.verification != Business.Verification.VERIFIED:
        raise ValidationError("Usaha harus terverifikasi dinas sebelum dirujuk ke bank.")
    low, high = KUR_LIMITS[credit_product]
    if amount < low or (high is not None and amount > high):
        label = BankReferral.CreditProduct(credit_product).label
        raise ValidationError({"amount_requested": f"Plafon tidak sesuai ketentuan {label}."})
    if business.bank_referrals.open().filter(bank=bank).exists():
        raise ValidationError("Usaha ini sudah punya rujukan terbuka ke bank tersebut.")
    referral = BankReferral(
        business=business,
        bank=bank,
        credit_product=credit_product,
        amount_requested=amount,
        purpose=" ".join(purpose.split()),
        referred_by=by,
    )
    referral.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError:
        raise ValidationError("Usaha ini sudah punya rujukan terbuka ke bank tersebut.") from None
    _record(referral, "", by=by)
    return referral


def allowed_transitions(referral, user):
    """Return the statuses this user may move the referral to, from where it stands now."""
    if (
        user.has_perm("programs.decide_bankreferral")
        and BankOfficer.objects.filter(user=user, bank=referral.bank_id).exists()
    ):
        return BankReferral.BANK_TRANSITIONS.get(referral.status, [])
    if (
        user.has_perm("programs.change_bankreferral")
        and Business.objects.visible_to(user).filter(pk=referral.business_id).exists()
    ):
        return BankReferral.AREA_TRANSITIONS.get(referral.status, [])
    return []


@transaction.atomic
def move_referral(referral, *, to_status, by, note="", amount=None, on=None):
    """Move a referral one step (send, process, approve, reject, disburse, cancel) and record who did it.

    Raises ValidationError for an illegal step or a missing amount, date or reason.
    """
    referral = BankReferral.objects.select_for_update().get(pk=referral.pk)
    if to_status not in allowed_transitions(referral, by):
        raise ValidationError(
            f"Rujukan berstatus {referral.get_status_display()} tidak dapat diubah ke "
            f"{BankReferral.Status(to_status).label} oleh Anda."
        )
    note = " ".join((note or "").split())[:500]
    from_status = referral.status
    fields = ["status", "updated_at"]
    if to_status == BankReferral.Status.APPROVED:
        if not amount or amount <= 0:
            raise ValidationError("Isi plafon yang disetujui.")
        if amount > referral.amount_requested:
            raise ValidationError("Plafon disetujui tidak boleh melebihi yang diajukan.")
        referral.amount_approved = amount
        fields.append("amount_approved")
    if to_status == BankReferral.Status.REJECTED and not note:
        raise ValidationError("Tuliskan alasan penolakan.")
    if to_status == BankReferral.Status.DISBURSED:
        if not amount or amount <= 0 or on is None:
            raise ValidationError("Isi jumlah dan tanggal pencairan.")
        if amount > referral.amount_approved:
            raise ValidationError("Jumlah dicairkan tidak boleh melebihi plafon yang disetujui.")
        if on > timezone.localdate() or on < referral.created_at.date() - datetime.timedelta(days=1):
            raise ValidationError("Tanggal pencairan tidak masuk akal.")
        referral.amount_disbursed, referral.disbursed_on = amount, on
        fields += ["amount_disbursed", "disbursed_on"]
    if note:
        referral.decision_note = note
        fields.append("decision_note")
    referral.status = to_status
    referral.save(update_fields=fields)
    _record(referral, from_status, by=by, note=note)
    return referral
