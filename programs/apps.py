from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Program pembinaan"

    def ready(self):
        from programs import catalogue_entries
        from programs.catalogue_files import mark_failed
        from programs.tasks import build_catalogue_file
        from registry.background import fail_job_with_its_task

        fail_job_with_its_task(build_catalogue_file, mark_failed)
        catalogue_entries.connect()
