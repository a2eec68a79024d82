import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from registry.services import purge_deleted


class Command(BaseCommand):
    help = "Destroy businesses and owners soft-deleted longer ago than the retention period, with their history."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.DELETED_RETENTION_DAYS, help="Retention period.")

    def handle(self, *args, days, **options):
        purged, owners, kept = purge_deleted(older_than=timezone.now() - datetime.timedelta(days=days))
        self.stdout.write(f"{purged} usaha dan {owners} pemilik dihapus permanen.")
        for business in kept:
            self.stdout.write(f"Disimpan (masih dirujuk catatan program): {business.pk} {business.name}")
