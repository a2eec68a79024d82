from django.core.management.base import BaseCommand

from reports.jobs import run_pending


class Command(BaseCommand):
    help = "Make the files of queued background exports, and restart ones whose process died."

    def handle(self, *args, **options):
        count = run_pending()
        self.stdout.write(f"{count} berkas laporan dibuat.")
