from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """A running worker process (`manage.py run_worker`), and when it last said it was alive.

    A task whose worker has been silent for WORKER_LOST_SECONDS is given to another worker
    (umkm_portal.worker.requeue_lost_tasks); /healthz reports the newest heartbeat."""

    worker_id = models.CharField(_("worker"), max_length=64, primary_key=True)
    host = models.CharField(_("host"), max_length=200)
    pid = models.PositiveIntegerField(_("pid"))
    started_at = models.DateTimeField(_("mulai"), auto_now_add=True)
    beat_at = models.DateTimeField(_("terakhir hidup"), db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = _("worker")

    def __str__(self):
        return f"{self.worker_id} ({self.host}:{self.pid})"


class ScheduledRun(models.Model):
    """One run of a scheduled job (umkm_portal.schedule): the unique (name, slot) makes each slot run once,
    however many workers look at the clock."""

    name = models.CharField(_("jadwal"), max_length=50)
    slot = models.DateTimeField(_("waktu jadwal"))
    task_id = models.CharField(_("tugas"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("jadwal yang dijalankan")
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="portal_scheduledrun_once")]

    def __str__(self):
        return f"{self.name} {self.slot:%Y-%m-%d %H:%M:%S}"


class PasswordResetRequest(models.Model):
    """One accepted request for a password-reset e-mail, whether or not the address has an account.

    The recent rows limit requests per e-mail address and per client address (umkm_portal.accounts), in the
    database every node shares, as django-axes keeps login failures; the address is kept only as a digest."""

    email_digest = models.CharField(_("digest alamat e-mail"), max_length=64)
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    requested_at = models.DateTimeField(_("diminta"), default=timezone.now)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = verbose_name_plural = _("permintaan atur ulang kata sandi")
        indexes = [
            models.Index(fields=["email_digest", "requested_at"], name="portal_reset_by_email"),
            models.Index(fields=["ip_address", "requested_at"], name="portal_reset_by_ip"),
        ]

    def __str__(self):
        return f"{self.ip_address} {self.requested_at:%Y-%m-%d %H:%M:%S}"


class EnrolmentCode(models.Model):
    """A one-time code an admin gives a person so that they may set up an authenticator app (their second factor).

    Only a SHA-256 digest of the code is stored; the code is shown once, to the admin who issued it. It is
    spent by its first use and worthless after `expires_at` (umkm_portal.accounts.redeem_enrolment_code)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_codes", verbose_name=_("pengguna")
    )
    code_digest = models.CharField(_("digest kode"), max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diterbitkan oleh"),
    )
    created_at = models.DateTimeField(_("diterbitkan"), auto_now_add=True)
    expires_at = models.DateTimeField(_("berlaku sampai"))
    used_at = models.DateTimeField(_("dipakai"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = _("kode pendaftaran autentikator")

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class RateCount(models.Model):
    """How many requests one client address made in the current window of one rate limit (umkm_portal.limits),
    when the shared cache is the database's: counted in one statement, exactly, on every node.

    The key is a keyed digest of the limit and the address, so the table holds no address. Unlogged
    (portal 0003), like the database cache: after a crash the counts start again, as after a Redis restart.
    Rows of ended windows are pruned daily (umkm_portal.tasks.prune)."""

    key = models.CharField(_("kunci"), max_length=64, primary_key=True)
    window_ends_at = models.DateTimeField(_("jendela berakhir"))
    hits = models.PositiveIntegerField(_("jumlah permintaan"))

    class Meta:
        ordering = ["-window_ends_at"]
        verbose_name = verbose_name_plural = _("hitungan batas permintaan")

    def __str__(self):
        return f"{self.key[:12]} {self.hits}"
