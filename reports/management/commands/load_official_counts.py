from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reports.services import load_official_counts


class Command(BaseCommand):
    help = "Load an open-data table of counts per kabupaten and year (.csv or .xlsx) as official counts."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the table: kode_kabupaten_kota, nama_kabupaten_kota, <measure>, tahun ...")
        parser.add_argument("--user", help="load as this user (a dinas loads only its kabupaten); default: an admin")
        parser.add_argument("--dry-run", action="store_true", help="check and report, then roll back")

    def handle(self, *args, file, user, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: berkas tidak ada.")
        by = self._user(user)
        with transaction.atomic():
            try:
                result = load_official_counts(path.read_bytes(), filename=path.name, by=by)
            except ValidationError as error:
                for message in error.messages:
                    self.stderr.write(message)
                raise CommandError(f"{path.name}: nothing loaded ({len(error.messages)} errors).") from None
            if dry_run:
                transaction.set_rollback(True)
        for message in result.refused:
            self.stdout.write(message)
        self.stdout.write(result.summary() + (" (dry run: rolled back)" if dry_run else ""))

    def _user(self, username):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"Pengguna {username} tidak ada.")
            return user
        user = users.filter(is_superuser=True).order_by("pk").first()
        if user is None:
            raise CommandError("Belum ada admin: sebutkan --user.")
        return user
