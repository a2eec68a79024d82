from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Program pembinaan")

    def ready(self):
        from programs import catalogue_entries
        from programs.catalogue_files import mark_failed
        from programs.tasks import build_catalogue_file
        from registry.background import fail_job_with_its_task

        fail_job_with_its_task(build_catalogue_file, mark_failed)
        catalogue_entries.connect()
        post_migrate.connect(fill_catalogue_after_migrate, sender=self, dispatch_uid="programs_fill_catalogue")


def fill_catalogue_after_migrate(using="default", **kwargs):
    """A catalogue with public listings but no entries (a database migrated from before programs 0021) gets its
    entries and words once `migrate` has run every migration, so the live code reads the schema it was written
    for. Two cheap queries on every other `migrate` (and on a test's flush)."""
    from django.db import DEFAULT_DB_ALIAS

    from programs import catalogue_entries
    from programs.models import CatalogueEntry, Listing

    if using != DEFAULT_DB_ALIAS:  # the entries are written where the catalogue's writers write
        return
    if not CatalogueEntry.objects.exists() and Listing.objects.public().exists():
        catalogue_entries.rebuild()
