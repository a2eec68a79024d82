from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from programs.demo import (
    demo_bank_logins,
    load_demo_banks,
    load_demo_catalogue,
    load_demo_curation,
    load_demo_events,
    load_demo_exports,
    load_demo_inquiries,
    load_demo_referrals,
    load_demo_trainings,
)
from registry.demo import DEMO_PASSWORD, SOURCE_KABUPATEN, demo_logins, load_demo_members, load_demo_staff
from registry.models import Kabupaten


class Command(BaseCommand):
    """Fill the five source districts with demo records and one demo user per role, then list the logins."""

    help = "Load realistic demo data for Sidoarjo, Sumenep, Blora, Banyuwangi and Lamongan (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="allow it with DEBUG off (never on a real server)")
        parser.add_argument("--dry-run", action="store_true", help="load, report, then roll back")
        parser.add_argument("--members", type=int, default=30, help="extra members per kabupaten (default 30)")

    def handle(self, *args, force, dry_run, members, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo accounts have a published password: refusing with DEBUG off (use --force).")
        missing = set(SOURCE_KABUPATEN) - set(
            Kabupaten.objects.filter(code__in=SOURCE_KABUPATEN).values_list("pk", flat=True)
        )
        if missing:
            raise CommandError(f"Load the regions first: manage.py load_regions {' '.join(sorted(missing))}")
        with transaction.atomic():
            load_demo_staff()
            members = load_demo_members(per_kabupaten=members)
            load_demo_banks()
            referrals = load_demo_referrals()
            trainings = load_demo_trainings()
            calls = load_demo_curation()
            exports = load_demo_exports()
            listings = load_demo_catalogue()
            inquiries = load_demo_inquiries()
            events = load_demo_events()
            rows = demo_logins() + demo_bank_logins()
            if dry_run:
                transaction.set_rollback(True)
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        width = max(len(username) for _, username, _ in rows)
        for role, username, area in rows:
            self.stdout.write(f"  {username:<{width}}  {role:<22} {area}")
        self.stdout.write(
            f"{len(rows)} demo users ready; added {members} members, {referrals} bank referrals, "
            f"{trainings} trainings, {calls} curation calls, {exports} facilitated exports, "
            f"{listings} catalogue listings, {inquiries} buyer inquiries, {events} selling events"
            f"{' (dry run, rolled back)' if dry_run else ''}"
        )
