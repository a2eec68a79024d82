from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Dasbor dan laporan"

    def ready(self):
        from django.tasks.signals import task_finished

        from registry.signals import import_finished
        from reports.tally import refresh_after_import
        from reports.tasks import mark_failed_job

        import_finished.connect(refresh_after_import, dispatch_uid="reports_tally_after_import")
        task_finished.connect(mark_failed_job, dispatch_uid="reports_mark_failed_job")
