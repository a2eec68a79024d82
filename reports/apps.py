from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Dasbor dan laporan"

    def ready(self):
        from registry.signals import import_finished
        from reports.tally import refresh_after_import

        import_finished.connect(refresh_after_import, dispatch_uid="reports_tally_after_import")
