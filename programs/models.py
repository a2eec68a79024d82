"""Program records. For now: banks and the officers who answer referrals for them."""

from django.conf import settings
from django.db import models


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
