from django.core.management.base import BaseCommand

from reports import tally


class Command(BaseCommand):
    help = "Recount the dashboard summary cells that writes have marked (--all: every cell, e.g. after a restore)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="recount every cell, not only the marked ones")

    def handle(self, *args, **options):
        if options["all"]:
            tally.rebuild()
            self.stdout.write("Semua rekap dasbor dihitung ulang.")
        else:
            self.stdout.write(f"{tally.refresh()} sel rekap dasbor dihitung ulang.")
