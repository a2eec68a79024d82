"""Frozen figures and background report files; the figures themselves are computed in reports.figures."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.functions import RandomUUID
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from registry.models import Kabupaten

BREAKDOWN_TITLES = {
    "skala": _("Menurut skala usaha"),
    "kecamatan": _("Menurut kecamatan"),
    "kategori": _("Menurut kategori"),
    "jenis_kelamin_pemilik": _("Menurut jenis kelamin pemilik"),
}


class SnapshotQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(kabupaten__in=Kabupaten.objects.visible_to(user).values("pk"))


class Snapshot(models.Model):
    """Published figures of a kabupaten frozen as of a date ("jumlah UMKM per 31 Desember 2025").

    The figures are stored, not recomputed, so a number once published can be shown again exactly;
    `figures` carries the reconciliation (classified plus unclassified equals the total).
    """

    kabupaten = models.ForeignKey(Kabupaten, on_delete=models.PROTECT, related_name="+", verbose_name=_("kabupaten"))
    as_of = models.DateField(_("per tanggal"))
    title = models.CharField(_("judul"), max_length=200)
    note = models.CharField(_("catatan"), max_length=500, blank=True)
    figures = models.JSONField(_("angka"), editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("dibekukan pada"), auto_now_add=True)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "-created_at"]
        verbose_name = _("angka resmi")
        verbose_name_plural = _("angka resmi")
        constraints = [
            models.UniqueConstraint(
                fields=["kabupaten", "as_of"],
                name="reports_snapshot_one_per_date",
                violation_error_message=_("Angka per tanggal ini sudah dibekukan untuk kabupaten tersebut."),
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.kabupaten})"

    def get_absolute_url(self):
        return reverse("reports:snapshot_detail", args=[self.pk])

    def sections(self):
        """(title, rows, reconciliation) per breakdown; the reconciliation says whether the parts add up."""
        result = []
        for key, rows in self.figures["breakdowns"].items():
            check = self.figures["reconciliation"][key]
            balanced = check["classified"] + check["unclassified"] == check["total"] == sum(n for _, n in rows)
            result.append((BREAKDOWN_TITLES.get(key, key), rows, {**check, "balanced": balanced}))
        return result


class ReportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Each user sees only the files they asked for: an export holds that user's view of the data."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


def _job_path(instance, filename):
    return f"reports/{instance.user_id}/{instance.token}/{filename}"


class ReportJob(models.Model):
    """A large export made in the background, with its progress and, when done, the file to download."""

    class Status(models.TextChoices):
        QUEUED = "antre", _("Menunggu")
        RUNNING = "berjalan", _("Sedang dibuat")
        DONE = "selesai", _("Siap diunduh")
        FAILED = "gagal", _("Gagal")

    token = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("jenis"), max_length=30)
    params = models.JSONField(_("filter"), default=dict)
    # The file is written in the language of the person who asked for it, not the worker's.
    language = models.CharField(_("bahasa"), max_length=10, default=settings.LANGUAGE_CODE)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("jumlah baris"), default=0)
    done = models.PositiveIntegerField(_("baris selesai"), default=0)
    file = models.FileField(_("berkas"), upload_to=_job_path, blank=True)
    error = models.CharField(_("kesalahan"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("diminta"), auto_now_add=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("berkas laporan")
        verbose_name_plural = _("berkas laporan")
        indexes = [models.Index(fields=["status", "created_at"], name="reports_job_queue")]

    def __str__(self):
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("reports:job_detail", args=[self.token])

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


class Tally(models.Model):
    """How many businesses (or program records) of one cell fall in one bucket of one measure.

    A cell is (kecamatan, category, guided): the dashboard filters that are attributes of a business.
    Kept current by reports.tally; read by the dashboards instead of counting a million rows.
    """

    kecamatan = models.CharField(_("kecamatan"), max_length=8)
    category = models.CharField(_("kategori"), max_length=20)
    guided = models.BooleanField(_("binaan"))
    measure = models.CharField(_("ukuran"), max_length=20)
    bucket = models.CharField(_("kelompok"), max_length=20)
    n = models.BigIntegerField(_("jumlah"))
    amount = models.DecimalField(_("nilai"), max_digits=20, decimal_places=2, null=True)
    # The "months" measure: a row per year (the bucket), its count per month, January first (n is their sum).
    months = ArrayField(models.IntegerField(), size=12, null=True, verbose_name=_("per bulan"))

    class Meta:
        verbose_name = _("rekap dasbor")
        verbose_name_plural = _("rekap dasbor")
        constraints = [
            models.UniqueConstraint(
                fields=["kecamatan", "category", "guided", "measure", "bucket"], name="reports_tally_cell_bucket"
            )
        ]

    def __str__(self):
        return f"{self.kecamatan}/{self.category}/{self.guided} {self.measure}={self.bucket}: {self.n}"


class TallyDirty(models.Model):
    """A cell whose tally a write has made stale (statement triggers, migrations 0004 and 0005).

    One row per cell *and writing transaction*: a mark that merged into an older one could be deleted by
    a recount that ran before the write committed, and the write would then never be counted.
    """

    kecamatan = models.CharField(_("kecamatan"), max_length=8)
    category = models.CharField(_("kategori"), max_length=20)
    guided = models.BooleanField(_("binaan"))
    txid = models.BigIntegerField(_("transaksi"), default=0)

    class Meta:
        verbose_name = _("rekap dasbor yang perlu dihitung ulang")
        verbose_name_plural = _("rekap dasbor yang perlu dihitung ulang")
        constraints = [
            models.UniqueConstraint(
                fields=["kecamatan", "category", "guided", "txid"], name="reports_tallydirty_cell_transaction"
            )
        ]

    def __str__(self):
        return f"{self.kecamatan}/{self.category}/{self.guided}"


class TallyGeneration(models.Model):
    """The summary's generation, one row: it moves when a recount (reports.tally) commits, in the same
    transaction, so dashboard figures cached under it (reports.cache) are never older than the summary."""

    number = models.BigIntegerField(_("generasi"), default=0)
    counted_at = models.DateTimeField(_("dihitung pada"), null=True, blank=True)
    # Drawn afresh by each transaction that moves the number (reports.tally.new_generation): a number is drawn
    # again after a recount that rolled back, a token never, so copies written before a commit that failed
    # (reports.cache.warm writes them inside the recount's transaction) are never read.
    token = models.UUIDField(_("tanda"), db_default=RandomUUID(), editable=False)

    class Meta:
        verbose_name = _("generasi rekap dasbor")
        verbose_name_plural = _("generasi rekap dasbor")

    def __str__(self):
        return str(self.number)


class OfficialCountQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(kabupaten__in=Kabupaten.objects.visible_to(user).values("pk"))


class OfficialCount(models.Model):
    """A count a government body published for a kabupaten and year, loaded from an open-data table.

    One row per kabupaten, year and measure (the table's number column, e.g. `jumlah_umkm`): loading a
    newer table updates the figure in place. reports.official loads them; the dashboard shows them
    beside the registry's own count.
    """

    kabupaten = models.ForeignKey(
        Kabupaten, on_delete=models.PROTECT, related_name="official_counts", verbose_name=_("kabupaten")
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    measure = models.SlugField(_("ukuran"), max_length=60)
    value = models.PositiveBigIntegerField(_("jumlah"))
    unit = models.CharField(_("satuan"), max_length=50, blank=True)
    source = models.CharField(_("sumber"), max_length=200)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    loaded_at = models.DateTimeField(_("dimuat pada"))

    objects = OfficialCountQuerySet.as_manager()

    class Meta:
        ordering = ["kabupaten", "-year", "measure"]
        verbose_name = _("data resmi (open data)")
        verbose_name_plural = _("data resmi (open data)")
        constraints = [
            models.UniqueConstraint(
                fields=["kabupaten", "year", "measure"],
                name="reports_officialcount_one_per_year",
                violation_error_message=_("Angka ini sudah ada untuk kabupaten dan tahun tersebut."),
            )
        ]

    def __str__(self):
        return f"{self.kabupaten} {self.year} {self.measure}: {self.value}"

    @property
    def measure_label(self):
        """The column name as a heading: "jumlah_umkm" reads "Jumlah UMKM"."""
        words = [word.upper() if word in ("umkm", "ukm", "ikm") else word for word in self.measure.split("_")]
        return " ".join(words)[:1].upper() + " ".join(words)[1:]
