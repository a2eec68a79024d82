"""The trail: who saw or exported personal data, and the duplicates judged and merged."""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

#
# Access log (UU 27/2022: who saw or exported personal data)
#


class AccessLogManager(models.Manager):
    def record(self, *, wait_for_disk=True, **fields):
        """Write one access-log row, on the primary database by name: the GET request that logs a read may
        itself be reading a replica (umkm_portal.routers), and this is the one write a GET makes.

        `wait_for_disk=False` (a business page opened) commits the row without waiting for PostgreSQL to
        flush its WAL to disk (asynchronous commit, `SET LOCAL synchronous_commit TO OFF`, for this one
        transaction): the row is written and visible at once, and a crash of the database server within
        about 0.6 s of the commit (three times `wal_writer_delay`) may lose it; nothing is ever half
        written. The wait was 1 to 4 ms of the business page's 17 (docs/performance.md). Exports and NIK
        reveals wait. Inside a transaction already open (ATOMIC_REQUESTS, a service) it waits too: the
        setting would apply to the whole transaction."""
        manager = self.db_manager(DEFAULT_DB_ALIAS)
        if wait_for_disk or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return manager.create(**fields)
        with transaction.atomic(using=DEFAULT_DB_ALIAS):
            with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            return manager.create(**fields)


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
