"""The printable catalogue and the buyer-desk sheet of a kabupaten: files built by the worker from the public
listings (programs.catalogue_files) and kept in the configured storage."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import Kabupaten


def _file_path(instance, filename):
    # A fresh folder per build: the name a visitor downloads is given by the view, never the path.
    return f"katalog/{instance.kabupaten_id}/{uuid.uuid4().hex}/{filename}"


class CatalogueFile(models.Model):
    """One build of a kabupaten's printable catalogue (PDF) or buyer-desk sheet (Excel, CSV), under its key:
    the kabupaten's catalogue generation (programs.catalogue_cache), the day, the filters, the language,
    the format and the site it links to. The unique key makes one build per key however many visitors ask
    at once; a key of an old generation is never asked for again, so its file is unreachable at once."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "Excel"
        CSV = "csv", "CSV"

    class Status(models.TextChoices):
        QUEUED = "antre", _("Menunggu")
        RUNNING = "berjalan", _("Sedang dibuat")
        DONE = "selesai", _("Siap diunduh")
        FAILED = "gagal", _("Gagal")

    key = models.CharField(_("kunci"), max_length=64, unique=True, editable=False)
    kabupaten = models.ForeignKey(Kabupaten, on_delete=models.CASCADE, related_name="+", verbose_name=_("kabupaten"))
    generation = models.CharField(_("generasi katalog"), max_length=32)
    day = models.DateField(_("tanggal"))
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    filters = models.JSONField(_("filter"), default=dict, blank=True)
    language = models.CharField(_("bahasa"), max_length=10, default=settings.LANGUAGE_CODE)
    site = models.CharField(_("alamat situs"), max_length=200, help_text=_("Awal alamat halaman produk di berkas."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("jumlah produk"), default=0)
    done = models.PositiveIntegerField(_("produk selesai"), default=0)
    file = models.FileField(_("berkas"), upload_to=_file_path, blank=True, max_length=200)
    error = models.CharField(_("kesalahan"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("diminta"), auto_now_add=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("berkas katalog")
        verbose_name_plural = _("berkas katalog")
        indexes = [models.Index(fields=["kabupaten", "created_at"], name="programs_cataloguefile_age")]

    def __str__(self):
        return f"{self.kabupaten_id} {self.format} {self.day} {self.language}"

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
