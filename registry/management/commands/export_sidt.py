import csv

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from registry.exports import sidt_lines
from registry.models import Business, Kecamatan


class Command(BaseCommand):
    """Write the user's area in the national SIDT extract's 49 columns: what the web SIDT export writes."""

    help = "Export businesses in the SIDT columns as the given user would from the web (logged)."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True)
        parser.add_argument("--out", required=True, help="the CSV file to write")
        parser.add_argument("--kecamatan", default="", help="one kecamatan code, e.g. 35.15.12")
        parser.add_argument(
            "--full-identity", action="store_true", help="NIK, birth date and phone in full (needs --reason)"
        )
        parser.add_argument("--reason", default="", help="why personal data goes out in full (logged)")

    def handle(self, *args, user, out, kecamatan, full_identity, reason, **options):
        exporter = get_user_model().objects.filter(username=user, is_active=True).first()
        if exporter is None:
            raise CommandError(f"No active user {user!r}.")
        if not exporter.has_perm("registry.export_sidt"):
            raise CommandError(f"User {user!r} may not export SIDT.")
        reason = " ".join(reason.split())
        if full_identity and len(reason) < 5:
            raise CommandError("--full-identity needs a --reason of at least 5 characters (it is logged).")
        businesses = Business.objects.visible_to(exporter).order_by("pk")
        filters = {}
        if kecamatan:
            if not Kecamatan.objects.visible_to(exporter).filter(pk=kecamatan).exists():
                raise CommandError(f"Kecamatan {kecamatan} is not in {user}'s area.")
            businesses = businesses.filter(kecamatan=kecamatan)
            filters["kecamatan"] = kecamatan
        lines = sidt_lines(
            businesses, user=exporter, filters=filters, full_identity=full_identity, reason=reason, via="command"
        )
        written = 0
        with open(out, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            for line in lines:
                writer.writerow(line)
                written += 1
        self.stdout.write(f"{written - 1} businesses written to {out}")  # the header is not a business
