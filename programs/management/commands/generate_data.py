from django.core.management.base import BaseCommand

from programs.synthetic import generate


class Command(BaseCommand):
    help = "Fill the database with realistic synthetic members and program records (for the benchmark)."

    def add_arguments(self, parser):
        parser.add_argument("--businesses", type=int, default=100_000, help="how many businesses in total")

    def handle(self, *args, businesses, **options):
        generate(businesses, say=self.stdout.write)
