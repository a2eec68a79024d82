import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from programs.models import BankReferral, Enrollment, Training
from registry.duplicates import business_candidates, merge, not_a_duplicate, owner_candidates, related_rows
from registry.models import Business, BusinessGroup, LegalDocument, MergeRecord, Owner, Product, YearlyFigure
from tests.factories import make_bank, make_business, make_document, make_figure, make_owner, make_product
from tests.locks import in_a_thread, until_another_transaction_waits


@pytest.fixture
def pair(kec_a, coordinator_a, dinas_sidoarjo, kab_sidoarjo):
    """One bakery registered twice in one desa, each copy with its own products, documents and programs."""
    keep = make_business(kec_a, name="Roti Bu Rina")
    extra = make_business(kec_a, name="Roti Bu Rina Balongbendo")
    make_product(keep, name="Roti Sobek")
    make_product(extra, name="Roti Manis")
    make_document(extra, kind=LegalDocument.Kind.HALAL, number="ID35150000099999")
    make_figure(keep, year=2024)
    make_figure(extra, year=2025)
    group = BusinessGroup.objects.create(name="Kelompok Roti", kecamatan=kec_a, coordinator=coordinator_a)
    extra.groups.add(group)
    training = Training.objects.create(
        kabupaten=kab_sidoarjo,
        organiser="Dinas",
        title="Kemasan",
        kind="kemasan",
        venue="Aula",
        start_on=timezone.localdate(),
        end_on=timezone.localdate(),
        capacity=5,
        created_by=dinas_sidoarjo,
    )
    Enrollment.objects.create(training=training, business=extra, nominated_by=coordinator_a)
    BankReferral.objects.create(
        business=extra,
        bank=make_bank(),
        credit_product="kur_mikro",
        amount_requested=10_000_000,
        purpose="Oven",
        referred_by=coordinator_a,
    )
    return keep, extra


def test_similar_names_in_one_desa_are_proposed_and_not_a_duplicate_is_remembered(pair, portal_admin):
    keep, extra = pair

    assert (keep.pk, extra.pk, "Nama mirip di desa yang sama") in business_candidates()
    not_a_duplicate("usaha", extra.pk, keep.pk, by=portal_admin)

    assert not [row for row in business_candidates() if row[:2] == (keep.pk, extra.pk)]


def test_one_person_registered_twice_with_a_mistyped_nik_is_proposed(kec_a):
    born = datetime.date(1984, 5, 17)
    first = make_owner(kec_a, name="Siti Aminah", birth_date=born, female=True)
    second = make_owner(kec_a, name="SITI AMINAH", birth_date=born, female=True)
    make_owner(kec_a, name="Siti Aminah", birth_date=datetime.date(1990, 1, 1), female=True)

    assert [row[:2] for row in owner_candidates()] == [(first.pk, second.pk)]


def test_merge_moves_every_related_row_and_leaves_nothing_pointing_at_the_removed_record(pair, portal_admin):
    keep, extra = pair
    before = {
        model: model.objects.count() for model in (Product, LegalDocument, YearlyFigure, Enrollment, BankReferral)
    }

    record = merge(keep, extra, by=portal_admin)

    assert not Business.all_objects.filter(pk=extra.pk).exists()
    assert {model: model.objects.count() for model in before} == before  # every related row survived
    assert all(not rows.exists() for _, rows in related_rows(keep.__class__(pk=extra.pk)))
    assert set(keep.products.values_list("name", flat=True)) == {"Roti Sobek", "Roti Manis"}
    assert sorted(keep.yearly_figures.values_list("year", flat=True)) == [2024, 2025]
    assert keep.enrollments.count() == 1
    assert keep.bank_referrals.count() == 1
    assert list(keep.groups.values_list("name", flat=True)) == ["Kelompok Roti"]
    assert record.removed_data["name"] == "Roti Bu Rina Balongbendo"
    assert record.moved["produk"] == 1
    assert Business.history.filter(id=keep.pk, name="Roti Bu Rina Balongbendo").exists()  # its history moved too


def test_a_merge_that_would_collide_changes_nothing(pair, portal_admin):
    keep, extra = pair
    make_figure(keep, year=2025)  # both now have 2025 figures

    with pytest.raises(ValidationError, match="data tahunan"):
        merge(keep, extra, by=portal_admin)

    assert Business.objects.filter(pk=extra.pk).exists()
    assert extra.products.count() == 1
    assert not MergeRecord.objects.exists()


def test_merge_guards(pair, dinas_sidoarjo, portal_admin, kec_a):
    keep, extra = pair
    with pytest.raises(PermissionDenied):
        merge(keep, extra, by=dinas_sidoarjo)
    with pytest.raises(ValidationError, match="berbeda"):
        merge(keep, keep, by=portal_admin)
    with pytest.raises(ValidationError, match="dua usaha, atau dua pemilik"):
        merge(keep, keep.owner, by=portal_admin)


def test_merging_two_owners_moves_their_businesses(kec_a, portal_admin):
    born = datetime.date(1980, 2, 2)
    first = make_owner(kec_a, name="Budi", birth_date=born)
    second = make_owner(kec_a, name="Budi", birth_date=born)
    make_business(kec_a, owner=first)
    moved = make_business(kec_a, owner=second)

    merge(first, second, by=portal_admin)

    assert not Owner.all_objects.filter(pk=second.pk).exists()
    moved.refresh_from_db()
    assert moved.owner == first


def test_duplicate_pairs_show_names_and_key_facts_and_a_merge_shows_what_moves(client, pair, portal_admin):
    keep, extra = pair
    Business.objects.filter(pk=extra.pk).update(nib="9120000000042")
    url = reverse("admin:registry_duplicate_compare", args=["usaha", keep.pk, extra.pk])
    client.force_login(portal_admin)

    listing = client.get(reverse("admin:registry_duplicates")).content.decode()
    asked = client.post(url, {"action": "pertahankan_kiri"}).content.decode()

    assert f"#{keep.pk} Roti Bu Rina</strong>" in listing
    assert f"#{extra.pk} Roti Bu Rina Balongbendo</strong>" in listing
    assert f"(NIK {extra.owner.masked_nik}) · {extra.desa.name} · Makanan · NIB 9120000000042" in listing
    assert extra.owner.nik not in listing
    moving = asked.split('<ul id="moving">')[1].split("</ul>")[0]
    for line in (
        "1 produk",
        "1 dokumen legalitas",
        "1 data tahunan",
        "1 kelompok",
        "1 rujukan bank",
        "1 peserta pelatihan",
    ):
        assert f"<li>{line}</li>" in moving, moving
    assert Business.all_objects.filter(pk=extra.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_merge_ended_by_a_deadlock_saves_nothing_and_says_to_send_it_again(client, pair, portal_admin):
    # The merge locks the survivor and then the one it removes. Another transaction (an import's chunk, a script)
    # holds the one removed and then asks for the survivor: each waits for the other, and PostgreSQL ends the
    # merge's statement, which waited first: its transaction is rolled back. The admin got the server error page;
    # now a page that says so and to send it again (umkm_portal.middleware.ConflictMiddleware). Sent again, it
    # merges.
    keep, extra = pair
    url = reverse("admin:registry_duplicate_compare", args=["usaha", keep.pk, extra.pk])
    client.force_login(portal_admin)
    holding = threading.Event()

    def hold_the_removed_then_the_survivor():
        with transaction.atomic():
            Business.all_objects.select_for_update().get(pk=extra.pk)
            holding.set()
            until_another_transaction_waits()  # the merge, on this row
            Business.all_objects.select_for_update().get(pk=keep.pk)
        return "committed"

    other, other_side = in_a_thread(hold_the_removed_then_the_survivor)
    other.start()
    try:
        assert holding.wait(30)
        ended = client.post(url, {"action": "pertahankan_kiri", "confirm": "yes"})
    finally:
        other.join()

    assert other_side == ["committed"]
    assert ended.status_code == 503
    assert ended["Retry-After"] == "2"
    assert "Bagian yang bertabrakan tidak tersimpan." in ended.content.decode()
    assert Business.all_objects.filter(pk=extra.pk).exists()
    assert not MergeRecord.objects.exists()
    assert list(extra.products.values_list("name", flat=True)) == ["Roti Manis"]
    again = client.post(url, {"action": "pertahankan_kiri", "confirm": "yes"})
    assert again.status_code == 302
    assert not Business.all_objects.filter(pk=extra.pk).exists()
    assert sorted(keep.products.values_list("name", flat=True)) == ["Roti Manis", "Roti Sobek"]


def test_admin_compares_and_merges_in_the_browser_pages(client, pair, portal_admin, dinas_sidoarjo):
    keep, extra = pair
    url = reverse("admin:registry_duplicate_compare", args=["usaha", keep.pk, extra.pk])
    client.force_login(portal_admin)

    listing = client.get(reverse("admin:registry_duplicates")).content.decode()
    page = client.get(url).content.decode()
    asked = client.post(url, {"action": "pertahankan_kiri"})
    kept_until_confirmed = Business.all_objects.filter(pk=extra.pk).exists()
    response = client.post(url, {"action": "pertahankan_kiri", "confirm": "yes"})

    assert url in listing
    assert "Roti Bu Rina Balongbendo" in page
    assert asked.status_code == 200  # a merge is confirmed first, showing what will move
    assert kept_until_confirmed
    assert response.status_code == 302
    assert not Business.all_objects.filter(pk=extra.pk).exists()
    client.force_login(dinas_sidoarjo)
    assert client.get(reverse("admin:registry_duplicates")).status_code == 302  # not staff: admin login
