from django.core.management.base import BaseCommand

from registry.import_jobs import run_pending


class Command(BaseCommand):
    help = "Run queued imports, and restart ones whose process died (the upsert makes a rerun safe)."

    def handle(self, *args, **options):
        count = run_pending()
        self.stdout.write(f"{count} impor dijalankan.")
