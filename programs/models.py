"""Program records: banks and their officers, bank referrals (trainings, curation and more to come)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from registry.models import Business


class BankQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Return the banks a user may see: all for staff of an area, only their own for a bank officer."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        own = self.filter(officers__user=user)
        if own.exists():
            return own
        # Dinas staff and coordinators pick banks when they refer a business.
        if user.area_assignments.exists():
            return self.all()
        return self.none()


class Bank(models.Model):
    """A lender that takes referrals: BRI, Bank Jatim, Bank Jateng, a BPR ..."""

    name = models.CharField("nama", max_length=120, unique=True)
    short_name = models.CharField("singkatan", max_length=30, unique=True)

    objects = BankQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "bank"

    def __str__(self):
        return self.short_name


class BankOfficer(models.Model):
    """A bank's liaison officer: the user sees only referrals addressed to this bank."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bank_officer", verbose_name="pengguna"
    )
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="officers", verbose_name="bank")
    created_at = models.DateTimeField("dibuat", auto_now_add=True)

    class Meta:
        ordering = ["bank", "user"]
        verbose_name = "petugas bank"
        verbose_name_plural = "petugas bank"

    def __str__(self):
        return f"{self.user} ({self.bank})"


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
            return self.filter(bank=officer.bank_id).exclude(status=BankReferral.Status.DRAFT)
        return self.filter(business__in=Business.objects.visible_to(user).values("pk"))

    def open(self):
        return self.filter(status__in=BankReferral.OPEN_STATUSES)


class BankReferral(models.Model):
    """A business referred to a bank for credit (often KUR), tracked from draft to disbursement."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draf"
        SENT = "dikirim", "Dikirim ke bank"
        PROCESSING = "diproses", "Diproses bank"
        APPROVED = "disetujui", "Disetujui"
        REJECTED = "ditolak", "Ditolak"
        DISBURSED = "dicairkan", "Dicairkan"
        CANCELLED = "dibatalkan", "Dibatalkan"

    class CreditProduct(models.TextChoices):
        KUR_SUPER_MIKRO = "kur_super_mikro", "KUR Super Mikro (s.d. Rp10 juta)"
        KUR_MIKRO = "kur_mikro", "KUR Mikro (Rp10-100 juta)"
        KUR_KECIL = "kur_kecil", "KUR Kecil (Rp100-500 juta)"
        OTHER = "lainnya", "Kredit lain"

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
        Business, on_delete=models.PROTECT, related_name="bank_referrals", verbose_name="usaha"
    )
    bank = models.ForeignKey(Bank, on_delete=models.PROTECT, related_name="referrals", verbose_name="bank")
    credit_product = models.CharField("produk kredit", max_length=20, choices=CreditProduct.choices)
    amount_requested = models.DecimalField("plafon diajukan (Rp)", max_digits=15, decimal_places=0)
    purpose = models.CharField("tujuan penggunaan", max_length=300)
    status = models.CharField("status", max_length=12, choices=Status.choices, default=Status.DRAFT)
    amount_approved = models.DecimalField(
        "plafon disetujui (Rp)", max_digits=15, decimal_places=0, null=True, blank=True
    )
    amount_disbursed = models.DecimalField(
        "jumlah dicairkan (Rp)", max_digits=15, decimal_places=0, null=True, blank=True
    )
    disbursed_on = models.DateField("tanggal pencairan", null=True, blank=True)
    decision_note = models.CharField("alasan/catatan keputusan", max_length=500, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="dirujuk oleh"
    )
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    updated_at = models.DateTimeField("diubah", auto_now=True)

    objects = BankReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "rujukan bank"
        verbose_name_plural = "rujukan bank"
        permissions = [("decide_bankreferral", "Dapat mencatat keputusan bank atas rujukan")]
        indexes = [models.Index(fields=["bank", "status", "created_at"], name="programs_referral_bank_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "bank"],
                condition=Q(status__in=["draft", "dikirim", "diproses", "disetujui"]),
                name="programs_bankreferral_one_open_per_bank",
                violation_error_message="Usaha ini sudah punya rujukan terbuka ke bank tersebut.",
            ),
            models.CheckConstraint(
                condition=Q(amount_requested__gt=0),
                name="programs_bankreferral_amount_positive",
                violation_error_message="Plafon yang diajukan harus lebih dari nol.",
            ),
            models.CheckConstraint(
                condition=~Q(status="ditolak") | ~Q(decision_note=""),
                name="programs_bankreferral_rejection_has_reason",
                violation_error_message="Penolakan harus disertai alasan.",
            ),
            models.CheckConstraint(
                condition=~Q(status="dicairkan") | (Q(amount_disbursed__gt=0) & Q(disbursed_on__isnull=False)),
                name="programs_bankreferral_disbursement_complete",
                violation_error_message="Pencairan harus mencatat jumlah dan tanggal.",
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
    from_status = models.CharField("dari", max_length=12, choices=BankReferral.Status.choices, blank=True)
    to_status = models.CharField("ke", max_length=12, choices=BankReferral.Status.choices)
    note = models.CharField("catatan", max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("waktu", auto_now_add=True)

    class Meta:
        ordering = ["referral", "at", "pk"]
        verbose_name = "langkah rujukan"
        verbose_name_plural = "langkah rujukan"

    def __str__(self):
        return f"{self.referral_id}: {self.from_status or '-'} → {self.to_status}"
