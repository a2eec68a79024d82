from django.core.management.base import BaseCommand

from registry.backup import backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump) and the uploaded files into a new folder."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="var/backups", help="Where to create the backup folder.")

    def handle(self, *args, output, **options):
        folder = backup(output)
        self.stdout.write(f"Backup written to {folder}")
