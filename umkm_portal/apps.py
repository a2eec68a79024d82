from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The project's own models: what the worker processes share (heartbeats, scheduled runs)."""

    name = "umkm_portal"
    label = "portal"
    verbose_name = "Portal"

    def ready(self):
        from django.tasks.signals import task_finished

        from umkm_portal.worker import log_failed_task

        task_finished.connect(log_failed_task, dispatch_uid="portal_log_failed_task")
