"""Every record says where it came from (form, import file and row, national extract, admin) and when."""

from django.contrib import admin
from django.test import RequestFactory

from programs.models import Training
from registry.models import Product, Source
from tests.factories import make_business, make_product


def test_a_record_added_in_admin_says_so_and_who_added_it(portal_admin, kec_a):
    business = make_business(kec_a)
    request = RequestFactory().post("/admin/")
    request.user = portal_admin
    product = Product(business=business, name="Sambal Roa", category=business.category)

    admin.site._registry[Product].save_model(request, product, form=None, change=False)

    product.refresh_from_db()
    assert (product.source, product.source_ref) == (Source.ADMIN, f"admin {portal_admin.username}")
    assert product.created_at is not None


def test_a_change_in_admin_keeps_the_original_source(portal_admin, kec_a):
    product = make_product(make_business(kec_a))
    request = RequestFactory().post("/admin/")
    request.user = portal_admin

    product.name = "Sambal Roa Pedas"
    admin.site._registry[Product].save_model(request, product, form=None, change=True)

    product.refresh_from_db()
    assert product.source == Source.FORM


def test_records_made_through_the_portal_forms_say_form():
    assert Training._meta.get_field("source").default == Source.FORM
    assert Product._meta.get_field("source").default == Source.FORM


def test_an_admin_deletes_an_owner_with_their_businesses_and_restores_them_together(portal_admin, kec_a):
    import pytest
    from django.core.exceptions import ValidationError

    from registry.models import Business, Owner
    from registry.services import delete_business, delete_owner, restore_owner

    first = make_business(kec_a)
    second = make_business(kec_a, owner=first.owner)
    delete_business(second, reason="Sudah tutup sejak 2024", by=portal_admin)  # deleted earlier, on its own
    owner = first.owner

    with pytest.raises(ValidationError):
        delete_owner(owner, reason="", by=portal_admin)
    delete_owner(owner, reason="Pindah ke luar kabupaten", by=portal_admin)

    assert not Owner.objects.filter(pk=owner.pk).exists()
    assert not Business.objects.filter(owner=owner).exists()
    assert Owner.all_objects.get(pk=owner.pk).delete_reason == "Pindah ke luar kabupaten"

    restore_owner(owner, by=portal_admin)

    assert Owner.objects.filter(pk=owner.pk).exists()
    assert list(Business.objects.filter(owner=owner)) == [first]  # the one deleted earlier stays deleted


def test_only_admins_delete_or_restore_owners_and_admin_never_destroys_rows(
    client, portal_admin, dinas_sidoarjo, kec_a
):
    import pytest
    from django.core.exceptions import PermissionDenied

    from registry.models import Owner
    from registry.services import delete_owner, restore_owner

    owner = make_business(kec_a).owner
    with pytest.raises(PermissionDenied):
        delete_owner(owner, reason="Pindah ke luar kabupaten", by=dinas_sidoarjo)
    client.force_login(portal_admin)

    response = client.post(
        "/admin/registry/owner/", {"action": "soft_delete_selected", "_selected_action": [owner.pk]}, follow=True
    )

    assert "1 pelaku usaha dihapus" in response.content.decode()
    assert Owner.all_objects.get(pk=owner.pk).is_deleted
    assert client.get(f"/admin/registry/owner/{owner.pk}/delete/").status_code == 403
    with pytest.raises(PermissionDenied):
        restore_owner(owner, by=dinas_sidoarjo)
