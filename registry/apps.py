from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Registri UMKM"

    def ready(self):
        from registry.roles import sync_role_groups

        # After every app's migrations, so the permissions of apps migrated later exist too.
        post_migrate.connect(sync_role_groups, dispatch_uid="registry_sync_role_groups")
