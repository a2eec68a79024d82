from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from umkm_portal.accounts import issue_enrolment_code


class Command(BaseCommand):
    """Print a one-time code with which a user sets up a new authenticator (their old ones are removed).

    For the operator with shell access: the first admin of a new portal, or an admin whose phone is lost
    when no other admin can issue the code from the user admin."""

    help = "Issue USERNAME a one-time authenticator enrolment code (printed once; the old authenticator is removed)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        code = issue_enrolment_code(user, by=None)
        self.stdout.write(
            f"Enrolment code for {username}: {code} (one use, valid {settings.ENROLMENT_CODE_HOURS} hours)"
        )
