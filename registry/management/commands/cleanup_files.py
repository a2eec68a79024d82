from django.core.management.base import BaseCommand

from registry.cleanup import cleanup_files


class Command(BaseCommand):
    help = (
        "Delete stored files nobody needs: import files older than IMPORT_FILE_RETENTION_DAYS, export files "
        "older than EXPORT_FILE_RETENTION_DAYS, and files no row names that are more than a day old."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be deleted.")

    def handle(self, *args, dry_run, **options):
        counts = cleanup_files(dry_run=dry_run)
        verb = "akan dihapus" if dry_run else "dihapus"
        self.stdout.write(
            f"{counts['imports']} berkas impor, {counts['exports']} berkas ekspor, "
            f"{counts['orphans']} berkas tanpa pemilik {verb}."
        )
