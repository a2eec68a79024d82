"""umkm_portal.security.PermissionBackend: Django's ModelBackend with a user's own and their groups'
permissions read in one query, with the group names the role comes from; it must answer exactly as
ModelBackend and the user's groups do."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.urls import reverse

from registry import roles
from tests.factories import make_user
from umkm_portal.security import PermissionBackend, groups_and_permissions


def _fresh(user):
    """The user read again, without the permission caches a backend leaves on the instance."""
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize(
    "role", [roles.ADMIN, roles.DINAS, roles.COORDINATOR, roles.BANK, roles.GROUP_COORDINATOR, None]
)
def test_every_role_holds_what_django_s_model_backend_gives(role, kab_sidoarjo, kec_a, bank):
    extra = {"kabupaten": kab_sidoarjo} if role == roles.DINAS else {}
    extra |= {"kecamatan": kec_a} if role in (roles.COORDINATOR, roles.GROUP_COORDINATOR) else {}
    extra |= {"bank": bank} if role == roles.BANK else {}
    user = make_user(role, username=f"uji.{role}", **extra)
    user.user_permissions.add(Permission.objects.get(codename="view_bank"))  # one of the user's own too

    mine, django = (
        PermissionBackend().get_all_permissions(_fresh(user)),
        ModelBackend().get_all_permissions(_fresh(user)),
    )

    assert mine == django
    assert "programs.view_bank" in mine
    assert len(mine) > 1 or role is None


def test_an_inactive_or_anonymous_user_or_an_object_holds_nothing(dinas_sidoarjo, kec_a):
    from django.contrib.auth.models import AnonymousUser

    from tests.factories import make_business

    business = make_business(kec_a)

    backend = PermissionBackend()
    assert backend.get_all_permissions(_fresh(dinas_sidoarjo), obj=business) == set()
    assert backend.get_all_permissions(AnonymousUser()) == set()
    dinas_sidoarjo.is_active = False
    dinas_sidoarjo.save()
    assert backend.get_all_permissions(_fresh(dinas_sidoarjo)) == set()


@pytest.mark.parametrize("role", [roles.DINAS, roles.COORDINATOR, roles.BANK, roles.GROUP_COORDINATOR, None])
def test_the_group_names_are_the_user_s_groups_and_give_the_role(role, kab_sidoarjo, kec_a, bank):
    extra = {"kabupaten": kab_sidoarjo} if role == roles.DINAS else {}
    extra |= {"kecamatan": kec_a} if role in (roles.COORDINATOR, roles.GROUP_COORDINATOR) else {}
    extra |= {"bank": bank} if role == roles.BANK else {}
    user = make_user(role, username=f"uji.{role}", **extra)

    names, _permissions = groups_and_permissions(_fresh(user))

    assert sorted(names) == sorted(user.groups.values_list("name", flat=True))
    assert roles.role_of(_fresh(user)) == role


def test_a_page_reads_the_role_and_permissions_in_one_query(client, dinas_sidoarjo):
    client.force_login(dinas_sidoarjo)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("registry:business_list"))

    assert response.status_code == 200
    permission_reads = [q["sql"] for q in queries.captured_queries if 'FROM "auth_permission"' in q["sql"]]
    assert len(permission_reads) == 1, permission_reads
    group_reads = [q["sql"] for q in queries.captured_queries if 'FROM "auth_group"' in q["sql"]]
    assert group_reads == permission_reads  # the same statement
