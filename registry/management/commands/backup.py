from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from registry.backup import backup
from registry.sealed import generate_key as new_key
from umkm_portal.storage import describe


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump) and every stored file (local folder or S3 bucket) into a new folder, "
        "0700 with 0600 files, encrypted when BACKUP_KEY is set."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default="var/backups", help="Where to create the backup folder.")
        parser.add_argument(
            "--generate-key", action="store_true", help="Print a new BACKUP_KEY and exit (keep it off the server)."
        )

    def handle(self, *args, output, generate_key, **options):
        if generate_key:
            self.stdout.write(new_key())
            return
        folder, files = backup(output)
        sealed = "encrypted with BACKUP_KEY" if settings.BACKUP_KEY else "NOT encrypted (BACKUP_KEY is not set)"
        self.stdout.write(
            f"Backup written to {folder}, {sealed}: the database and {files} files from {describe(default_storage)}"
        )
