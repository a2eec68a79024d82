"""Program records: banks and their officers, bank referrals, trainings, mentoring, curation, placements,
export facilitation; and (programs.models.market) the catalogue, buyer inquiries and selling events."""

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.countries import country_name, validate_country
from registry.models import (
    Business,
    BusinessGroup,
    Category,
    Kabupaten,
    Kecamatan,
    LegalDocument,
    Product,
    Provenance,
    Provinsi,
)
from registry.models.members import move_version


def _served(kabupaten_codes):
    """Q of the banks serving any of these kabupaten: everywhere, in their province, or in the kabupaten."""
    return (
        Q(nationwide=True)
        | Q(pk__in=Bank.provinces.through.objects.filter(provinsi__kabupaten_set__in=kabupaten_codes).values("bank"))
        | Q(pk__in=Bank.kabupaten.through.objects.filter(kabupaten__in=kabupaten_codes).values("bank"))
    )


class BankQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Return the banks a user may see: all for an admin, their own for a bank officer, and for staff of an
        area the banks serving a kabupaten of that area (the ones they may refer to)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        own = self.filter(officers__user=user)
        if own.exists():
            return own
        return self.filter(_served(Kabupaten.objects.visible_to(user).values("pk")))

    def serving(self, kabupaten):
        """The banks serving `kabupaten` (a Kabupaten or its code): the ones a business there may be referred to."""
        return self.filter(_served([getattr(kabupaten, "pk", kabupaten)]))

    def editable_by(self, user):
        """The banks whose name and service area `user` may change: every one for an admin; for dinas staff,
        the banks serving only kabupaten of their own area (a BPR of the kabupaten). A bank serving a province
        or all of Indonesia, or a kabupaten of someone else too, is shared: only an admin changes it."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        if not user.has_perm("programs.change_bank"):
            return self.none()
        mine = Kabupaten.objects.visible_to(user).values("pk")
        served = Bank.kabupaten.through.objects.filter(bank=models.OuterRef("pk"))
        return self.filter(
            models.Exists(served),
            ~models.Exists(served.exclude(kabupaten__in=mine)),
            ~models.Exists(Bank.provinces.through.objects.filter(bank=models.OuterRef("pk"))),
            nationwide=False,
        )


class Bank(models.Model):
    """A lender that takes referrals: BRI, Bank Jatim, Bank Jateng, a BPR ... and where it serves: all of
    Indonesia (a national bank), whole provinces (a regional development bank), or some kabupaten (a BPR)."""

    name = models.CharField(_("nama"), max_length=120, unique=True)
    short_name = models.CharField(_("singkatan"), max_length=30, unique=True)
    nationwide = models.BooleanField(
        _("melayani seluruh Indonesia"), default=False, help_text=_("Bank nasional seperti BRI, BNI, Mandiri, BSI.")
    )
    provinces = models.ManyToManyField(Provinsi, blank=True, related_name="+", verbose_name=_("provinsi yang dilayani"))
    kabupaten = models.ManyToManyField(
        Kabupaten, blank=True, related_name="+", verbose_name=_("kabupaten/kota yang dilayani")
    )

    objects = BankQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = _("bank")

    def __str__(self):
        return self.short_name

    def get_absolute_url(self):
        return f"{reverse('programs:bank_list')}#bank-{self.pk}"

    def service_area(self):
        """Where the bank serves, as a person reads it ("seluruh Indonesia", "Jawa Tengah", "Blora, Rembang").
        Reads `provinces` and `kabupaten` (prefetch them for a list)."""
        if self.nationwide:
            return gettext("seluruh Indonesia")
        places = [gettext("Provinsi %(name)s") % {"name": p.name} for p in self.provinces.all()]
        places += [k.name for k in self.kabupaten.all()]
        return ", ".join(places) or gettext("belum ada wilayah layanan")


class BankOfficerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The officers a user may manage: every one for an admin; for dinas staff, those of their own
        kabupaten (an officer for a bank's whole service area is the admin's). None for anyone else."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        if not user.has_perm("programs.view_bankofficer"):
            return self.none()
        return self.filter(kabupaten__in=Kabupaten.objects.visible_to(user).values("pk"))

    def active(self):
        return self.filter(user__is_active=True)

    def covering(self, kabupaten):
        """Officers who read referrals from `kabupaten` (a Kabupaten, its code or an expression): theirs, or
        the bank's whole service area."""
        return self.filter(Q(kabupaten=kabupaten) | Q(kabupaten__isnull=True))


def officer_covers(bank, kabupaten):
    """Exists() of an active officer of `bank` who reads referrals from `kabupaten` (each an OuterRef or a
    value): annotate a list with it to say "no officer yet" beside a bank."""
    return models.Exists(BankOfficer.objects.active().filter(bank=bank).covering(kabupaten))


class BankOfficer(models.Model):
    """A bank's liaison officer: the user sees only referrals addressed to this bank, and of a branch's
    officer only those of businesses in its kabupaten."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bank_officer", verbose_name=_("pengguna")
    )
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="officers", verbose_name=_("bank"))
    kabupaten = models.ForeignKey(
        Kabupaten,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kabupaten/kota"),
        help_text=_("Rujukan dari kabupaten ini saja (kantor cabang); kosong: seluruh wilayah layanan bank."),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )

    objects = BankOfficerQuerySet.as_manager()

    class Meta:
        ordering = ["bank", "user"]
        verbose_name = _("petugas bank")
        verbose_name_plural = _("petugas bank")

    def __str__(self):
        return f"{self.user} ({self.bank})"

    def get_absolute_url(self):
        return reverse("programs:bankofficer_update", args=[self.pk])


#
# Bank referrals (rujukan pembiayaan)
#


class BankReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Area staff see referrals of their area's businesses; a bank officer sees only sent ones to their bank."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        officer = BankOfficer.objects.filter(user=user).first()
        if officer is not None:
            sent = self.filter(bank=officer.bank_id).exclude(status=BankReferral.Status.DRAFT)
            if officer.kabupaten_id is not None:  # a branch's officer: its kabupaten's businesses only
                sent = sent.filter(business__kecamatan__kabupaten=officer.kabupaten_id)
            return sent
        return self.filter(business__in=Business.objects.visible_to(user).values("pk"))

    def open(self):
        return self.filter(status__in=BankReferral.OPEN_STATUSES)


class BankReferral(Provenance):
    """A business referred to a bank for credit (often KUR), tracked from draft to disbursement."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        SENT = "dikirim", _("Dikirim ke bank")
        PROCESSING = "diproses", _("Diproses bank")
        APPROVED = "disetujui", _("Disetujui")
        REJECTED = "ditolak", _("Ditolak")
        DISBURSED = "dicairkan", _("Dicairkan")
        CANCELLED = "dibatalkan", _("Dibatalkan")

    class CreditProduct(models.TextChoices):
        KUR_SUPER_MIKRO = "kur_super_mikro", _("KUR Super Mikro (s.d. Rp10 juta)")
        KUR_MIKRO = "kur_mikro", _("KUR Mikro (Rp10-100 juta)")
        KUR_KECIL = "kur_kecil", _("KUR Kecil (Rp100-500 juta)")
        OTHER = "lainnya", _("Kredit lain")

    # Who may move a referral where: the referring side (area staff) or the bank.
    OPEN_STATUSES = [Status.DRAFT, Status.SENT, Status.PROCESSING, Status.APPROVED]
    AREA_TRANSITIONS = {
        Status.DRAFT: [Status.SENT, Status.CANCELLED],
        Status.SENT: [Status.CANCELLED],
        Status.PROCESSING: [Status.CANCELLED],
    }
    BANK_TRANSITIONS = {
        Status.SENT: [Status.PROCESSING, Status.REJECTED],
        Status.PROCESSING: [Status.APPROVED, Status.REJECTED],
        Status.APPROVED: [Status.DISBURSED],
    }

    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="bank_referrals", verbose_name=_("usaha")
    )
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("bank"))
    credit_product = models.CharField(_("produk kredit"), max_length=20, choices=CreditProduct.choices)
    amount_requested = models.DecimalField(_("plafon diajukan (Rp)"), max_digits=15, decimal_places=0)
    purpose = models.CharField(_("tujuan penggunaan"), max_length=300)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    amount_approved = models.DecimalField(
        _("plafon disetujui (Rp)"), max_digits=15, decimal_places=0, null=True, blank=True
    )
    amount_disbursed = models.DecimalField(
        _("jumlah dicairkan (Rp)"), max_digits=15, decimal_places=0, null=True, blank=True
    )
    disbursed_on = models.DateField(_("tanggal pencairan"), null=True, blank=True)
    decision_note = models.CharField(_("alasan/catatan keputusan"), max_length=500, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("dirujuk oleh")
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    # Optimistic locking: every step moves it, so a step chosen on a page read before is refused.
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)

    objects = BankReferralQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("rujukan bank")
        verbose_name_plural = _("rujukan bank")
        permissions = [("decide_bankreferral", _("Dapat mencatat keputusan bank atas rujukan"))]
        indexes = [
            models.Index(fields=["bank", "status", "created_at"], name="programs_referral_bank_queue"),
            # The dinas's and coordinator's list, the newest first: walked and tested against the area, instead of
            # every business of the area hashed to join the referrals (95 ms against 11 at a million).
            models.Index(fields=["created_at", "id"], name="programs_referral_newest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "bank"],
                condition=Q(status__in=["draft", "dikirim", "diproses", "disetujui"]),
                name="programs_bankreferral_one_open_per_bank",
                violation_error_message=_("Usaha ini sudah punya rujukan terbuka ke bank tersebut."),
            ),
            models.CheckConstraint(
                condition=Q(amount_requested__gt=0),
                name="programs_bankreferral_amount_positive",
                violation_error_message=_("Plafon yang diajukan harus lebih dari nol."),
            ),
            models.CheckConstraint(
                condition=~Q(status="ditolak") | ~Q(decision_note=""),
                name="programs_bankreferral_rejection_has_reason",
                violation_error_message=_("Penolakan harus disertai alasan."),
            ),
            models.CheckConstraint(
                condition=~Q(status="dicairkan") | (Q(amount_disbursed__gt=0) & Q(disbursed_on__isnull=False)),
                name="programs_bankreferral_disbursement_complete",
                violation_error_message=_("Pencairan harus mencatat jumlah dan tanggal."),
            ),
        ]

    def __str__(self):
        return f"{self.business} → {self.bank} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("programs:bankreferral_detail", args=[self.pk])

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES


class BankReferralEvent(models.Model):
    """One step of a referral's workflow: from which status to which, by whom, when, with what note."""

    referral = models.ForeignKey(BankReferral, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("dari"), max_length=12, choices=BankReferral.Status.choices, blank=True)
    to_status = models.CharField(_("ke"), max_length=12, choices=BankReferral.Status.choices)
    note = models.CharField(_("catatan"), max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        ordering = ["referral", "at", "pk"]
        verbose_name = _("langkah rujukan")
        verbose_name_plural = _("langkah rujukan")

    def __str__(self):
        return f"{self.referral_id}: {self.from_status or '-'} → {self.to_status}"


#
# What trainings and curation calls share: versioned edits, rescheduling and cancelling with a reason
#


class Cancellable(models.Model):
    """Cancelled with a reason (trainings, curation calls, selling events): written only by the services'
    cancel_*; editable so the change history shows them."""

    cancelled_at = models.DateTimeField(_("dibatalkan pada"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibatalkan oleh"),
    )
    cancel_reason = models.CharField(_("alasan pembatalan"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def is_cancelled(self):
        return self.cancelled_at is not None


class Schedulable(Cancellable):
    """A program event the dinas plans: edited under optimistic locking (`version`), rescheduled or cancelled
    with a reason that participants and coordinators read on its page and in their worklists."""

    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    # Written only by the services (reschedule_*); editable so the change history shows them.
    rescheduled_at = models.DateTimeField(_("dijadwalkan ulang pada"), null=True, blank=True)
    rescheduled_from = models.DateField(_("jadwal semula"), null=True, blank=True)
    reschedule_reason = models.CharField(_("alasan jadwal ulang"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        move_version(self, kwargs)
        super().save(*args, **kwargs)


#
# Trainings (pelatihan)
#


class Mentor(models.Model):
    """A trainer or mentor: from a university, from industry, or dinas staff."""

    class Affiliation(models.TextChoices):
        UNIVERSITY = "universitas", _("Perguruan tinggi")
        INDUSTRY = "industri", _("Industri/praktisi")
        DINAS = "dinas", _("Dinas")
        OTHER = "lainnya", _("Lainnya")

    name = models.CharField(_("nama"), max_length=150)
    affiliation = models.CharField(_("asal"), max_length=12, choices=Affiliation.choices)
    institution = models.CharField(_("lembaga"), max_length=150, blank=True)
    expertise = models.CharField(_("keahlian"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mentor")
        verbose_name_plural = _("mentor")

    def __str__(self):
        return f"{self.name} ({self.institution})" if self.institution else self.name


class TrainingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Trainings organised in the kabupaten the user works in (a coordinator's kecamatan lies in one)."""
        return self.filter(kabupaten__in=Kabupaten.objects.visible_to(user).values("pk"))

    def with_seats_taken(self):
        """Annotate `seats_taken`: the confirmed participants, the one count of a training's seats (the
        capacity check in programs.services.decide_enrollment counts the same); a nomination takes none."""
        confirmed = Q(enrollments__status=Enrollment.Status.CONFIRMED)
        return self.annotate(seats_taken=models.Count("enrollments", filter=confirmed, distinct=True))


NIP_VALIDATOR = RegexValidator(r"^\d{18}$", "NIP terdiri atas 18 angka.")


class Training(Schedulable, Provenance):
    """A course run by a dinas, with sessions, a capacity, and nominated members.

    The certificate's signatory is stored on the training, not per kabupaten: trainings of one kabupaten are
    run by different offices (Diskop, Disperindag), and a certificate printed again later must show who
    signed for that training, not whoever heads the office today.
    """

    class State(models.TextChoices):
        PLANNED = "dijadwalkan", _("Dijadwalkan")
        ONGOING = "berlangsung", _("Sedang berlangsung")
        HELD = "selesai", _("Sudah berlangsung")
        CANCELLED = "dibatalkan", _("Dibatalkan")

    class Kind(models.TextChoices):
        HOME_INDUSTRY = "industri_rumahan", _("Industri rumahan")
        PACKAGING = "kemasan", _("Kemasan dan label")
        DIGITAL = "pemasaran_digital", _("Pemasaran digital")
        EXPORT = "kesiapan_ekspor", _("Kesiapan ekspor")
        HALAL = "halal", _("Sertifikasi halal")
        FINANCE = "keuangan", _("Keuangan dan pembukuan")
        OTHER = "lainnya", _("Lainnya")

    kabupaten = models.ForeignKey(
        Kabupaten, on_delete=models.PROTECT, related_name="trainings", verbose_name=_("kabupaten")
    )
    organiser = models.CharField(_("penyelenggara"), max_length=150, help_text=_("Misalnya Dinas Koperasi dan UMKM."))
    title = models.CharField(_("judul"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("deskripsi"), blank=True)
    venue = models.CharField(_("tempat"), max_length=200)
    start_on = models.DateField(_("mulai"))
    end_on = models.DateField(_("selesai"))
    capacity = models.PositiveIntegerField(_("kuota peserta"))
    target_kecamatan = models.ManyToManyField(
        Kecamatan,
        blank=True,
        related_name="+",
        verbose_name=_("kecamatan sasaran"),
        help_text=_("Kosongkan bila terbuka untuk seluruh kabupaten."),
    )
    target_category = models.CharField(_("kategori sasaran"), max_length=20, choices=Category.choices, blank=True)
    target_group = models.ForeignKey(
        BusinessGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kelompok sasaran"),
    )
    mentors = models.ManyToManyField(Mentor, blank=True, related_name="trainings", verbose_name=_("mentor"))
    signatory_name = models.CharField(
        _("nama penanda tangan"), max_length=150, blank=True, help_text=_("Pejabat yang menandatangani sertifikat.")
    )
    signatory_title = models.CharField(
        _("jabatan penanda tangan"), max_length=150, blank=True, help_text=_("Misalnya Kepala Dinas Koperasi dan UMKM.")
    )
    signatory_nip = models.CharField(
        _("NIP penanda tangan"), max_length=18, blank=True, validators=[NIP_VALIDATOR], help_text=_("18 angka.")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    objects = TrainingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_on", "pk"]
        verbose_name = _("pelatihan")
        verbose_name_plural = _("pelatihan")
        permissions = [("manage_enrollment", _("Dapat mengonfirmasi peserta, presensi, dan kelulusan"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=F("start_on")),
                name="programs_training_ends_after_start",
                violation_error_message=_("Tanggal selesai harus sesudah tanggal mulai."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gt=0),
                name="programs_training_capacity_positive",
                violation_error_message=_("Kuota peserta harus lebih dari nol."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programs:training_detail", args=[self.pk])

    @property
    def state(self):
        today = timezone.localdate()
        if self.is_cancelled:
            return self.State.CANCELLED
        if today < self.start_on:
            return self.State.PLANNED
        return self.State.ONGOING if today <= self.end_on else self.State.HELD

    def get_state_display(self):
        return self.State(self.state).label

    @property
    def has_signatory(self):
        return bool(self.signatory_name and self.signatory_title)


class TrainingSession(models.Model):
    """One meeting of a training, for which attendance is taken."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="sessions")
    on = models.DateField(_("tanggal"))
    topic = models.CharField(_("materi"), max_length=200)

    class Meta:
        ordering = ["training", "on", "pk"]
        verbose_name = _("sesi pelatihan")
        verbose_name_plural = _("sesi pelatihan")

    def __str__(self):
        return f"{self.on:%d-%m-%Y} {self.topic}"


class EnrollmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(business__in=Business.objects.visible_to(user).values("pk"))

    def confirmed(self):
        return self.filter(status=Enrollment.Status.CONFIRMED)


class Enrollment(Provenance):
    """A business nominated to a training, confirmed (or not) by the dinas, then attending and completing."""

    class Status(models.TextChoices):
        NOMINATED = "dinominasikan", _("Dinominasikan")
        CONFIRMED = "dikonfirmasi", _("Dikonfirmasi")
        DECLINED = "ditolak", _("Tidak diterima")

    training = models.ForeignKey(Training, on_delete=models.PROTECT, related_name="enrollments")
    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("usaha")
    )
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.NOMINATED)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nominated_at = models.DateTimeField(_("dinominasikan"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    pre_score = models.PositiveSmallIntegerField(_("nilai pre-test"), null=True, blank=True)
    post_score = models.PositiveSmallIntegerField(_("nilai post-test"), null=True, blank=True)
    completed_at = models.DateTimeField(_("lulus pada"), null=True, blank=True)
    certificate_code = models.CharField(_("kode verifikasi sertifikat"), max_length=14, blank=True, editable=False)

    objects = EnrollmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["training", "business__name", "pk"]
        verbose_name = _("peserta pelatihan")
        verbose_name_plural = _("peserta pelatihan")
        constraints = [
            models.UniqueConstraint(
                fields=["training", "business"],
                name="programs_enrollment_once_per_training",
                violation_error_message=_("Usaha ini sudah dinominasikan ke pelatihan tersebut."),
            ),
            models.CheckConstraint(
                condition=(Q(pre_score__isnull=True) | Q(pre_score__lte=100))
                & (Q(post_score__isnull=True) | Q(post_score__lte=100)),
                name="programs_enrollment_scores_0_100",
                violation_error_message=_("Nilai harus 0 sampai 100."),
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(status="dikonfirmasi"),
                name="programs_enrollment_completed_if_confirmed",
                violation_error_message=_("Hanya peserta terkonfirmasi yang dapat lulus."),
            ),
            models.UniqueConstraint(
                fields=["certificate_code"],
                condition=~Q(certificate_code=""),
                name="programs_enrollment_unique_certificate_code",
            ),
        ]

    def __str__(self):
        return f"{self.business} · {self.training}"


# No 0/O or 1/I: the code is read off paper and typed.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_certificate_code():
    """A random, unguessable code (60 bits) in three groups: K7Q2-M9XD-4HTP."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class Attendance(models.Model):
    """Whether a confirmed participant came to one session."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="attendances")
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances")
    present = models.BooleanField(_("hadir"), default=False)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(_("dicatat"), auto_now=True)

    class Meta:
        ordering = ["session", "enrollment"]
        verbose_name = _("presensi")
        verbose_name_plural = _("presensi")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "session"], name="programs_attendance_once_per_session")
        ]

    def __str__(self):
        return f"{self.enrollment} · {self.session}: {'hadir' if self.present else 'tidak hadir'}"


#
# Mentoring (pendampingan)
#


class MentoringVisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(business__in=Business.objects.visible_to(user).values("pk"))

    def overdue(self):
        return self.filter(follow_up_on__lt=timezone.localdate(), follow_up_done=False)


class MentoringVisit(Provenance):
    """A mentor's visit to a business: what was found, what was agreed, and when to follow up."""

    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="mentoring_visits", verbose_name=_("usaha")
    )
    mentor = models.ForeignKey(
        Mentor, on_delete=models.PROTECT, null=True, blank=True, related_name="visits", verbose_name=_("mentor")
    )
    organiser = models.CharField(_("dinas pendamping"), max_length=150)
    visited_on = models.DateField(_("tanggal kunjungan"))
    topic = models.CharField(_("topik"), max_length=200)
    findings = models.TextField(_("temuan"))
    actions = models.TextField(_("tindakan yang disepakati"), blank=True)
    follow_up_on = models.DateField(_("tindak lanjut pada"), null=True, blank=True)
    follow_up_done = models.BooleanField(_("tindak lanjut selesai"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    objects = MentoringVisitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("kunjungan pendampingan")
        verbose_name_plural = _("kunjungan pendampingan")
        indexes = [models.Index(fields=["follow_up_done", "follow_up_on"], name="programs_visit_follow_up")]
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_on__isnull=True) | Q(follow_up_on__gte=F("visited_on")),
                name="programs_mentoringvisit_follow_up_after_visit",
                violation_error_message=_("Tanggal tindak lanjut harus sesudah kunjungan."),
            )
        ]

    def __str__(self):
        return f"{self.business} · {self.visited_on:%d-%m-%Y} · {self.topic}"

    def get_absolute_url(self):
        return reverse("programs:mentoringvisit_detail", args=[self.pk])

    @property
    def is_overdue(self):
        return bool(self.follow_up_on and not self.follow_up_done and self.follow_up_on < timezone.localdate())


#
# Curation (kurasi produk) and placements
#


class Channel(models.TextChoices):
    SOUVENIR = "oleh_oleh", _("Toko oleh-oleh/pusat suvenir")
    MODERN_RETAIL = "ritel_modern", _("Ritel modern (Alfamart, Indomaret, ...)")
    EXPORT = "ekspor", _("Ekspor")
    E_CATALOGUE = "e_katalog", _("E-katalog pengadaan")
    MARKETPLACE = "marketplace", _("Marketplace")


class CurationCallQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(kabupaten__in=Kabupaten.objects.visible_to(user).values("pk"))


class CurationCall(Schedulable, Provenance):
    """A call for products for one channel, scored against a rubric by curators."""

    kabupaten = models.ForeignKey(
        Kabupaten, on_delete=models.PROTECT, related_name="curation_calls", verbose_name=_("kabupaten")
    )
    organiser = models.CharField(_("penyelenggara"), max_length=150)
    title = models.CharField(_("judul"), max_length=200)
    channel = models.CharField(_("saluran"), max_length=15, choices=Channel.choices)
    partner = models.CharField(_("mitra"), max_length=150, blank=True, help_text=_("Misalnya Indomaret dan Alfamart."))
    opens_on = models.DateField(_("dibuka"))
    closes_on = models.DateField(_("ditutup"))
    required_documents = ArrayField(
        models.CharField(max_length=10, choices=LegalDocument.Kind.choices),
        default=list,
        blank=True,
        verbose_name=_("dokumen wajib"),
    )
    description = models.TextField(_("ketentuan"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    objects = CurationCallQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opens_on", "pk"]
        verbose_name = _("kurasi produk")
        verbose_name_plural = _("kurasi produk")
        permissions = [("curate_product", _("Dapat menilai dan memutuskan kurasi produk"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="programs_curationcall_closes_after_opening",
                violation_error_message=_("Tanggal tutup harus sesudah tanggal buka."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programs:curationcall_detail", args=[self.pk])

    @property
    def is_open(self):
        return not self.is_cancelled and self.opens_on <= timezone.localdate() <= self.closes_on


class CurationCriterion(models.Model):
    """One line of a call's rubric, such as packaging, label and legality, quality, price, capacity."""

    call = models.ForeignKey(CurationCall, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("kriteria"), max_length=100)
    weight = models.PositiveSmallIntegerField(_("bobot"), default=1)
    max_score = models.PositiveSmallIntegerField(_("nilai maksimal"), default=5)

    class Meta:
        ordering = ["call", "pk"]
        verbose_name = _("kriteria kurasi")
        verbose_name_plural = _("kriteria kurasi")

    def __str__(self):
        return self.name


class CurationSubmissionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(product__business__in=Business.objects.visible_to(user).values("pk"))


class CurationSubmission(Provenance):
    """A product put forward to a call, its scores, and the decision with feedback the coordinator reads."""

    class Decision(models.TextChoices):
        PENDING = "diajukan", _("Menunggu penilaian")
        PASSED = "lolos", _("Lolos")
        REVISE = "perbaikan", _("Perlu perbaikan")
        FAILED = "tidak_lolos", _("Tidak lolos")

    call = models.ForeignKey(CurationCall, on_delete=models.PROTECT, related_name="submissions")
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="curation_submissions", verbose_name=_("produk")
    )
    decision = models.CharField(_("keputusan"), max_length=12, choices=Decision.choices, default=Decision.PENDING)
    feedback = models.TextField(_("masukan untuk pelaku usaha"), blank=True)
    missing_documents = ArrayField(
        models.CharField(max_length=10, choices=LegalDocument.Kind.choices),
        default=list,
        blank=True,
        verbose_name=_("dokumen yang kurang"),
    )
    total_score = models.DecimalField(_("nilai akhir"), max_digits=5, decimal_places=1, null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("diajukan"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    # Optimistic locking: scores and the decision move it, so a page read before cannot overwrite them.
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)

    objects = CurationSubmissionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["call", "-submitted_at", "pk"]
        verbose_name = _("produk yang dikurasi")
        verbose_name_plural = _("produk yang dikurasi")
        # The list's order, the newest first (programs.views.CurationSubmissionListView).
        indexes = [
            models.Index(fields=["submitted_at", "id"], name="programs_submission_newest"),
            # A call's page, its newest first (the order above): a call with 20,000 submissions sorted them all.
            models.Index(fields=["call", "-submitted_at", "id"], name="programs_submission_call_new"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "product"],
                name="programs_curationsubmission_once_per_call",
                violation_error_message=_("Produk ini sudah diajukan ke kurasi tersebut."),
            )
        ]

    def __str__(self):
        return f"{self.product} · {self.call}"

    def get_absolute_url(self):
        return reverse("programs:curationsubmission_detail", args=[self.pk])

    def get_missing_documents_display(self):
        labels = dict(LegalDocument.Kind.choices)
        return ", ".join(str(labels.get(kind, kind)) for kind in self.missing_documents)


class CurationScore(models.Model):
    """One curator's score on one criterion for one submission."""

    submission = models.ForeignKey(CurationSubmission, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(CurationCriterion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(_("nilai"))
    curator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scored_at = models.DateTimeField(_("dinilai"), auto_now=True)

    class Meta:
        ordering = ["submission", "criterion"]
        verbose_name = _("nilai kurasi")
        verbose_name_plural = _("nilai kurasi")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "criterion"], name="programs_curationscore_once_per_criterion"
            )
        ]

    def __str__(self):
        return f"{self.criterion}: {self.score}"


class PlacementQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(submission__product__business__in=Business.objects.visible_to(user).values("pk"))


class Placement(Provenance):
    """A product that passed curation, placed in a channel or with a partner (the Sumenep case: Indomaret, Alfamart)."""

    class Status(models.TextChoices):
        ACTIVE = "aktif", _("Aktif")
        ENDED = "berakhir", _("Berakhir")

    class Channel(models.TextChoices):
        """Where a placed product is sold: the channels a dinas reports placements by."""

        MODERN_RETAIL = "ritel_modern", _("Ritel modern")
        SOUVENIR = "oleh_oleh", _("Toko oleh-oleh/suvenir")
        MARKETPLACE = "marketplace", _("Marketplace")
        HOTEL_RESTAURANT = "horeka", _("Hotel atau restoran")
        EXPORT = "ekspor", _("Ekspor")
        OTHER = "lainnya", _("Lainnya")

    submission = models.OneToOneField(CurationSubmission, on_delete=models.PROTECT, related_name="placement")
    channel = models.CharField(_("saluran"), max_length=15, choices=Channel.choices)
    retailer = models.CharField(
        _("peritel"),
        max_length=100,
        help_text=_("Nama peritel atau pembeli, misalnya Alfamart, Indomaret atau Shopee."),
    )
    partner = models.CharField(_("mitra/toko"), max_length=150)
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("sampai"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    objects = PlacementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("penempatan produk")
        verbose_name_plural = _("penempatan produk")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="programs_placement_ends_after_start",
                violation_error_message=_("Tanggal akhir harus sesudah tanggal mulai."),
            )
        ]
        indexes = [models.Index(fields=["channel", "retailer"], name="programs_placement_channel")]

    def __str__(self):
        return f"{self.submission.product} di {self.partner}"

    @classmethod
    def channel_of_call(cls, call_channel):
        """The placement channel a curation call's channel leads to (an e-catalogue is "other")."""
        return call_channel if call_channel in cls.Channel.values else cls.Channel.OTHER


class PlacementSalesNote(models.Model):
    """Periodic sales of a placed product: units and value for a month, as the partner reports them."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="sales_notes")
    month = models.DateField(_("bulan"), help_text=_("Tanggal mana pun dalam bulan itu."))
    units = models.PositiveIntegerField(_("jumlah terjual"))
    value = models.DecimalField(_("nilai penjualan (Rp)"), max_digits=15, decimal_places=0)
    note = models.CharField(_("catatan"), max_length=300, blank=True)

    class Meta:
        ordering = ["placement", "-month"]
        verbose_name = _("catatan penjualan")
        verbose_name_plural = _("catatan penjualan")
        constraints = [
            models.UniqueConstraint(fields=["placement", "month"], name="programs_placementsalesnote_once_per_month")
        ]

    def __str__(self):
        return f"{self.placement} {self.month:%m-%Y}"

    def save(self, *args, **kwargs):
        self.month = self.month.replace(day=1)  # one note per calendar month
        super().save(*args, **kwargs)


#
# Export facilitation
#


class ExportFacilitationQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(business__in=Business.objects.visible_to(user).values("pk"))


class ExportFacilitation(Provenance):
    """An export a dinas helped happen: which product went to which buyer in which country, for how much."""

    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="export_facilitations", verbose_name=_("usaha")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("produk")
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    country = models.CharField(_("negara tujuan"), max_length=2, validators=[validate_country])
    buyer = models.CharField(_("pembeli"), max_length=150)
    value = models.DecimalField(_("nilai (Rp)"), max_digits=15, decimal_places=0)
    organiser = models.CharField(_("dinas fasilitator"), max_length=150)
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    objects = ExportFacilitationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "country", "pk"]
        verbose_name = _("fasilitasi ekspor")
        verbose_name_plural = _("fasilitasi ekspor")
        indexes = [models.Index(fields=["year", "country"], name="programs_export_year_country")]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gt=0),
                name="programs_exportfacilitation_value_positive",
                violation_error_message=_("Nilai ekspor harus lebih dari nol."),
            )
        ]

    def __str__(self):
        return f"{self.business} → {self.country_name} {self.year}"

    def get_absolute_url(self):
        return reverse("programs:exportfacilitation_detail", args=[self.pk])

    @property
    def country_name(self):
        return country_name(self.country)


from programs.models.market import (  # noqa: E402, F401  (they build on the models above)
    CatalogueEntry,
    CatalogueWord,
    EventBooth,
    Inquiry,
    InquiryStep,
    Listing,
    ListingConsent,
    MarketEvent,
)
from programs.models.printed import CatalogueFile  # noqa: E402, F401
