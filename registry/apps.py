from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registri UMKM")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from registry.background import fail_job_with_its_task
        from registry.import_jobs import mark_check_failed, mark_failed, mark_read_failed
        from registry.models import AreaAssignment, forget_area_codes
        from registry.roles import sync_role_groups
        from registry.tasks import check_import, import_batch, read_import
        from umkm_portal.middleware import start_idle_clock

        # After every app's migrations, so the permissions of apps migrated later exist too.
        post_migrate.connect(sync_role_groups, dispatch_uid="registry_sync_role_groups")
        user_logged_in.connect(start_idle_clock, dispatch_uid="umkm_portal_start_idle_clock")
        fail_job_with_its_task(import_batch, mark_failed)
        fail_job_with_its_task(read_import, mark_read_failed)
        fail_job_with_its_task(check_import, mark_check_failed)
        post_save.connect(forget_area_codes, sender=AreaAssignment, dispatch_uid="registry_forget_area_on_save")
        post_delete.connect(forget_area_codes, sender=AreaAssignment, dispatch_uid="registry_forget_area_on_delete")
