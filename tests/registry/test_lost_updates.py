"""Issue 19, item 2: a state change made while a coordinator's edit form is open is never undone by that
edit. Each test opens the form (reads its version), lets the state change commit, then posts the form:
the edit is refused with the other person's name and the state stays. One test races the two for real."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from registry import roles
from registry.duplicates import merge
from registry.models import Business, BusinessGroup, YearlyFigure
from registry.services import (
    delete_business,
    record_yearly_figure,
    reject_business,
    restore_business,
    set_guidance,
    verify_business,
)
from tests.factories import make_business, make_user
from tests.registry.test_registration import edit_data


def open_edit_form(client, business):
    """The coordinator opens the edit form: the version it carries is the one the page was read at."""
    page = client.get(reverse("registry:business_update", args=[business.pk]))
    assert page.status_code == 200
    return edit_data(Business.all_objects.get(pk=business.pk), name="Nama Dari Formulir Lama")


def post_edit(client, business, data):
    return client.post(reverse("registry:business_update", args=[business.pk]), data)


@pytest.fixture
def dinas_officer(kab_sidoarjo):
    return make_user(roles.DINAS, kabupaten=kab_sidoarjo, first_name="Dewi", last_name="Verifikator")


def test_verification_is_not_undone_by_an_edit_opened_before_it(client, coordinator_a, dinas_officer, kec_a):
    business = make_business(kec_a)
    client.force_login(coordinator_a)
    stale = open_edit_form(client, business)

    verify_business(business, by=dinas_officer)
    response = post_edit(client, business, stale)

    business.refresh_from_db()
    assert response.status_code == 409
    assert "Dewi Verifikator" in response.content.decode()
    assert business.verification == Business.Verification.VERIFIED
    assert business.name != "Nama Dari Formulir Lama"


def test_rejection_is_not_undone_by_an_edit_opened_before_it(client, coordinator_a, dinas_officer, kec_a):
    business = make_business(kec_a)
    client.force_login(coordinator_a)
    stale = open_edit_form(client, business)

    reject_business(business, reason="Foto usaha tidak jelas", by=dinas_officer)
    response = post_edit(client, business, stale)

    business.refresh_from_db()
    assert response.status_code == 409
    assert "Dewi Verifikator" in response.content.decode()
    assert (business.verification, business.verification_note) == ("ditolak", "Foto usaha tidak jelas")


def test_guidance_is_not_undone_by_an_edit_opened_before_it(client, coordinator_a, dinas_officer, kec_a):
    business = make_business(kec_a)
    client.force_login(coordinator_a)
    stale = open_edit_form(client, business)

    set_guidance(business, guided_by="Dinas Koperasi", guided_since=None, is_flagship=True, by=dinas_officer)
    response = post_edit(client, business, stale)

    business.refresh_from_db()
    assert response.status_code == 409
    assert "Dewi Verifikator" in response.content.decode()
    assert (business.guided_by, business.is_flagship) == ("Dinas Koperasi", True)


def test_a_deletion_is_not_undone_and_the_edit_names_who_deleted(client, coordinator_a, dinas_officer, kec_a):
    """Before: the edit of a business deleted meanwhile answered a bare 404 (or a 500 inside the race)."""
    business = make_business(kec_a)
    client.force_login(coordinator_a)
    stale = open_edit_form(client, business)

    delete_business(business, reason="Usaha sudah tutup", by=dinas_officer)
    response = post_edit(client, business, stale)

    business = Business.all_objects.get(pk=business.pk)
    assert response.status_code == 409
    assert "dihapus oleh Dewi Verifikator" in response.content.decode()
    assert business.is_deleted
    assert business.name != "Nama Dari Formulir Lama"


def test_a_restore_is_not_undone_by_an_edit_opened_before_the_deletion(
    client, coordinator_a, dinas_officer, portal_admin, kec_a
):
    business = make_business(kec_a)
    client.force_login(coordinator_a)
    stale = open_edit_form(client, business)

    delete_business(business, reason="Usaha sudah tutup", by=dinas_officer)
    restore_business(business, by=portal_admin)
    response = post_edit(client, business, stale)

    business.refresh_from_db()
    assert response.status_code == 409
    assert (portal_admin.get_full_name() or portal_admin.get_username()) in response.content.decode()
    assert not business.is_deleted


def test_a_new_yearly_figure_is_not_undone_by_an_edit_opened_before_it(client, coordinator_a, kec_a):
    """Before: the figure's new size class was written with a queryset update that left `version` alone,
    so the stale edit passed and wrote the old size class back."""
    colleague = make_user(roles.COORDINATOR, kecamatan=kec_a, first_name="Budi", last_name="Pencatat")
    business = make_business(kec_a)
    client.force_login(coordinator_a)
    stale = open_edit_form(client, business)

    figure = YearlyFigure(year=datetime.date.today().year - 1, capital=6_000_000_000, revenue=20_000_000_000)
    record_yearly_figure(business, figure, by=colleague)
    size_class = Business.objects.get(pk=business.pk).size_class
    response = post_edit(client, business, stale)

    business.refresh_from_db()
    assert size_class == "menengah"
    assert response.status_code == 409
    assert "Budi Pencatat" in response.content.decode()
    assert business.size_class == "menengah"


def test_a_merge_is_not_undone_by_an_edit_of_the_survivor_opened_before_it(client, coordinator_a, portal_admin, kec_a):
    """Before: the merge moved the removed business's groups onto the survivor without moving its
    version, so the stale edit's group list (without them) was saved and the memberships were lost."""
    survivor, removed = make_business(kec_a, name="Sambal Bu Tini"), make_business(kec_a, name="Sambal Bu Tini")
    group = BusinessGroup.objects.create(name="Paguyuban Sambal", kecamatan=kec_a)
    removed.groups.add(group)
    client.force_login(coordinator_a)
    stale = open_edit_form(client, survivor)

    merge(survivor, removed, by=portal_admin)
    response = post_edit(client, survivor, stale)

    assert response.status_code == 409
    assert (portal_admin.get_full_name() or portal_admin.get_username()) in response.content.decode()
    assert list(survivor.groups.all()) == [group]


@pytest.mark.django_db(transaction=True)
def test_an_edit_racing_a_verification_never_undoes_it(kec_a):
    """The race the penetration test ran: the edit (from a form read before) and the verification are
    posted at the same moment, twelve times. The verification always stays, and an edit that saved
    was made after it, from a form that knew it."""
    coordinator = make_user(roles.COORDINATOR, kecamatan=kec_a)
    dinas = make_user(roles.DINAS, kabupaten=kec_a.kabupaten, first_name="Dewi", last_name="Verifikator")
    outcomes = []
    for _ in range(12):
        business = make_business(kec_a)
        editor, officer = Client(), Client()
        editor.force_login(coordinator)
        officer.force_login(dinas)
        stale = edit_data(business, name="Nama Dari Formulir Lama")
        barrier = threading.Barrier(2)
        answers = {}

        def post(who, client, url, data, answers=answers, barrier=barrier):
            try:
                barrier.wait()
                answers[who] = client.post(url, data)
            finally:
                connection.close()

        threads = [
            threading.Thread(
                target=post, args=("edit", editor, reverse("registry:business_update", args=[business.pk]), stale)
            ),
            threading.Thread(
                target=post,
                args=("verify", officer, reverse("registry:business_decide", args=[business.pk]), {"action": "verify"}),
            ),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        business.refresh_from_db()
        assert answers["verify"].status_code == 302
        assert business.verification == Business.Verification.VERIFIED
        if answers["edit"].status_code == 409:
            assert "Dewi Verifikator" in answers["edit"].content.decode()
        else:  # the edit took the row first; the verification then ran on the edited row
            assert answers["edit"].status_code == 302
        outcomes.append(answers["edit"].status_code)
    assert set(outcomes) <= {302, 409}
