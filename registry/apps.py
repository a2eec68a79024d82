from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Registri UMKM"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.tasks.signals import task_finished

        from registry.models import AreaAssignment, forget_area_codes
        from registry.roles import sync_role_groups
        from registry.tasks import mark_failed_job
        from umkm_portal.middleware import start_idle_clock

        # After every app's migrations, so the permissions of apps migrated later exist too.
        post_migrate.connect(sync_role_groups, dispatch_uid="registry_sync_role_groups")
        user_logged_in.connect(start_idle_clock, dispatch_uid="umkm_portal_start_idle_clock")
        task_finished.connect(mark_failed_job, dispatch_uid="registry_mark_failed_job")
        post_save.connect(forget_area_codes, sender=AreaAssignment, dispatch_uid="registry_forget_area_on_save")
        post_delete.connect(forget_area_codes, sender=AreaAssignment, dispatch_uid="registry_forget_area_on_delete")
