"""Data on its way in: registration drafts and uploaded sheets."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

#
# Registration drafts
#


class RegistrationDraftQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A draft is private to the person typing it."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class RegistrationDraft(models.Model):
    """A half-filled registration form kept on the server, so a dropped connection loses nothing typed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registration_drafts")
    data = models.JSONField(_("isian"), default=dict)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("disimpan"), auto_now=True)

    objects = RegistrationDraftQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("draf pendaftaran")
        verbose_name_plural = _("draf pendaftaran")

    def __str__(self):
        return self.title

    @property
    def title(self):
        return self.data.get("business-name") or self.data.get("owner-name") or "Draf tanpa nama"


#
# One record per creating form (registry/once.py)
#


class SubmittedForm(models.Model):
    """A creating form's one-time token, written in the transaction that creates the record, with the page
    that shows it: a second or simultaneous submit of the same form is sent there and creates nothing."""

    token = models.UUIDField(_("token"), primary_key=True)
    # Empty for a public form sent without a login (a buyer's inquiry).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+")
    url = models.CharField(_("halaman hasil"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("dikirim"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("formulir terkirim")
        verbose_name_plural = _("formulir terkirim")

    def __str__(self):
        return str(self.token)


#
# Imports of spreadsheets (registry.imports does the reading, checking and writing)
#


def _import_path(instance, filename):
    return f"impor/{uuid.uuid4().hex}.{'xlsx' if filename.lower().endswith('.xlsx') else 'csv'}"


def _failed_rows_path(instance, filename):
    return f"impor/gagal/{uuid.uuid4().hex}.csv"


class ImportBatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Each user sees the files they uploaded (they hold personal data of that user's area)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class ImportBatch(models.Model):
    """One uploaded sheet on its way in: its columns, how they map to fields, the rows checked, and what the
    import did.

    No web request reads the file: a worker reads it (registry.tasks.read_import: the sheets, the header
    row, the guessed mapping), checks every row under the chosen mapping (registry.tasks.check_import: the
    preview and the failed rows' file) and writes it (registry.tasks.import_batch), reporting its progress
    here while the page polls."""

    class Status(models.TextChoices):
        READING = "dibaca", _("Sedang dibaca")
        UNREADABLE = "takterbaca", _("Tidak terbaca")
        NEW = "baru", _("Belum diimpor")
        CHECKING = "diperiksa", _("Sedang diperiksa")
        QUEUED = "antre", _("Menunggu")
        RUNNING = "berjalan", _("Sedang diimpor")
        DONE = "selesai", _("Selesai")
        FAILED = "gagal", _("Gagal")

    # A worker has the batch in hand (or will soon): its file must stay, and its page polls.
    WORKING = (Status.READING, Status.CHECKING, Status.QUEUED, Status.RUNNING)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("nama berkas"), max_length=200)
    # The worker reads and checks the file in the uploader's language: the row messages it stores are theirs.
    language = models.CharField(_("bahasa"), max_length=10, default=settings.LANGUAGE_CODE)
    file = models.FileField(_("berkas"), upload_to=_import_path)
    headers = models.JSONField(_("judul kolom"), default=list)
    mapping = models.JSONField(_("pemetaan kolom"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    all_or_nothing = models.BooleanField(_("semua atau tidak sama sekali"), default=True)
    total_rows = models.PositiveIntegerField(_("jumlah baris"), default=0)
    processed_rows = models.PositiveIntegerField(_("baris diproses"), default=0)
    error = models.CharField(_("kesalahan"), max_length=500, blank=True)
    sheet = models.CharField(
        _("lembar kerja"), max_length=100, blank=True, help_text=_("Kosong: lembar pertama berisi data.")
    )
    figures_year = models.PositiveSmallIntegerField(
        _("tahun data angka"), null=True, blank=True, help_text=_("Dipakai bila berkas tidak punya kolom tahun.")
    )
    summary = models.JSONField(_("hasil"), default=dict, blank=True)
    sheet_names = models.JSONField(_("lembar kerja berkas"), default=list, blank=True)
    header_line = models.PositiveIntegerField(_("baris judul kolom"), null=True, blank=True)
    skipped_lines = models.JSONField(_("baris di atas tabel"), default=list, blank=True)
    preview = models.JSONField(_("hasil pemeriksaan"), default=dict, blank=True)
    failed_file = models.FileField(_("baris gagal"), upload_to=_failed_rows_path, blank=True)
    checked_at = models.DateTimeField(_("diperiksa"), null=True, blank=True)
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    started_at = models.DateTimeField(_("mulai dikerjakan"), null=True, blank=True)
    imported_at = models.DateTimeField(_("diimpor"), null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("impor berkas")
        verbose_name_plural = _("impor berkas")

    def __str__(self):
        return f"{self.filename} ({self.created_at:%d-%m-%Y %H:%M})"

    def get_absolute_url(self):
        return reverse("registry:import_preview", args=[self.pk])

    @property
    def percent(self):
        return min(100, round(100 * self.processed_rows / self.total_rows)) if self.total_rows else 0

    @property
    def working(self):
        """Whether a worker has this batch in hand (reading, checking or importing it) or will soon."""
        return self.status in self.WORKING

    def column_mapping(self):
        """{column index: field} (JSON keys are strings)."""
        return {int(index): target for index, target in self.mapping.items()}


class ImportColumnMemory(models.Model):
    """Which field a header name meant the last time this user mapped it: the next sheet maps itself."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    header = models.CharField(_("judul kolom"), max_length=200)
    target = models.CharField(_("kolom tujuan"), max_length=30)

    class Meta:
        ordering = ["user", "header"]
        verbose_name = _("ingatan kolom impor")
        verbose_name_plural = _("ingatan kolom impor")
        constraints = [models.UniqueConstraint(fields=["user", "header"], name="registry_importcolumnmemory_once")]

    def __str__(self):
        return f"{self.header} → {self.target}"
