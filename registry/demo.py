"""The registry's part of the demo data: regions' demo staff in the five source districts."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from faker import Faker

from registry import roles
from registry.models import AreaAssignment, Kabupaten, Kecamatan

DEMO_PASSWORD = "demo-umkm-2026"

# The five districts of the source articles, and the kecamatan they name.
SOURCE_KABUPATEN = ["35.15", "35.29", "33.16", "35.10", "35.24"]
DEMO_DINAS = {
    "dinas.sidoarjo": "35.15",
    "dinas.sumenep": "35.29",
    "dinas.blora": "33.16",
    "dinas.banyuwangi": "35.10",
    "dinas.lamongan": "35.24",
}
DEMO_COORDINATORS = {
    "koordinator.balongbendo": "35.15.12",
    "koordinator.krian": "35.15.11",
    "koordinator.dasuk": "35.29.14",
    "koordinator.kabat": "35.10.14",
    "koordinator.paciran": "35.24.14",
}


def _user(username, fake, **extra):
    """Create the demo user once; a later run leaves it (and a password it changed) alone."""
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": fake.first_name(), "last_name": fake.last_name(), **extra}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def load_demo_staff(seed=2026):
    """Create the admin, dinas staff per source kabupaten and coordinators per named kecamatan.

    Needs the regions of the five source districts (load_regions). Idempotent.
    """
    fake = Faker("id_ID")
    fake.seed_instance(seed)
    _user("admin", fake, is_staff=True, is_superuser=True)
    dinas_group = Group.objects.get(name=roles.group_name(roles.DINAS))
    coordinator_group = Group.objects.get(name=roles.group_name(roles.COORDINATOR))
    for username, code in DEMO_DINAS.items():
        user = _user(username, fake)
        user.groups.add(dinas_group)
        AreaAssignment.objects.get_or_create(user=user, kabupaten=Kabupaten.objects.get(code=code))
    for username, code in DEMO_COORDINATORS.items():
        user = _user(username, fake)
        user.groups.add(coordinator_group)
        AreaAssignment.objects.get_or_create(user=user, kecamatan=Kecamatan.objects.get(code=code))


def demo_logins():
    """Return (role label, username, area) for every demo user that exists, in a stable order."""
    users = get_user_model().objects.filter(username__in=["admin", *DEMO_DINAS, *DEMO_COORDINATORS])
    rows = []
    for user in users.prefetch_related("area_assignments__kabupaten", "area_assignments__kecamatan").order_by(
        "username"
    ):
        areas = ", ".join(str(a.area) for a in user.area_assignments.all()) or "semua wilayah"
        rows.append((roles.ROLE_LABELS[roles.role_of(user)], user.username, areas))
    return rows
