"""Writes with rules for the programs. Views, commands and admin actions all call these."""

import datetime
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from programs.models import (
    Attendance,
    Bank,
    BankOfficer,
    BankReferral,
    BankReferralEvent,
    CurationCall,
    CurationScore,
    CurationSubmission,
    Enrollment,
    MentoringVisit,
    Placement,
    PlacementSalesNote,
    Training,
    TrainingSession,
    new_certificate_code,
)
from registry import roles
from registry.models import Business, Kabupaten, LegalDocument, Product
from registry.services import refuse_if_stale, require_visible

#
# Banks, where they serve, and their officers
#


@transaction.atomic
def save_bank(bank, *, nationwide=False, provinces=(), kabupaten=(), by):
    """Create or change a bank and the area it serves (all of Indonesia, provinces, kabupaten).

    An admin sets anything. Dinas staff create a bank, and change one, only serving kabupaten of their own
    area (a BPR of the kabupaten, BankQuerySet.editable_by): a national or provincial bank is shared by every
    kabupaten, so only an admin changes it. Raises PermissionDenied or ValidationError.
    """
    provinces, kabupaten = list(provinces), list(kabupaten)
    if not by.is_superuser:
        if bank.pk is None and not by.has_perm("programs.add_bank"):
            raise PermissionDenied(_("Anda tidak dapat menambah bank."))
        if bank.pk is not None and not Bank.objects.editable_by(by).filter(pk=bank.pk).exists():
            raise PermissionDenied(_("Bank ini dilayani lebih dari wilayah Anda; hanya admin yang dapat mengubahnya."))
        if nationwide or provinces:
            raise PermissionDenied(_("Hanya admin yang dapat menetapkan bank nasional atau provinsi."))
        mine = set(Kabupaten.objects.visible_to(by).values_list("pk", flat=True))
        if any(k.pk not in mine for k in kabupaten):
            raise PermissionDenied(_("Kabupaten ini di luar wilayah kerja Anda."))
    if not (nationwide or provinces or kabupaten):
        raise ValidationError({"kabupaten": _("Pilih wilayah yang dilayani bank ini.")})
    bank.name, bank.short_name = " ".join(bank.name.split()), " ".join(bank.short_name.split())
    bank.nationwide = nationwide
    bank.full_clean()
    bank.save()
    bank.provinces.set(provinces)
    bank.kabupaten.set(kabupaten)
    return bank


def _check_email(email, *, user=None):
    email = (email or "").strip()
    if not email:
        raise ValidationError({"email": _("Alamat e-mail wajib: tautan untuk membuat kata sandi dikirim ke sana.")})
    others = get_user_model().objects.filter(email__iexact=email)
    if user is not None:
        others = others.exclude(pk=user.pk)
    if others.exists():
        raise ValidationError({"email": _("Alamat e-mail ini sudah dipakai akun lain.")})
    return email


@transaction.atomic
def add_bank_officer(bank, *, username, first_name, last_name, email, kabupaten, by):
    """Make a bank officer's account: a user in the Bank role tied to `bank`, reading referrals of businesses in
    `kabupaten` (None: the bank's whole service area, an admin's choice only).

    The password is random and never shown: the person sets their own through the e-mailed set-password link
    (umkm_portal.accounts.mail_password_link, queued by the caller). Raises PermissionDenied or ValidationError.
    """
    require_visible(Bank, bank.pk, by, _("Bank ini tidak melayani wilayah kerja Anda."))
    if kabupaten is None:
        if not by.is_superuser:
            raise PermissionDenied(_("Pilih kabupaten petugas ini."))
    else:
        require_visible(Kabupaten, kabupaten.pk, by, _("Kabupaten ini di luar wilayah kerja Anda."))
        if not Bank.objects.serving(kabupaten).filter(pk=bank.pk).exists():
            raise ValidationError(
                {"kabupaten": _("%(bank)s tidak melayani %(place)s.") % {"bank": bank, "place": kabupaten}}
            )
    users = get_user_model().objects
    username = (username or "").strip()
    if users.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("Nama pengguna ini sudah dipakai.")})
    user = users.model(
        username=username,
        first_name=" ".join(first_name.split()),
        last_name=" ".join(last_name.split()),
        email=_check_email(email),
    )
    # Nobody knows this password; it only makes the account one whose holder may ask for a reset link.
    user.set_password(secrets.token_urlsafe(32))
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=roles.group_name(roles.BANK)))
    officer = BankOfficer(user=user, bank=bank, kabupaten=kabupaten, created_by=by)
    officer.full_clean()
    officer.save()
    return officer


@transaction.atomic
def update_bank_officer(officer, *, first_name, last_name, email, is_active, by):
    """Change an officer's name, e-mail address or whether the account may log in. Raises PermissionDenied
    outside the user's kabupaten, ValidationError for an address another account uses."""
    require_visible(BankOfficer, officer.pk, by, _("Petugas ini di luar wilayah kerja Anda."))
    user = get_user_model().objects.select_for_update().get(pk=officer.user_id)
    user.first_name, user.last_name = " ".join(first_name.split()), " ".join(last_name.split())
    user.email = _check_email(email, user=user)
    user.is_active = is_active
    user.full_clean(exclude=["password"])
    user.save(update_fields=["first_name", "last_name", "email", "is_active"])
    return officer


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
    require_visible(Business, business.pk, by, "Usaha ini di luar wilayah kerja Anda.")
    if business.status != Business.Status.ACTIVE:
        raise ValidationError(_("Hanya usaha aktif yang dapat dirujuk ke bank."))
    if business.verification != Business.Verification.VERIFIED:
        raise ValidationError(_("Usaha harus terverifikasi dinas sebelum dirujuk ke bank."))
    kabupaten = business.kecamatan.kabupaten
    if not Bank.objects.serving(kabupaten).filter(pk=bank.pk).exists():
        raise ValidationError({"bank": _("%(bank)s tidak melayani %(place)s.") % {"bank": bank, "place": kabupaten}})
    low, high = KUR_LIMITS[credit_product]
    if amount < low or (high is not None and amount > high):
        label = BankReferral.CreditProduct(credit_product).label
        raise ValidationError({"amount_requested": _("Plafon tidak sesuai ketentuan %(label)s.") % {"label": label}})
    if business.bank_referrals.open().filter(bank=bank).exists():
        raise ValidationError(_("Usaha ini sudah punya rujukan terbuka ke bank tersebut."))
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
        raise ValidationError(_("Usaha ini sudah punya rujukan terbuka ke bank tersebut.")) from None
    _record(referral, "", by=by)
    return referral


def allowed_transitions(referral, user):
    """Return the statuses this user may move the referral to, from where it stands now."""
    if (
        user.has_perm("programs.decide_bankreferral")
        and BankReferral.objects.visible_to(user).filter(pk=referral.pk, bank__officers__user=user).exists()
    ):
        return BankReferral.BANK_TRANSITIONS.get(referral.status, [])
    if (
        user.has_perm("programs.change_bankreferral")
        and Business.objects.visible_to(user).filter(pk=referral.business_id).exists()
    ):
        return BankReferral.AREA_TRANSITIONS.get(referral.status, [])
    return []


@transaction.atomic
def move_referral(referral, *, to_status, by, version=None, note="", amount=None, on=None):
    """Move a referral one step (send, process, approve, reject, disburse, cancel) and record who did it.

    `version` is the one the user's page was read at (views always pass it; None, for a command or a
    script acting on the row as it stands, skips the check): a step chosen before someone else moved the
    referral is refused with that person's name. Raises ValidationError for a stale page, an illegal
    step or a missing amount, date or reason.
    """
    referral = BankReferral.objects.select_for_update().get(pk=referral.pk)
    if version is not None:
        last = referral.events.select_related("by").order_by("-at", "-pk").first()
        refuse_if_stale(referral, version, "Rujukan ini", editor=last.by if last else None)
    if to_status not in allowed_transitions(referral, by):
        raise ValidationError(
            _("Rujukan berstatus %(status)s tidak dapat diubah ke %(label)s oleh Anda.")
            % {"status": referral.get_status_display(), "label": BankReferral.Status(to_status).label}
        )
    note = " ".join((note or "").split())[:500]
    from_status = referral.status
    fields = ["status", "updated_at"]
    if to_status == BankReferral.Status.APPROVED:
        if not amount or amount <= 0:
            raise ValidationError(_("Isi plafon yang disetujui."))
        if amount > referral.amount_requested:
            raise ValidationError(_("Plafon disetujui tidak boleh melebihi yang diajukan."))
        referral.amount_approved = amount
        fields.append("amount_approved")
    if to_status == BankReferral.Status.REJECTED and not note:
        raise ValidationError(_("Tuliskan alasan penolakan."))
    if to_status == BankReferral.Status.DISBURSED:
        if not amount or amount <= 0 or on is None:
            raise ValidationError(_("Isi jumlah dan tanggal pencairan."))
        if amount > referral.amount_approved:
            raise ValidationError(_("Jumlah dicairkan tidak boleh melebihi plafon yang disetujui."))
        if on > timezone.localdate() or on < referral.created_at.date() - datetime.timedelta(days=1):
            raise ValidationError(_("Tanggal pencairan tidak masuk akal."))
        referral.amount_disbursed, referral.disbursed_on = amount, on
        fields += ["amount_disbursed", "disbursed_on"]
    if note:
        referral.decision_note = note
        fields.append("decision_note")
    referral.status = to_status
    referral.version += 1
    referral.save(update_fields=[*fields, "version"])
    _record(referral, from_status, by=by, note=note)
    return referral


#
# Trainings
#


def _check_training_area(training, user):
    require_visible(Training, training.pk, user, "Pelatihan ini di luar wilayah kerja Anda.")


@transaction.atomic
def create_training(training, *, sessions=(), target_kecamatan=(), mentors=(), by):
    """Create a training in a kabupaten the user works in, with its sessions. Raises ValidationError."""
    require_visible(Kabupaten, training.kabupaten_id, by, "Kabupaten ini di luar wilayah kerja Anda.")
    training.created_by = by
    training.full_clean()
    training.save()
    training.target_kecamatan.set(target_kecamatan)
    training.mentors.set(mentors)
    for session in sessions:
        if not training.start_on <= session.on <= training.end_on:
            raise ValidationError(
                _("Sesi %(session_on)s di luar tanggal pelatihan.") % {"session_on": format(session.on, "%d-%m-%Y")}
            )
        session.training = training
        session.full_clean()
        session.save()
    return training


#
# Trainings: what can be done in each state, and why not. Each guard returns None when the step is
# allowed, else the sentence saying why not; the services raise it, the pages show it beside the step.
#


def _day(value):
    return f"{value:%d-%m-%Y}"


def _has_attendance(training):
    return Attendance.objects.filter(session__training=training, present=True).exists()


def why_not_edit_training(training):
    if training.is_cancelled:
        return _("Pelatihan ini sudah dibatalkan; datanya tidak dapat diubah lagi.")
    return None


def why_not_reschedule_training(training):
    if training.is_cancelled:
        return _("Pelatihan ini sudah dibatalkan; tidak dapat dijadwalkan ulang.")
    if _has_attendance(training):
        return (
            "Presensi pelatihan ini sudah dicatat, jadi pelatihan sudah berlangsung dan tidak dijadwalkan ulang. "
            "Tanggal yang salah ketik dibetulkan lewat Ubah."
        )
    return None


def why_not_cancel_training(training):
    if training.is_cancelled:
        return _("Pelatihan ini sudah dibatalkan.")
    if _has_attendance(training):
        return _("Presensi pelatihan ini sudah dicatat: pelatihan yang sudah berlangsung tidak dapat dibatalkan.")
    return None


def why_not_nominate(training):
    """Why the nomination form is not offered for this training (None: it is)."""
    if training.is_cancelled:
        return _("Nominasi ditutup karena pelatihan ini dibatalkan.")
    if training.end_on < timezone.localdate():
        return (
            f"Nominasi ditutup karena pelatihan sudah selesai pada {_day(training.end_on)}. "
            "Dinas dapat mencatat peserta yang hadir setelah pelatihan."
        )
    return None


def why_not_record_participants(training):
    if training.is_cancelled:
        return _("Pelatihan ini dibatalkan; tidak ada peserta yang dicatat.")
    if training.start_on > timezone.localdate():
        return (
            f"Pelatihan baru dimulai {_day(training.start_on)}: sebelum itu peserta dinominasikan koordinator "
            "lalu dikonfirmasi dinas."
        )
    return None


def _raise_if(reason):
    if reason:
        raise ValidationError(reason)


def _check_sessions_within(training):
    for session in training.sessions.all():
        if not training.start_on <= session.on <= training.end_on:
            raise ValidationError(
                _("Sesi %(session_on)s di luar tanggal pelatihan.") % {"session_on": format(session.on, "%d-%m-%Y")}
            )


@transaction.atomic
def update_training(training, *, version, by, sessions=(), removed_sessions=(), target_kecamatan=None, mentors=None):
    """Save corrections to a training (any field but its kabupaten) and its sessions, unless someone saved
    it since `version` was read.

    Raises ValidationError naming the other editor, for a cancelled training, a capacity below the
    confirmed participants, a removed session that has attendance, or a session outside the dates;
    PermissionDenied outside the user's kabupaten.
    """
    current = Training.objects.select_for_update().get(pk=training.pk)
    _check_training_area(current, by)
    refuse_if_stale(current, version, "Pelatihan ini")
    _raise_if(why_not_edit_training(current))
    if training.kabupaten_id != current.kabupaten_id:
        raise ValidationError(_("Kabupaten penyelenggara tidak dapat diubah."))
    confirmed = current.enrollments.confirmed().count()
    if training.capacity is not None and training.capacity < confirmed:
        raise ValidationError(
            {
                "capacity": _("Sudah %(confirmed)s peserta terkonfirmasi; kuota tidak boleh kurang dari itu.")
                % {"confirmed": confirmed}
            }
        )
    # Fields only the services write (cancel, reschedule) keep their stored values.
    for name in ("cancelled_at", "cancelled_by", "cancel_reason", "rescheduled_at", "rescheduled_from"):
        setattr(training, name, getattr(current, name))
    training.reschedule_reason = current.reschedule_reason
    training.version = current.version  # save() moves it on
    training._history_user = by
    training.full_clean()
    training.save()
    if target_kecamatan is not None:
        training.target_kecamatan.set(target_kecamatan)
    if mentors is not None:
        training.mentors.set(mentors)
    for session in removed_sessions:
        if session.attendances.exists():
            raise ValidationError(
                _("Sesi %(session_on)s sudah punya presensi dan tidak dapat dihapus.")
                % {"session_on": format(session.on, "%d-%m-%Y")}
            )
        session.delete()
    for session in sessions:
        session.training = training
        session.full_clean()
        session.save()
    _check_sessions_within(training)
    return training


@transaction.atomic
def reschedule_training(training, *, start_on, end_on, reason, version, by):
    """Move a training (and its sessions, by the same number of days) to new dates, with the reason that its
    participants and coordinators read.

    Raises ValidationError without a reason, for new dates in the past or in the wrong order, for a
    cancelled training or one already held (attendance recorded), or a stale `version`.
    """
    current = Training.objects.select_for_update().get(pk=training.pk)
    _check_training_area(current, by)
    refuse_if_stale(current, version, "Pelatihan ini")
    _raise_if(why_not_reschedule_training(current))
    reason = _required_reason(reason, "Tuliskan alasan jadwal ulang; peserta dan koordinator membacanya.")
    if start_on < timezone.localdate():
        raise ValidationError({"start_on": _("Jadwal baru tidak boleh sebelum hari ini.")})
    if end_on < start_on:
        raise ValidationError({"end_on": _("Tanggal selesai harus sesudah tanggal mulai.")})
    if (start_on, end_on) == (current.start_on, current.end_on):
        raise ValidationError(_("Tanggal baru sama dengan jadwal sekarang."))
    shift = start_on - current.start_on
    sessions = list(current.sessions.all())
    for session in sessions:
        session.on += shift
        if not start_on <= session.on <= end_on:
            raise ValidationError(
                _(
                    "Sesi %(session_topic)s akan jatuh pada %(day)s, di luar jadwal baru. Ubah sesinya lewat "
                    "Ubah, lalu jadwalkan ulang."
                )
                % {"session_topic": session.topic, "day": _day(session.on)}
            )
    current.rescheduled_from = current.start_on
    current.start_on, current.end_on = start_on, end_on
    current.rescheduled_at, current.reschedule_reason = timezone.now(), reason
    current._history_user = by
    current.full_clean()
    current.save()
    TrainingSession.objects.bulk_update(sessions, ["on"])
    return current


@transaction.atomic
def cancel_training(training, *, reason, version, by):
    """Cancel a training with a reason; nominations and attendance close, the record and its history stay.

    Raises ValidationError without a reason, for a training already cancelled or held, or a stale `version`.
    """
    current = Training.objects.select_for_update().get(pk=training.pk)
    _check_training_area(current, by)
    refuse_if_stale(current, version, "Pelatihan ini")
    _raise_if(why_not_cancel_training(current))
    return cancel_with_reason(
        current, reason, by, missing=_("Tuliskan alasan pembatalan; peserta dan koordinator membacanya.")
    )


def _required_reason(reason, missing):
    """A reschedule's or a cancellation's reason, spaces tidied, at most 300 characters; `missing` when empty."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": missing})
    return reason[:300]


def cancel_with_reason(current, reason, by, *, missing):
    """Mark a locked training, curation call or selling event (programs.models.Cancellable) cancelled with its
    reason; `missing` says who reads it when it is empty."""
    reason = _required_reason(reason, missing)
    current.cancelled_at, current.cancelled_by, current.cancel_reason = timezone.now(), by, reason
    current._history_user = by
    current.save()
    return current


@transaction.atomic
def record_participant(training, business, *, by):
    """Record after the fact that a business of the user's area took part in a training that has started:
    a new confirmed participant, or a nominee confirmed.

    Raises ValidationError for a cancelled or future training, a business outside the kabupaten, one already
    recorded, or a full training; PermissionDenied outside the user's area.
    """
    # Lock the training: the seat count below must hold while two officers record at once.
    training = Training.objects.select_for_update().get(pk=training.pk)
    _check_training_area(training, by)
    require_visible(Business, business.pk, by, "Usaha ini di luar wilayah kerja Anda.")
    _raise_if(why_not_record_participants(training))
    if business.kecamatan.kabupaten_id != training.kabupaten_id:
        raise ValidationError(
            _("%(business_name)s di luar kabupaten penyelenggara.") % {"business_name": business.name}
        )
    enrollment = training.enrollments.filter(business=business).first()
    if enrollment and enrollment.status == Enrollment.Status.CONFIRMED:
        raise ValidationError(_("%(business_name)s sudah tercatat sebagai peserta.") % {"business_name": business.name})
    if training.enrollments.confirmed().count() >= training.capacity:
        raise ValidationError(
            _(
                "Kuota pelatihan (%(training_capacity)s peserta) sudah penuh. Bila yang hadir memang lebih "
                "banyak, ubah kuotanya lewat Ubah."
            )
            % {"training_capacity": training.capacity}
        )
    if enrollment is None:
        enrollment = Enrollment(training=training, business=business, nominated_by=by)
    enrollment.status = Enrollment.Status.CONFIRMED
    enrollment.decided_by, enrollment.decided_at = by, timezone.now()
    enrollment._history_user = by
    enrollment.save()
    return enrollment


def similar_assistance_this_year(business, kind):
    """Return trainings of the same kind the business was confirmed for this year (a warning, not a block)."""
    year = timezone.localdate().year
    return list(
        Training.objects.filter(
            enrollments__business=business,
            enrollments__status=Enrollment.Status.CONFIRMED,
            kind=kind,
            start_on__year=year,
        ).distinct()
    )


def nominees(training, businesses):
    """The members among `businesses` that the nomination form offers for `training`: active, in its kabupaten
    and inside its targets (kecamatan, group, category), not on it yet. nominate() checks every rule again."""
    rows = businesses.filter(kecamatan__kabupaten=training.kabupaten_id, status=Business.Status.ACTIVE).exclude(
        enrollments__training=training
    )
    targets = [kecamatan.pk for kecamatan in training.target_kecamatan.all()]
    if targets:
        rows = rows.filter(kecamatan__in=targets)
    if training.target_group_id:
        rows = rows.filter(groups=training.target_group_id)
    if training.target_category:
        rows = rows.filter(category=training.target_category)
    return rows


@transaction.atomic
def nominate(training, business, *, by):
    """Nominate a member of the user's area to a training. Raises ValidationError when a rule forbids it."""
    training = Training.objects.get(pk=training.pk)  # the guards below read its stored state
    _check_training_area(training, by)
    require_visible(Business, business.pk, by, "Usaha ini di luar wilayah kerja Anda.")
    _raise_if(why_not_nominate(training))
    if business.kecamatan.kabupaten_id != training.kabupaten_id:
        raise ValidationError(_("Usaha ini di luar kabupaten penyelenggara."))
    targets = set(training.target_kecamatan.values_list("pk", flat=True))
    if targets and business.kecamatan_id not in targets:
        raise ValidationError(
            _("Pelatihan ini tidak menyasar Kecamatan %(business_kecamatan_name)s.")
            % {"business_kecamatan_name": business.kecamatan.name}
        )
    if training.target_group_id and not business.groups.filter(pk=training.target_group_id).exists():
        raise ValidationError(
            _("Pelatihan ini untuk anggota %(training_target_group)s.")
            % {"training_target_group": training.target_group}
        )
    if training.target_category and business.category != training.target_category:
        raise ValidationError(
            _("Pelatihan ini untuk kategori %(target_category)s.")
            % {"target_category": training.get_target_category_display()}
        )
    if business.status != Business.Status.ACTIVE:
        raise ValidationError(_("Hanya usaha aktif yang dapat dinominasikan."))
    if training.enrollments.filter(business=business).exists():
        raise ValidationError(
            _("%(business_name)s sudah dinominasikan ke pelatihan ini.") % {"business_name": business.name}
        )
    enrollment = Enrollment(training=training, business=business, nominated_by=by)
    try:
        with transaction.atomic():
            enrollment.save()
    except IntegrityError:
        raise ValidationError(
            _("%(business_name)s sudah dinominasikan ke pelatihan ini.") % {"business_name": business.name}
        ) from None
    return enrollment


@transaction.atomic
def decide_enrollment(enrollment, *, confirm, by):
    """Confirm a nominee up to the training's capacity, never over it, or decline them.

    Raises ValidationError when the training is full or the nominee was already decided.
    """
    # Lock the training: two dinas officers confirming at once must not both take the last seat.
    training = Training.objects.select_for_update().get(pk=enrollment.training_id)
    _check_training_area(training, by)
    if training.is_cancelled:
        raise ValidationError(_("Pelatihan ini dibatalkan; nominasi tidak lagi diputuskan."))
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status != Enrollment.Status.NOMINATED:
        decided = f"{enrollment.business} sudah diputuskan ({enrollment.get_status_display()})"
        if enrollment.decided_by:
            decided += f" oleh {enrollment.decided_by.get_full_name() or enrollment.decided_by.get_username()}"
        if enrollment.decided_at:
            decided += f" pada {timezone.localtime(enrollment.decided_at):%d-%m-%Y %H:%M}"
        raise ValidationError(f"{decided}.")
    if confirm and training.enrollments.confirmed().count() >= training.capacity:
        raise ValidationError(
            _("Kuota pelatihan (%(training_capacity)s peserta) sudah penuh.") % {"training_capacity": training.capacity}
        )
    enrollment.status = Enrollment.Status.CONFIRMED if confirm else Enrollment.Status.DECLINED
    enrollment.decided_by, enrollment.decided_at = by, timezone.now()
    enrollment.save(update_fields=["status", "decided_by", "decided_at"])
    return enrollment


@transaction.atomic
def mark_attendance(session, *, present_ids, by):
    """Record attendance of every confirmed participant at one session: present if listed, absent otherwise."""
    session = TrainingSession.objects.select_related("training").get(pk=session.pk)
    _check_training_area(session.training, by)
    if session.training.is_cancelled:
        raise ValidationError(_("Pelatihan ini dibatalkan; presensi tidak dicatat."))
    present_ids = {int(pk) for pk in present_ids}
    confirmed = list(session.training.enrollments.confirmed())
    unknown = present_ids - {e.pk for e in confirmed}
    if unknown:
        raise ValidationError(_("Ada peserta yang tidak terdaftar di pelatihan ini."))
    Attendance.objects.bulk_create(
        [Attendance(enrollment=e, session=session, present=e.pk in present_ids, marked_by=by) for e in confirmed],
        update_conflicts=True,
        unique_fields=["enrollment", "session"],
        update_fields=["present", "marked_by", "marked_at"],
    )
    return len([e for e in confirmed if e.pk in present_ids])


@transaction.atomic
def complete_enrollment(enrollment, *, completed, pre_score=None, post_score=None, by, shown=None):
    """Record scores and completion; completion needs a confirmed participant who attended a session.
    `shown` is the row as the editor's page showed it, (pre_score, post_score, completed): refused if the
    row has changed since (another editor saved it), so no one overwrites a change they never saw."""
    enrollment = Enrollment.objects.select_for_update().select_related("training").get(pk=enrollment.pk)
    _check_training_area(enrollment.training, by)
    if shown is not None and _scores_of(enrollment) != shown:
        pre, post, done = _scores_of(enrollment)
        raise ValidationError(
            _(
                "Baris ini diubah orang lain sejak halaman dibuka (kini pre %(pre)s, post %(post)s, lulus %(done)s): "
                "periksa, lalu simpan lagi."
            )
            % {"pre": _or_dash(pre), "post": _or_dash(post), "done": _("ya") if done else _("tidak")}
        )
    if enrollment.training.is_cancelled:
        raise ValidationError(_("Pelatihan ini dibatalkan; nilai dan kelulusan tidak dicatat."))
    for score in (pre_score, post_score):
        if score is not None and not 0 <= score <= 100:
            raise ValidationError(_("Nilai harus 0 sampai 100."))
    if completed:
        if enrollment.status != Enrollment.Status.CONFIRMED:
            raise ValidationError(_("Hanya peserta terkonfirmasi yang dapat lulus."))
        if not enrollment.attendances.filter(present=True).exists():
            raise ValidationError(
                _("%(enrollment_business)s belum pernah tercatat hadir.") % {"enrollment_business": enrollment.business}
            )
    enrollment.pre_score, enrollment.post_score = pre_score, post_score
    enrollment.completed_at = (enrollment.completed_at or timezone.now()) if completed else None
    fields = ["pre_score", "post_score", "completed_at"]
    if completed and not enrollment.certificate_code:
        # Kept if completion is undone and given again: a printed certificate keeps working.
        enrollment.certificate_code = new_certificate_code()
        fields.append("certificate_code")
    enrollment.save(update_fields=fields)
    return enrollment


def _scores_of(enrollment):
    return (enrollment.pre_score, enrollment.post_score, enrollment.completed_at is not None)


def _or_dash(score):
    return "-" if score is None else score


#
# Mentoring
#


@transaction.atomic
def record_visit(business, visit, *, by):
    """Record a mentoring visit to a business of the user's area. Raises ValidationError for impossible dates."""
    require_visible(Business, business.pk, by, "Usaha ini di luar wilayah kerja Anda.")
    if visit.visited_on and visit.visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("Kunjungan belum terjadi: tanggal tidak boleh di masa depan.")})
    visit.business = business
    visit.created_by = by
    visit.full_clean()
    visit.save()
    return visit


@transaction.atomic
def close_follow_up(visit, *, by):
    """Mark a visit's follow-up as done."""
    visit = MentoringVisit.objects.select_for_update().get(pk=visit.pk)
    require_visible(Business, visit.business_id, by, "Usaha ini di luar wilayah kerja Anda.")
    if visit.follow_up_on is None or visit.follow_up_done:
        raise ValidationError(_("Tidak ada tindak lanjut yang terbuka untuk kunjungan ini."))
    visit.follow_up_done = True
    visit.save(update_fields=["follow_up_done"])
    return visit


#
# Curation and placements
#


@transaction.atomic
def open_curation_call(call, *, criteria, by):
    """Create a call with its rubric (at least one criterion) in a kabupaten the user works in."""
    require_visible(Kabupaten, call.kabupaten_id, by, "Kabupaten ini di luar wilayah kerja Anda.")
    if not criteria:
        raise ValidationError(_("Isi minimal satu kriteria penilaian."))
    call.created_by = by
    call.full_clean()
    call.save()
    for criterion in criteria:
        criterion.call = call
        criterion.full_clean()
        criterion.save()
    return call


def why_not_edit_call(call):
    if call.is_cancelled:
        return _("Kurasi ini sudah dibatalkan; datanya tidak dapat diubah lagi.")
    return None


def why_not_reschedule_call(call):
    if call.is_cancelled:
        return _("Kurasi ini sudah dibatalkan; tidak dapat dijadwalkan ulang.")
    return None


def why_not_cancel_call(call):
    if call.is_cancelled:
        return _("Kurasi ini sudah dibatalkan.")
    if call.submissions.exclude(decision=CurationSubmission.Decision.PENDING).exists():
        return _("Sudah ada produk yang diputuskan di kurasi ini; kurasi tidak dapat dibatalkan.")
    return None


def why_not_submit(call):
    """Why the submission form is not offered for this call (None: it is)."""
    today = timezone.localdate()
    if call.is_cancelled:
        return _("Pengajuan ditutup karena kurasi ini dibatalkan.")
    if today < call.opens_on:
        return f"Pengajuan baru dibuka {_day(call.opens_on)}."
    if today > call.closes_on:
        return f"Pengajuan sudah ditutup pada {_day(call.closes_on)}."
    return None


def _check_call_open_for_work(call):
    if call.is_cancelled:
        raise ValidationError(_("Kurasi ini dibatalkan; penilaian tidak dilanjutkan."))


@transaction.atomic
def update_curation_call(call, *, version, by):
    """Save corrections to a call (any field but its kabupaten) unless someone saved it since `version`.

    Raises ValidationError naming the other editor or for a cancelled call; PermissionDenied outside the area.
    """
    current = CurationCall.objects.select_for_update().get(pk=call.pk)
    require_visible(CurationCall, current.pk, by, "Kurasi ini di luar wilayah kerja Anda.")
    refuse_if_stale(current, version, "Kurasi ini")
    _raise_if(why_not_edit_call(current))
    if call.kabupaten_id != current.kabupaten_id:
        raise ValidationError(_("Kabupaten penyelenggara tidak dapat diubah."))
    for name in ("cancelled_at", "cancelled_by", "cancel_reason", "rescheduled_at", "rescheduled_from"):
        setattr(call, name, getattr(current, name))
    call.reschedule_reason = current.reschedule_reason
    call.version = current.version
    call._history_user = by
    call.full_clean()
    call.save()
    return call


@transaction.atomic
def reschedule_curation_call(call, *, opens_on, closes_on, reason, version, by):
    """Move a call's submission window, with the reason coordinators read.

    Raises ValidationError without a reason, for a window that ends before today or in the wrong order,
    a cancelled call, or a stale `version`.
    """
    current = CurationCall.objects.select_for_update().get(pk=call.pk)
    require_visible(CurationCall, current.pk, by, "Kurasi ini di luar wilayah kerja Anda.")
    refuse_if_stale(current, version, "Kurasi ini")
    _raise_if(why_not_reschedule_call(current))
    reason = _required_reason(reason, "Tuliskan alasan jadwal ulang; koordinator membacanya.")
    if closes_on < opens_on:
        raise ValidationError({"end_on": _("Tanggal tutup harus sesudah tanggal buka.")})
    if closes_on < timezone.localdate():
        raise ValidationError({"end_on": _("Tanggal tutup baru tidak boleh sebelum hari ini.")})
    if (opens_on, closes_on) == (current.opens_on, current.closes_on):
        raise ValidationError(_("Tanggal baru sama dengan jadwal sekarang."))
    current.rescheduled_from = current.opens_on
    current.opens_on, current.closes_on = opens_on, closes_on
    current.rescheduled_at, current.reschedule_reason = timezone.now(), reason
    current._history_user = by
    current.full_clean()
    current.save()
    return current


@transaction.atomic
def cancel_curation_call(call, *, reason, version, by):
    """Cancel a call with a reason; its pending submissions stay on record, undecided.

    Raises ValidationError without a reason, for a call already cancelled or with a decided submission,
    or a stale `version`.
    """
    current = CurationCall.objects.select_for_update().get(pk=call.pk)
    require_visible(CurationCall, current.pk, by, "Kurasi ini di luar wilayah kerja Anda.")
    refuse_if_stale(current, version, "Kurasi ini")
    _raise_if(why_not_cancel_call(current))
    return cancel_with_reason(current, reason, by, missing=_("Tuliskan alasan pembatalan; koordinator membacanya."))


def missing_documents(product, kinds):
    """Return the required document kinds the product's business does not hold valid (unexpired) for it."""
    today = timezone.localdate()
    held = set(
        LegalDocument.objects.filter(business=product.business_id, kind__in=kinds)
        .filter(Q(product__isnull=True) | Q(product=product))
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .values_list("kind", flat=True)
    )
    return [kind for kind in kinds if kind not in held]


def missing_document_labels(product, kinds):
    """The names of `missing_documents`, an expired one said as such ("P-IRT kedaluwarsa"): it is there, to renew."""
    missing = missing_documents(product, kinds)
    # Whatever of a missing kind is on file has expired: a valid one would not be missing.
    lapsed = set(
        LegalDocument.objects.filter(business=product.business_id, kind__in=missing)
        .filter(Q(product__isnull=True) | Q(product=product))
        .values_list("kind", flat=True)
    )
    labels = dict(LegalDocument.Kind.choices)
    return [
        gettext("%(document)s kedaluwarsa") % {"document": labels[kind]} if kind in lapsed else str(labels[kind])
        for kind in missing
    ]


def submittable(call, products):
    """The products among `products` that the submission form offers for `call`: of its kabupaten, not put
    forward to it yet. submit_to_curation() checks every rule again."""
    return products.filter(business__kecamatan__kabupaten=call.kabupaten_id).exclude(curation_submissions__call=call)


@transaction.atomic
def submit_to_curation(call, product, *, by):
    """Put a product of the user's area forward to an open call. Raises ValidationError when a rule forbids it."""
    require_visible(CurationCall, call.pk, by, "Kurasi ini di luar wilayah kerja Anda.")
    require_visible(Product, product.pk, by, "Produk ini di luar wilayah kerja Anda.")
    call = CurationCall.objects.get(pk=call.pk)
    _raise_if(why_not_submit(call))
    if product.business.kecamatan.kabupaten_id != call.kabupaten_id:
        raise ValidationError(_("Produk ini di luar kabupaten penyelenggara."))
    submission = CurationSubmission(call=call, product=product, submitted_by=by)
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError:
        raise ValidationError(
            _("%(product_name)s sudah diajukan ke kurasi ini.") % {"product_name": product.name}
        ) from None
    return submission


def _lock_submission(submission, version, by):
    """Lock a submission for a curator's change; a page read before another curator's scores or decision
    is refused with that curator's name (optimistic locking on `version`; None, for a command or a script
    acting on the row as it stands, skips the check)."""
    submission = CurationSubmission.objects.select_for_update().select_related("call", "product").get(pk=submission.pk)
    require_visible(CurationCall, submission.call_id, by, "Kurasi ini di luar wilayah kerja Anda.")
    if version is not None:
        refuse_if_stale(submission, version, "Pengajuan ini")
    return submission


def _save_submission(submission, fields, by):
    submission.version += 1
    submission._history_user = by
    submission.save(update_fields=[*fields, "version"])


@transaction.atomic
def score_submission(submission, *, scores, by, version=None):
    """Record a curator's scores ({criterion_id: score}) and the weighted total on a 0-100 scale."""
    submission = _lock_submission(submission, version, by)
    _check_call_open_for_work(submission.call)
    if submission.decision != CurationSubmission.Decision.PENDING:
        raise ValidationError(_("Pengajuan ini sudah diputuskan; nilainya tidak dapat diubah."))
    criteria = {c.pk: c for c in submission.call.criteria.all()}
    for criterion_id, score in scores.items():
        criterion = criteria.get(int(criterion_id))
        if criterion is None:
            raise ValidationError(_("Kriteria tidak dikenal untuk kurasi ini."))
        if not 0 <= score <= criterion.max_score:
            raise ValidationError(
                _("Nilai %(criterion_name)s harus 0 sampai %(criterion_max_score)s.")
                % {"criterion_name": criterion.name, "criterion_max_score": criterion.max_score}
            )
        CurationScore.objects.update_or_create(
            submission=submission, criterion=criterion, defaults={"score": score, "curator": by}
        )
    stored = {s.criterion_id: s.score for s in submission.scores.all()}
    total_weight = sum(c.weight for c in criteria.values())
    if len(stored) == len(criteria) and total_weight:
        weighted = sum(stored[c.pk] / c.max_score * c.weight for c in criteria.values())
        submission.total_score = round(100 * weighted / total_weight, 1)
    _save_submission(submission, ["total_score"], by)
    return submission


@transaction.atomic
def decide_submission(submission, *, decision, feedback, by, version=None):
    """Decide lolos, perbaikan or tidak lolos with feedback; a pass needs every criterion scored and every
    required document held. The missing documents are stored so the coordinator sees which ones."""
    submission = _lock_submission(submission, version, by)
    _check_call_open_for_work(submission.call)
    if submission.decision != CurationSubmission.Decision.PENDING:
        raise ValidationError(_("Pengajuan ini sudah diputuskan."))
    feedback = (feedback or "").strip()
    missing = missing_documents(submission.product, submission.call.required_documents)
    if decision == CurationSubmission.Decision.PASSED:
        if submission.scores.count() < submission.call.criteria.count():
            raise ValidationError(_("Nilai semua kriteria sebelum meloloskan produk."))
        if missing:
            names = ", ".join(missing_document_labels(submission.product, submission.call.required_documents))
            raise ValidationError(_("Dokumen wajib belum lengkap: %(names)s.") % {"names": names})
    elif not feedback:
        raise ValidationError(_("Tuliskan masukan agar pelaku usaha tahu apa yang harus diperbaiki."))
    submission.decision, submission.feedback, submission.missing_documents = decision, feedback, missing
    submission.decided_by, submission.decided_at = by, timezone.now()
    _save_submission(submission, ["decision", "feedback", "missing_documents", "decided_by", "decided_at"], by)
    return submission


@transaction.atomic
def place_product(submission, *, channel, retailer, partner, starts_on, ends_on=None, by):
    """Record where a product that passed curation is now sold: the channel, the retailer, the outlet."""
    submission = CurationSubmission.objects.select_for_update().get(pk=submission.pk)
    require_visible(CurationCall, submission.call_id, by, "Kurasi ini di luar wilayah kerja Anda.")
    if submission.decision != CurationSubmission.Decision.PASSED:
        raise ValidationError(_("Hanya produk yang lolos kurasi yang dapat ditempatkan."))
    if Placement.objects.filter(submission=submission).exists():
        raise ValidationError(_("Produk ini sudah tercatat ditempatkan dari kurasi tersebut."))
    placement = Placement(
        submission=submission,
        channel=channel,
        retailer=retailer.strip(),
        partner=partner,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=by,
    )
    placement.full_clean()
    placement.save()
    return placement


@transaction.atomic
def add_sales_note(placement, note, *, by):
    """Record (or replace) a month's sales of a placed product."""
    require_visible(Placement, placement.pk, by, "Penempatan ini di luar wilayah kerja Anda.")
    if note.month > timezone.localdate():
        raise ValidationError(_("Bulan penjualan tidak boleh di masa depan."))
    note.placement = placement
    note.month = note.month.replace(day=1)
    PlacementSalesNote.objects.update_or_create(
        placement=placement, month=note.month, defaults={"units": note.units, "value": note.value, "note": note.note}
    )


#
# Export facilitation
#


@transaction.atomic
def record_export(business, export, *, by):
    """Record an export a dinas facilitated for a business of the user's area."""
    require_visible(Business, business.pk, by, "Usaha ini di luar wilayah kerja Anda.")
    if export.product_id and export.product.business_id != business.pk:
        raise ValidationError({"product": _("Produk ini bukan milik usaha tersebut.")})
    if export.year and export.year > timezone.localdate().year:
        raise ValidationError({"year": _("Tahun ekspor tidak boleh di masa depan.")})
    export.business = business
    export.created_by = by
    export.full_clean()
    export.save()
    return export


@transaction.atomic
def end_placement(placement, *, ends_on, by):
    """Close a placement: the product left the channel on `ends_on`."""
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    require_visible(Placement, placement.pk, by, "Penempatan ini di luar wilayah kerja Anda.")
    if placement.status == Placement.Status.ENDED:
        raise ValidationError(_("Penempatan ini sudah berakhir."))
    if ends_on < placement.starts_on or ends_on > timezone.localdate():
        raise ValidationError(_("Tanggal akhir harus antara tanggal mulai dan hari ini."))
    placement.status, placement.ends_on = Placement.Status.ENDED, ends_on
    placement.save(update_fields=["status", "ends_on"])
    return placement
