from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Dasbor dan laporan")

    def ready(self):
        from registry.background import fail_job_with_its_task
        from registry.signals import import_finished
        from reports.jobs import mark_failed
        from reports.tally import refresh_after_import
        from reports.tasks import make_report

        import_finished.connect(refresh_after_import, dispatch_uid="reports_tally_after_import")
        fail_job_with_its_task(make_report, mark_failed)
