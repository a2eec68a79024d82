import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from registry.models import AreaAssignment


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_admin_changelist_and_add_page_open(client, portal_admin, kec_a, model):
    client.force_login(portal_admin)
    info = (model._meta.app_label, model._meta.model_name)

    # Some records enter only through services (photos, logs, referrals): their admin has no add page.
    request = RequestFactory().get("/admin/")
    request.user = portal_admin
    read_only = not admin.site._registry[model].has_add_permission(request)

    assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == (403 if read_only else 200)


def test_admin_assigns_an_area_on_the_user_page(client, portal_admin, coordinator_b, kec_a):
    client.force_login(portal_admin)
    url = reverse("admin:auth_user_change", args=[coordinator_b.pk])
    assignment = coordinator_b.area_assignments.get()
    data = {
        "username": coordinator_b.username,
        "first_name": "Budi",
        "last_name": "Santoso",
        "email": "",
        "is_active": "on",
        "groups": [g.pk for g in coordinator_b.groups.all()],
        "date_joined_0": "2026-11-01",
        "date_joined_1": "08:00:00",
        "area_assignments-TOTAL_FORMS": "2",
        "area_assignments-INITIAL_FORMS": "1",
        "area_assignments-0-id": assignment.pk,
        "area_assignments-0-user": coordinator_b.pk,
        "area_assignments-0-kecamatan": assignment.kecamatan_id,
        "area_assignments-1-user": coordinator_b.pk,
        "area_assignments-1-kecamatan": kec_a.pk,
        "bank_officer-TOTAL_FORMS": "0",
        "bank_officer-INITIAL_FORMS": "0",
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(AreaAssignment.objects.filter(user=coordinator_b).values_list("kecamatan", flat=True)) == {
        "35.15.11",
        kec_a.pk,
    }


@pytest.mark.parametrize("who", ["dinas_sidoarjo", "coordinator_a", "bank_officer"])
def test_only_admins_reach_django_admin(request, client, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_records_only_services_write_open_read_only_without_their_personal_data(client, portal_admin, kec_a):
    from django.core.files.base import ContentFile

    from registry.models import ImportBatch, MergeRecord
    from tests.factories import make_owner

    owner = make_owner(kec_a)
    batch = ImportBatch(user=portal_admin, filename="anggota.csv", total_rows=1)
    batch.file.save("anggota.csv", ContentFile(b"NIK\n" + owner.nik.encode()), save=False)
    batch.save()
    merge = MergeRecord.objects.create(
        kind="owner", survivor_id=1, removed_id=2, removed_data={"nik": owner.nik}, merged_by=portal_admin
    )
    client.force_login(portal_admin)

    pages = [
        client.get(reverse("admin:registry_importbatch_change", args=[batch.pk])),
        client.get(reverse("admin:registry_mergerecord_change", args=[merge.pk])),
    ]

    for page in pages:
        assert page.status_code == 200
        assert owner.nik not in page.content.decode()
        assert 'name="_save"' not in page.content.decode()  # read only: nothing to save
    assert batch.file.name not in pages[0].content.decode()


def test_the_admins_business_page_sets_groups_through_the_service(rf, portal_admin, kec_a):
    """Group membership has one writer (registry.services.set_groups), the admin's business page too."""
    from django.contrib.admin import site
    from django.forms.models import model_to_dict

    from registry.models import Business, BusinessGroup
    from tests.factories import make_business

    business = make_business(kec_a)
    group = BusinessGroup.objects.create(name="Klaster batik", kecamatan=kec_a)
    request = rf.post("/")
    request.user = portal_admin
    model_admin = site.get_model_admin(Business)
    form_class = model_admin.get_form(request, business, change=True)
    data = {
        key: value for key, value in model_to_dict(business, fields=form_class.base_fields).items() if value is not None
    }
    form = form_class(data | {"groups": [group.pk]}, instance=business)
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, change=True)

    model_admin.save_related(request, form, [], change=True)

    assert list(business.groups.all()) == [group]
