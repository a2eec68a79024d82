from django.core.management.base import BaseCommand

from programs import catalogue_entries


class Command(BaseCommand):
    help = "Hitung ulang entri katalog publik dari produk yang tampil (semua, atau satu kabupaten)."

    def add_arguments(self, parser):
        parser.add_argument("--kabupaten", help="Kode kabupaten, misalnya 35.15")

    def handle(self, *args, kabupaten=None, **options):
        count = catalogue_entries.rebuild(kabupaten)
        self.stdout.write(f"{count} entri katalog")
