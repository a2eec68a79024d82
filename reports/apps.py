from django.apps import AppConfig
from django.db.models.signals import post_migrate
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
        post_migrate.connect(keep_the_generation_row, sender=self, dispatch_uid="reports_generation_row")


def keep_the_generation_row(using="default", **kwargs):
    """The summary's generation row, as migration 0009 made it, after every `migrate` and every `flush` (a
    transactional test's teardown empties the tables, then sends post_migrate): a dashboard without it asks for
    the pending marks in a query of its own, so a query count would depend on the tests before it."""
    from django.db import DEFAULT_DB_ALIAS

    from reports.models import TallyGeneration

    if using == DEFAULT_DB_ALIAS:  # the summary is written where the writers write
        TallyGeneration.objects.get_or_create(pk=1, defaults={"number": 1})
