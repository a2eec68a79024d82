"""One builder per model: make_<model>(**overrides) fills in whatever a valid row needs."""

import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from programs.models import Bank, BankOfficer
from registry import roles
from registry.models import AreaAssignment, Kabupaten, Kecamatan
from registry.services import load_regions

PASSWORD = "uji-kata-sandi-2026"
_serial = itertools.count(1)


def make_region(code):
    """Load one official region (with its ancestors and children) and return it; cheap and idempotent."""
    load_regions([code])
    model = {5: Kabupaten, 8: Kecamatan}[len(code)]
    return model.objects.get(pk=code)


def make_bank(**overrides):
    n = next(_serial)
    fields = {"short_name": f"Bank Uji {n}", "name": f"PT Bank Uji {n}"} | overrides
    return Bank.objects.create(**fields)


def make_user(role=None, *, kabupaten=None, kecamatan=(), bank=None, **overrides):
    """Create a user with a role (registry.roles key) and its assignments: an area, or a bank."""
    n = next(_serial)
    fields = {"username": f"pengguna{n}", "first_name": "Pengguna", "last_name": f"Uji {n}"} | overrides
    if role == roles.ADMIN:
        fields |= {"is_staff": True, "is_superuser": True}
    user = get_user_model().objects.create_user(password=PASSWORD, **fields)
    if role in (roles.DINAS, roles.COORDINATOR, roles.BANK):
        user.groups.add(Group.objects.get(name=roles.group_name(role)))
    if kabupaten is not None:
        AreaAssignment.objects.create(user=user, kabupaten=kabupaten)
    for one in [kecamatan] if isinstance(kecamatan, Kecamatan) else kecamatan:
        AreaAssignment.objects.create(user=user, kecamatan=one)
    if bank is not None:
        BankOfficer.objects.create(user=user, bank=bank)
    return user
