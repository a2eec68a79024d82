from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from registry.backup import backup
from umkm_portal.storage import describe


class Command(BaseCommand):
    help = "Back up the database (pg_dump) and every stored file (local folder or S3 bucket) into a new folder."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="var/backups", help="Where to create the backup folder.")

    def handle(self, *args, output, **options):
        folder, files = backup(output)
        self.stdout.write(
            f"Backup written to {folder}: the database and {files} files from {describe(default_storage)}"
        )
