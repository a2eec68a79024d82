"""The programs' part of the demo data: banks and their liaison officers."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from faker import Faker

from programs.models import Bank, BankOfficer
from registry import roles
from registry.demo import DEMO_PASSWORD

DEMO_BANKS = [
    ("BRI", "PT Bank Rakyat Indonesia (Persero) Tbk"),
    ("Bank Jatim", "PT Bank Pembangunan Daerah Jawa Timur Tbk"),
    ("Bank Jateng", "PT Bank Pembangunan Daerah Jawa Tengah"),
    ("BPR Delta Artha", "PT BPR Delta Artha Sidoarjo"),
    ("BSI", "PT Bank Syariah Indonesia Tbk"),
]
DEMO_BANK_OFFICERS = {"bank.bri": "BRI", "bank.jatim": "Bank Jatim"}


@transaction.atomic
def load_demo_banks(seed=2026):
    """Create the demo banks and one liaison officer each for BRI and Bank Jatim. Idempotent."""
    fake = Faker("id_ID")
    fake.seed_instance(seed + 1)
    for short_name, name in DEMO_BANKS:
        Bank.objects.update_or_create(short_name=short_name, defaults={"name": name})
    group = Group.objects.get(name=roles.group_name(roles.BANK))
    for username, short_name in DEMO_BANK_OFFICERS.items():
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": fake.first_name(), "last_name": fake.last_name()}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(group)
        BankOfficer.objects.get_or_create(user=user, defaults={"bank": Bank.objects.get(short_name=short_name)})


def demo_bank_logins():
    """Return (role label, username, bank) for the demo bank officers that exist."""
    officers = BankOfficer.objects.filter(user__username__in=DEMO_BANK_OFFICERS).select_related("user", "bank")
    return [
        (roles.ROLE_LABELS[roles.BANK], o.user.username, o.bank.short_name) for o in officers.order_by("user__username")
    ]
