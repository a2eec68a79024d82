import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from programs.models import Enrollment, Training
from registry.models import Business, LegalDocument, Owner, Product, YearlyFigure
from registry.services import delete_business, purge_deleted, restore_business
from reports.figures import AreaDashboard
from tests.factories import make_business, make_document, make_figure, make_product
from tests.worker import run_tasks


@pytest.fixture
def gone(kec_a, dinas_sidoarjo):
    business = make_business(kec_a, name="Kerupuk Terhapus", nib="1111111111111")
    make_product(business, name="Kerupuk Udang")
    delete_business(business, reason="Terdaftar dua kali", by=dinas_sidoarjo)
    return business


def test_a_deleted_business_leaves_every_list_search_export_and_dashboard(client, gone, dinas_sidoarjo, kec_a, rf):
    make_business(kec_a, name="Usaha Tetap")
    client.force_login(dinas_sidoarjo)

    pages = [
        client.get(reverse("registry:business_list")),
        client.get(reverse("registry:business_list"), {"q": "kerupuk"}),
        client.get(reverse("registry:business_list"), {"q": "1111111111111"}),
        client.get(reverse("registry:product_list")),
        client.get(reverse("registry:business_export"), {"format": "csv"}),
    ]
    request = rf.get("/")
    request.user = dinas_sidoarjo

    for response in pages:
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert "Kerupuk" not in body.decode(), response.request
    assert client.get(reverse("registry:business_detail", args=[gone.pk])).status_code == 404
    run_tasks()  # the worker's dashboard recount
    assert AreaDashboard(request, {}).totals()[0].value == 1
    assert not Owner.objects.filter(pk=gone.owner_id).exists()  # their only business: the owner goes too
    assert Business.all_objects.get(pk=gone.pk).delete_reason == "Terdaftar dua kali"


def test_the_owner_stays_while_they_have_another_business(kec_a, dinas_sidoarjo):
    first = make_business(kec_a)
    make_business(kec_a, owner=first.owner)

    delete_business(first, reason="Usaha sudah tutup", by=dinas_sidoarjo)

    assert Owner.objects.filter(pk=first.owner_id).exists()


def test_delete_guards(kec_a, kec_other_kabupaten, dinas_sidoarjo):
    business = make_business(kec_a)
    with pytest.raises(ValidationError, match="alasan"):
        delete_business(business, reason=" ab ", by=dinas_sidoarjo)
    with pytest.raises(PermissionDenied):
        delete_business(make_business(kec_other_kabupaten), reason="Bukan wilayah saya", by=dinas_sidoarjo)
    assert Business.objects.count() == 2


def test_delete_page_roles(client, kec_a, coordinator_a, dinas_other, dinas_sidoarjo):
    business = make_business(kec_a)
    url = reverse("registry:business_delete", args=[business.pk])

    client.force_login(coordinator_a)
    assert client.post(url, {"reason": "Coba hapus"}).status_code == 403
    client.force_login(dinas_other)
    assert client.post(url, {"reason": "Coba hapus"}).status_code == 404
    client.force_login(dinas_sidoarjo)
    assert client.post(url, {"reason": ""}).status_code == 302
    assert Business.objects.filter(pk=business.pk).exists()  # no reason: nothing deleted
    assert client.post(url, {"reason": "Usaha sudah tutup"}).status_code == 302
    assert not Business.objects.filter(pk=business.pk).exists()


def test_an_admin_restores_a_deleted_business_and_its_owner(client, gone, portal_admin, dinas_sidoarjo):
    with pytest.raises(PermissionDenied):
        restore_business(gone, by=dinas_sidoarjo)
    client.force_login(portal_admin)

    listed = client.get(reverse("admin:registry_business_changelist"), {"dihapus": "ya"}).content.decode()
    client.post(
        reverse("admin:registry_business_changelist") + "?dihapus=ya",
        {"action": "restore_selected", "_selected_action": [gone.pk]},
    )

    assert "Kerupuk Terhapus" in listed
    assert Business.objects.filter(pk=gone.pk).exists()
    assert Owner.objects.filter(pk=gone.owner_id).exists()
    with pytest.raises(ValidationError, match="tidak sedang dihapus"):
        restore_business(gone, by=portal_admin)


def test_the_history_records_the_deletion_with_its_reason_and_the_restore(client, gone, portal_admin, dinas_sidoarjo):
    dinas_sidoarjo.first_name, dinas_sidoarjo.last_name = "Agus", "Salim"
    dinas_sidoarjo.save()
    portal_admin.first_name, portal_admin.last_name = "Sri", "Wahyuni"
    portal_admin.save()
    restore_business(gone, by=portal_admin)
    client.force_login(dinas_sidoarjo)

    entries = client.get(reverse("registry:business_history", args=[gone.pk])).context["history"]

    usaha = [entry for entry in entries if entry["object"] == "usaha"]
    assert [(entry["kind"], entry["user"]) for entry in usaha[:2]] == [
        ("dipulihkan", portal_admin),
        ("dihapus", dinas_sidoarjo),
    ]
    assert usaha[1]["changes"] == [{"field": "alasan", "old": "", "new": "Terdaftar dua kali"}]
    html = client.get(reverse("registry:business_history", args=[gone.pk])).content.decode()
    assert "Sri Wahyuni · usaha dipulihkan" in html
    assert "Agus Salim · usaha dihapus" in html


def nominate_for_a_training(business, kabupaten, dinas):
    """A program record that points at `business`: the purge must keep it."""
    training = Training.objects.create(
        kabupaten=kabupaten,
        organiser="Dinas",
        title="Kemasan",
        kind="kemasan",
        venue="Aula",
        start_on=timezone.localdate(),
        end_on=timezone.localdate(),
        capacity=5,
        created_by=dinas,
    )
    Enrollment.objects.create(training=training, business=business, nominated_by=dinas)


def test_purge_destroys_only_what_was_deleted_before_the_retention_period(gone, kec_a, dinas_sidoarjo, kab_sidoarjo):
    make_document(gone, kind=LegalDocument.Kind.HALAL)
    make_figure(gone, year=2025)
    recent = make_business(kec_a, name="Baru Dihapus")
    delete_business(recent, reason="Usaha sudah tutup", by=dinas_sidoarjo)
    trained = make_business(kec_a, name="Pernah Dilatih")
    nominate_for_a_training(trained, kab_sidoarjo, dinas_sidoarjo)
    delete_business(trained, reason="Usaha sudah tutup", by=dinas_sidoarjo)
    long_ago = timezone.now() - datetime.timedelta(days=400)
    Business.all_objects.filter(pk__in=[gone.pk, trained.pk]).update(deleted_at=long_ago)
    Owner.all_objects.filter(pk__in=[gone.owner_id, trained.owner_id]).update(deleted_at=long_ago)

    purged, owners, kept = purge_deleted(older_than=timezone.now() - datetime.timedelta(days=365))

    assert (purged, owners, [b.name for b in kept]) == (1, 1, ["Pernah Dilatih"])
    assert not Business.all_objects.filter(pk=gone.pk).exists()
    assert not Product.objects.filter(name="Kerupuk Udang").exists()
    assert not YearlyFigure.objects.filter(business_id=gone.pk).exists()
    assert not Business.history.filter(id=gone.pk).exists()
    assert not Owner.history.filter(id=gone.owner_id).exists()
    assert Business.all_objects.filter(pk__in=[recent.pk, trained.pk]).count() == 2


def test_purge_command_reports(gone, capsys):
    Business.all_objects.filter(pk=gone.pk).update(deleted_at=timezone.now() - datetime.timedelta(days=400))

    call_command("purge_deleted", "--days", "365")

    assert "1 usaha dan" in capsys.readouterr().out


def test_a_business_the_purge_keeps_keeps_its_photos_and_scans(
    kec_a, kab_sidoarjo, dinas_sidoarjo, django_capture_on_commit_callbacks
):
    """Issue 17: the purge deleted files inside its transaction, so a business it then kept (program records
    point at it) lost its photos and scans."""
    from django.core.files.storage import default_storage

    from registry.services import add_product_photo
    from tests.factories import jpeg_upload

    trained = make_business(kec_a, name="Pernah Dilatih")
    photo = add_product_photo(make_product(trained), upload=jpeg_upload(), by=None)
    nominate_for_a_training(trained, kab_sidoarjo, dinas_sidoarjo)
    delete_business(trained, reason="Usaha sudah tutup", by=dinas_sidoarjo)
    Business.all_objects.filter(pk=trained.pk).update(deleted_at=timezone.now() - datetime.timedelta(days=400))

    with django_capture_on_commit_callbacks(execute=True):
        _, _, kept = purge_deleted(older_than=timezone.now() - datetime.timedelta(days=365))

    assert [business.pk for business in kept] == [trained.pk]
    assert default_storage.exists(photo.image.name)
    assert default_storage.exists(photo.thumbnail.name)
