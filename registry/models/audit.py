"""The trail: who saw or exported personal data, and the duplicates judged and merged."""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import F, Q

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
        VIEW = "view", "Membuka detail"
        EXPORT = "export", "Ekspor"
        REVEAL = "reveal", "Menampilkan NIK lengkap"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField("tindakan", max_length=10, choices=Action.choices)
    object_type = models.CharField("jenis data", max_length=50)
    object_id = models.CharField("id data", max_length=40, blank=True)
    detail = models.JSONField("rincian", default=dict, blank=True)
    row_count = models.PositiveIntegerField("jumlah baris", null=True, blank=True)
    created_at = models.DateTimeField("waktu", auto_now_add=True, db_index=True)

    objects = AccessLogManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "log akses"
        verbose_name_plural = "log akses"
        indexes = [models.Index(fields=["object_type", "object_id"], name="registry_accesslog_object")]

    def __str__(self):
        return f"{self.user} {self.get_action_display()} {self.object_type} {self.object_id}"


#
# Duplicates: pairs judged "not a duplicate", and the trail of merges
#


class DuplicateDecision(models.Model):
    """A candidate pair an admin judged not to be a duplicate, so the finder stops proposing it."""

    class Kind(models.TextChoices):
        BUSINESS = "usaha", "Usaha"
        OWNER = "pemilik", "Pemilik"

    kind = models.CharField("jenis", max_length=10, choices=Kind.choices)
    first_id = models.PositiveIntegerField("id pertama")
    second_id = models.PositiveIntegerField("id kedua")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("diputuskan", auto_now_add=True)

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = "bukan duplikat"
        verbose_name_plural = "bukan duplikat"
        constraints = [
            models.UniqueConstraint(fields=["kind", "first_id", "second_id"], name="registry_duplicatedecision_once"),
            models.CheckConstraint(condition=Q(first_id__lt=F("second_id")), name="registry_duplicatedecision_ordered"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.first_id} ≠ {self.second_id}"


class MergeRecord(models.Model):
    """What a merge did: which record survived, the removed record's data, and how many rows moved."""

    kind = models.CharField("jenis", max_length=10, choices=DuplicateDecision.Kind.choices)
    survivor_id = models.PositiveIntegerField("id yang dipertahankan")
    removed_id = models.PositiveIntegerField("id yang digabungkan")
    removed_data = models.JSONField("data yang digabungkan")
    moved = models.JSONField("baris yang dipindahkan", default=dict)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField("digabungkan", auto_now_add=True)

    class Meta:
        ordering = ["-merged_at"]
        verbose_name = "penggabungan"
        verbose_name_plural = "penggabungan"
        indexes = [models.Index(fields=["kind", "survivor_id"], name="registry_merge_survivor")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.removed_id} → {self.survivor_id}"
