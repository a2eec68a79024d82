from django.apps import AppConfig
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
