import json

from django.urls import reverse

from registry.models import AccessLog
from registry.services import update_owner
from tests.factories import make_business


def test_admin_sees_who_saw_a_person_and_downloads_their_data(client, portal_admin, dinas_sidoarjo, kec_a):
    business = make_business(kec_a, name="Kue Lumpur Bu Sri")
    owner = business.owner
    client.force_login(dinas_sidoarjo)
    client.get(reverse("registry:business_detail", args=[business.pk]))
    client.post(reverse("registry:owner_reveal_nik", args=[business.pk]), {"reason": "Pencocokan data KUR"})
    client.force_login(portal_admin)

    page = client.get(reverse("admin:registry_owner_subject", args=[owner.pk]))
    download = client.get(reverse("admin:registry_owner_subject", args=[owner.pk]), {"format": "json"})

    html = page.content.decode()
    assert page.status_code == 200
    assert dinas_sidoarjo.username in html
    assert "Pencocokan data KUR" in html
    report = json.loads(download.content)
    assert download["Content-Disposition"] == f'attachment; filename="data-pribadi-{owner.pk}.json"'
    assert report["pemilik"]["nik"] == owner.nik
    assert [b["nama"] for b in report["usaha"]] == ["Kue Lumpur Bu Sri"]
    assert {row["pengguna"] for row in report["akses"]} >= {dinas_sidoarjo.username}
    assert report["perubahan"][0]["jenis"] == "dibuat"
    # Producing someone's data is itself logged.
    assert AccessLog.objects.filter(user=portal_admin, object_type="owner", action="export").exists()


def test_the_subject_report_is_for_admins_only(client, dinas_sidoarjo, kec_a):
    owner = make_business(kec_a).owner
    client.force_login(dinas_sidoarjo)

    response = client.get(reverse("admin:registry_owner_subject", args=[owner.pk]))

    assert response.status_code == 302  # to the admin login: dinas staff are not staff
    assert not AccessLog.objects.filter(object_type="owner").exists()


def test_admin_changelist_and_history_show_no_full_nik_or_phone(client, portal_admin, coordinator_a, kec_a):
    business = make_business(kec_a)
    owner = business.owner
    old_nik, old_phone = owner.nik, owner.phone
    owner.phone = "+6281398765432"
    update_owner(owner, by=coordinator_a, version=owner.version)
    client.force_login(portal_admin)

    changelist = client.get(reverse("admin:registry_owner_changelist")).content.decode()
    history = client.get(reverse("admin:registry_owner_history", args=[owner.pk])).content.decode()

    for html in (changelist, history):
        assert old_nik not in html
        assert old_phone not in html
        assert "+6281398765432" not in html
    assert old_nik[:4] in changelist
    assert "Jejak data pribadi" in client.get(reverse("admin:registry_owner_change", args=[owner.pk])).content.decode()
