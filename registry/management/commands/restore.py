from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from registry.backup import restore
from umkm_portal.storage import describe


class Command(BaseCommand):
    help = "Restore a backup made by `backup`: replaces the database's contents, writes its files to the storage."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="The backup folder (with database.dump and media.tar.gz).")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, folder, yes, **options):
        if not yes and input(f"Replace all data with the backup in {folder}? Type 'ya': ").strip() != "ya":
            raise CommandError("Restore cancelled.")
        files = restore(folder)
        self.stdout.write(f"Restored from {folder}: the database and {files} files into {describe(default_storage)}")
