"""The trail: who saw or exported personal data, and the duplicates judged and merged."""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

#
# Access log (UU 27/2022: who saw or exported personal data)
#


class AccessLogManager(models.Manager):
    def record(self, **fields):
        """Write one access-log row, on the primary database by name: the GET request that logs a read may
        itself be reading a replica (umkm_portal.routers), and this is the one write a GET makes."""
        return self.db_manager(DEFAULT_DB_ALIAS).create(**fields)


class AccessLog(models.Model):
    """One read of personal data: a detail page opened, a list exported, a NIK revealed."""

    class Action(models.TextChoices):
        VIEW = "view", _("Membuka detail")
        EXPORT = "export", _("Ekspor")
        REVEAL = "reveal", _("Menampilkan NIK lengkap")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("tindakan"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("jenis data"), max_length=50)
    object_id = models.CharField(_("id data"), max_length=40, blank=True)
    detail = models.JSONField(_("rincian"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("jumlah baris"), null=True, blank=True)
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)

    objects = AccessLogManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("log akses")
        verbose_name_plural = _("log akses")
        indexes = [models.Index(fields=["object_type", "object_id"], name="registry_accesslog_object")]

    def __str__(self):
        return f"{self.user} {self.get_action_display()} {self.object_type} {self.object_id}"


#
# Duplicates: pairs judged "not a duplicate", and the trail of merges
#


class DuplicateDecision(models.Model):
    """A candidate pair an admin judged not to be a duplicate, so the finder stops proposing it."""

    class Kind(models.TextChoices):
        BUSINESS = "usaha", _("Usaha")
        OWNER = "pemilik", _("Pemilik")

    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    first_id = models.PositiveIntegerField(_("id pertama"))
    second_id = models.PositiveIntegerField(_("id kedua"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("diputuskan"), auto_now_add=True)

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("bukan duplikat")
        verbose_name_plural = _("bukan duplikat")
        constraints = [
            models.UniqueConstraint(fields=["kind", "first_id", "second_id"], name="registry_duplicatedecision_once"),
            models.CheckConstraint(condition=Q(first_id__lt=F("second_id")), name="registry_duplicatedecision_ordered"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.first_id} ≠ {self.second_id}"


class MergeRecord(models.Model):
    """What a merge did: which record survived, the removed record's data, and how many rows moved."""

    kind = models.CharField(_("jenis"), max_length=10, choices=DuplicateDecision.Kind.choices)
    survivor_id = models.PositiveIntegerField(_("id yang dipertahankan"))
    removed_id = models.PositiveIntegerField(_("id yang digabungkan"))
    removed_data = models.JSONField(_("data yang digabungkan"))
    moved = models.JSONField(_("baris yang dipindahkan"), default=dict)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(_("digabungkan"), auto_now_add=True)

    class Meta:
        ordering = ["-merged_at"]
        verbose_name = _("penggabungan")
        verbose_name_plural = _("penggabungan")
        indexes = [models.Index(fields=["kind", "survivor_id"], name="registry_merge_survivor")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.removed_id} → {self.survivor_id}"
