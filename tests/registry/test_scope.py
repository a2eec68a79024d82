import pytest
from django.contrib.auth.models import AnonymousUser

from registry import roles
from registry.models import AreaAssignment, Desa, Kabupaten, Kecamatan
from tests.factories import make_region, make_user


def codes(queryset):
    return set(queryset.values_list("pk", flat=True))


def test_coordinator_sees_only_own_kecamatan(coordinator_a, kec_a, kec_b, kec_other_kabupaten):
    assert codes(Kecamatan.objects.within_areas_of(coordinator_a)) == {kec_a.pk}


def test_coordinator_with_two_kecamatan_sees_both(kec_a, kec_b, kec_other_kabupaten):
    user = make_user(roles.COORDINATOR, kecamatan=[kec_a, kec_b])

    assert codes(Kecamatan.objects.within_areas_of(user)) == {kec_a.pk, kec_b.pk}


def test_dinas_sees_every_kecamatan_of_the_kabupaten_and_nothing_outside(dinas_sidoarjo, kec_other_kabupaten):
    visible = codes(Kecamatan.objects.within_areas_of(dinas_sidoarjo))

    assert visible == codes(Kecamatan.objects.filter(kabupaten_id="35.15"))
    assert kec_other_kabupaten.pk not in visible


def test_dinas_of_another_kabupaten_sees_none_of_sidoarjo(dinas_other, kec_a, kec_other_kabupaten):
    assert codes(Kecamatan.objects.within_areas_of(dinas_other)) == {kec_other_kabupaten.pk}


def test_overlapping_assignments_never_duplicate_a_kecamatan(kab_sidoarjo, kec_a):
    user = make_user(roles.DINAS, kabupaten=kab_sidoarjo, kecamatan=[kec_a])

    visible = Kecamatan.objects.within_areas_of(user)

    assert visible.count() == len(codes(visible))


@pytest.mark.parametrize("who", ["unassigned_user", "bank_officer"])
def test_users_without_an_area_see_nothing(request, kec_a, who):
    user = request.getfixturevalue(who)

    assert not Kecamatan.objects.within_areas_of(user).exists()
    assert not Desa.objects.visible_to(user).exists()
    assert not Kabupaten.objects.visible_to(user).exists()


def test_anonymous_and_inactive_users_see_nothing(coordinator_a):
    coordinator_a.is_active = False

    assert not Kecamatan.objects.within_areas_of(AnonymousUser()).exists()
    assert not Kecamatan.objects.within_areas_of(coordinator_a).exists()


def test_admin_sees_everything(portal_admin, kec_a, kec_other_kabupaten):
    assert codes(Kecamatan.objects.within_areas_of(portal_admin)) == codes(Kecamatan.objects.all())


def test_desa_and_kabupaten_follow_the_kecamatan_scope(coordinator_a, kec_a, kec_b):
    assert codes(Desa.objects.visible_to(coordinator_a)) == codes(kec_a.desa_set.all())
    assert codes(Kabupaten.objects.visible_to(coordinator_a)) == {"35.15"}


def test_removing_the_assignment_removes_the_access(coordinator_a, kec_a):
    AreaAssignment.objects.filter(user=coordinator_a).delete()

    assert not Kecamatan.objects.within_areas_of(coordinator_a).exists()


def test_an_assignment_names_exactly_one_area(kec_a):
    user = make_user(roles.COORDINATOR)
    both = AreaAssignment(user=user, kabupaten=kec_a.kabupaten, kecamatan=kec_a)
    neither = AreaAssignment(user=user)

    for assignment in (both, neither):
        with pytest.raises(Exception, match="Pilih satu wilayah"):
            assignment.full_clean()


def test_role_of_reads_the_group(coordinator_a, dinas_sidoarjo, bank_officer, portal_admin, unassigned_user):
    assert roles.role_of(coordinator_a) == roles.COORDINATOR
    assert roles.role_of(dinas_sidoarjo) == roles.DINAS
    assert roles.role_of(bank_officer) == roles.BANK
    assert roles.role_of(portal_admin) == roles.ADMIN
    assert roles.role_of(make_user()) is None
    assert roles.role_of(AnonymousUser()) is None


def test_role_groups_hold_exactly_their_permissions(db):
    from django.contrib.auth.models import Group

    for role, perms in roles.ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=roles.group_name(role))
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert held == set(perms)


def test_make_region_helper_loads_real_codes(db):
    assert make_region("35.29.14").name == "Dasuk"


def test_the_area_is_read_once_per_user_object_and_again_after_an_assignment_changes(
    kec_a, kec_b, django_assert_num_queries
):
    from registry.models import Business
    from tests.factories import make_business

    user = make_user(roles.COORDINATOR, kecamatan=kec_a)
    mine, theirs = make_business(kec_a), make_business(kec_b)
    with django_assert_num_queries(4):  # the area once, the role once (a group coordinator?), then each list
        assert set(Business.objects.visible_to(user)) == {mine}
        assert codes(Kecamatan.objects.visible_to(user)) == {kec_a.pk}

    added = AreaAssignment.objects.create(user=user, kecamatan=kec_b)
    assert set(Business.objects.visible_to(user)) == {mine, theirs}
    added.delete()
    assert set(Business.objects.visible_to(user)) == {mine}
