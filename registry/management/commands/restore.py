from django.core.management.base import BaseCommand, CommandError

from registry.backup import restore


class Command(BaseCommand):
    help = "Restore a backup made by `backup`: replaces the database's contents and the uploaded files."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="The backup folder (with database.dump and media.tar.gz).")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, folder, yes, **options):
        if not yes and input(f"Replace all data with the backup in {folder}? Type 'ya': ").strip() != "ya":
            raise CommandError("Restore cancelled.")
        restore(folder)
        self.stdout.write(f"Restored from {folder}")
