from django.db import models


class WorkerHeartbeat(models.Model):
    """A running worker process (`manage.py run_worker`), and when it last said it was alive.

    A task whose worker has been silent for WORKER_LOST_SECONDS is given to another worker
    (umkm_portal.worker.requeue_lost_tasks); /healthz reports the newest heartbeat."""

    worker_id = models.CharField("worker", max_length=64, primary_key=True)
    host = models.CharField("host", max_length=200)
    pid = models.PositiveIntegerField("pid")
    started_at = models.DateTimeField("mulai", auto_now_add=True)
    beat_at = models.DateTimeField("terakhir hidup", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "worker"

    def __str__(self):
        return f"{self.worker_id} ({self.host}:{self.pid})"


class ScheduledRun(models.Model):
    """One run of a scheduled job (umkm_portal.schedule): the unique (name, slot) makes each slot run once,
    however many workers look at the clock."""

    name = models.CharField("jadwal", max_length=50)
    slot = models.DateTimeField("waktu jadwal")
    task_id = models.CharField("tugas", max_length=64, blank=True)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "jadwal yang dijalankan"
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="portal_scheduledrun_once")]

    def __str__(self):
        return f"{self.name} {self.slot:%Y-%m-%d %H:%M:%S}"
