"""Groups and clusters: the services that create them and move members, their pages, and the group
coordinator's scope (only their group's members, through the one area door)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from programs.models import Enrollment, Training
from registry import roles
from registry.models import Business, BusinessGroup, Owner, YearlyFigure
from registry.services import add_group_members, remove_group_members, save_group, set_groups
from tests.factories import make_business, make_product, make_user


@pytest.fixture
def group_coordinator(kec_a):
    return make_user(roles.GROUP_COORDINATOR, kecamatan=kec_a, username="koordinator.kelompok")


@pytest.fixture
def group(kec_a, dinas_sidoarjo, group_coordinator):
    return save_group(
        BusinessGroup(name="Kelompok  UMKM Balongbendo", kecamatan=kec_a, coordinator=group_coordinator),
        by=dinas_sidoarjo,
    )


#
# Services
#


def test_save_group_tidies_the_name_and_names_a_group_coordinator(group, group_coordinator):
    group.refresh_from_db()
    assert group.name == "Kelompok UMKM Balongbendo"
    assert group.coordinator == group_coordinator


def test_save_group_refuses_another_area_and_a_duplicate_name(kec_a, kec_other_kabupaten, dinas_sidoarjo, group):
    with pytest.raises(PermissionDenied):
        save_group(BusinessGroup(name="Klaster batik", kecamatan=kec_other_kabupaten), by=dinas_sidoarjo)
    with pytest.raises(ValidationError, match="sudah ada"):
        save_group(BusinessGroup(name="Kelompok UMKM Balongbendo", kecamatan=kec_a), by=dinas_sidoarjo)
    assert BusinessGroup.objects.count() == 1


def test_the_coordinator_must_be_a_group_coordinator_of_the_groups_kecamatan(
    kec_a, kec_b, dinas_sidoarjo, coordinator_a, group_coordinator
):
    with pytest.raises(ValidationError, match="peran koordinator kelompok"):
        save_group(BusinessGroup(name="Klaster A", kecamatan=kec_a, coordinator=coordinator_a), by=dinas_sidoarjo)
    with pytest.raises(ValidationError, match="tidak ditugaskan"):
        save_group(BusinessGroup(name="Klaster B", kecamatan=kec_b, coordinator=group_coordinator), by=dinas_sidoarjo)
    assert not BusinessGroup.objects.exists()


def test_a_group_with_members_keeps_its_kecamatan(group, kec_a, kec_b, dinas_sidoarjo):
    add_group_members(group, [make_business(kec_a).pk], by=dinas_sidoarjo)
    group.kecamatan = kec_b
    with pytest.raises(ValidationError, match="dipindah"):
        save_group(group, by=dinas_sidoarjo)


def test_members_are_added_in_bulk_once_and_removed(group, kec_a, dinas_sidoarjo):
    businesses = [make_business(kec_a) for _ in range(120)]
    added = add_group_members(group, Business.objects.filter(kecamatan=kec_a), by=dinas_sidoarjo)
    assert added == 120
    assert add_group_members(group, [businesses[0].pk], by=dinas_sidoarjo) == 0  # already in: kept once
    assert remove_group_members(group, [b.pk for b in businesses[:20]], by=dinas_sidoarjo) == 20
    assert group.businesses.count() == 100
    assert Business.objects.filter(pk=businesses[0].pk).exists()  # out of the group, not deleted


def test_a_member_from_outside_the_groups_kecamatan_is_refused_and_nothing_is_added(
    group, kec_a, kec_b, dinas_sidoarjo, coordinator_b
):
    inside, outside = make_business(kec_a), make_business(kec_b, name="Batik Krian")
    with pytest.raises(ValidationError, match="Batik Krian"):
        add_group_members(group, [inside.pk, outside.pk], by=dinas_sidoarjo)
    assert group.businesses.count() == 0
    with pytest.raises(PermissionDenied):  # a coordinator of another kecamatan cannot touch the group
        add_group_members(group, [outside.pk], by=coordinator_b)
    with pytest.raises(ValidationError, match="sedikitnya satu"):
        add_group_members(group, [], by=dinas_sidoarjo)


#
# The group coordinator's scope
#


def test_a_group_coordinator_sees_only_their_groups_members(group, kec_a, dinas_sidoarjo, group_coordinator):
    member, other = make_business(kec_a), make_business(kec_a)
    add_group_members(group, [member.pk], by=dinas_sidoarjo)
    other_group = save_group(BusinessGroup(name="Paguyuban lain", kecamatan=kec_a), by=dinas_sidoarjo)
    add_group_members(other_group, [other.pk], by=dinas_sidoarjo)
    assert list(Business.objects.visible_to(group_coordinator)) == [member]
    assert list(Owner.objects.visible_to(group_coordinator)) == [member.owner]
    assert list(BusinessGroup.objects.visible_to(group_coordinator)) == [group]
    product = make_product(member)
    make_product(other)
    from registry.models import Product

    assert list(Product.objects.visible_to(group_coordinator)) == [product]


def test_a_group_coordinator_without_a_group_or_area_sees_nothing(kec_a, group):
    add_group_members(group, [make_business(kec_a).pk], by=make_user(roles.DINAS, kabupaten=kec_a.kabupaten))
    lonely = make_user(roles.GROUP_COORDINATOR, kecamatan=kec_a)
    assert not Business.objects.visible_to(lonely).exists()
    unassigned = make_user(roles.GROUP_COORDINATOR)
    BusinessGroup.objects.filter(pk=group.pk).update(coordinator=unassigned)
    assert not Business.objects.visible_to(unassigned).exists()  # fail closed: no area, nothing


def test_a_group_coordinator_registers_into_their_group_and_keeps_other_groups(
    group, kec_a, dinas_sidoarjo, group_coordinator
):
    other_group = save_group(BusinessGroup(name="Klaster kue", kecamatan=kec_a), by=dinas_sidoarjo)
    business = make_business(kec_a)
    add_group_members(group, [business.pk], by=dinas_sidoarjo)
    add_group_members(other_group, [business.pk], by=dinas_sidoarjo)
    set_groups(business, [group], group_coordinator)  # their edit form offers only their group
    assert set(business.groups.all()) == {group, other_group}
    with pytest.raises(ValidationError, match="kelompok Anda"):
        set_groups(business, [], group_coordinator)
    with pytest.raises(PermissionDenied):
        set_groups(business, [other_group], group_coordinator)


#
# Pages
#


def test_the_dinas_creates_a_group_then_adds_members_by_search(client, kec_a, dinas_sidoarjo, group_coordinator):
    client.force_login(dinas_sidoarjo)
    page = client.get(reverse("registry:group_create"))
    assert page.status_code == 200
    response = client.post(
        reverse("registry:group_create"),
        {"name": "Klaster batik", "kecamatan": kec_a.pk, "coordinator": group_coordinator.pk, "description": ""},
    )
    group = BusinessGroup.objects.get(name="Klaster batik")
    assert response.status_code == 302
    assert response.url == group.get_absolute_url()
    batik = [make_business(kec_a, name=f"Batik Tulis {n}") for n in range(3)]
    make_business(kec_a, name="Kerupuk Udang")
    members_url = reverse("registry:group_members", kwargs={"pk": group.pk})
    found = client.get(members_url, {"q": "batik"})
    assert found.status_code == 200
    assert "Batik Tulis 0" in found.content.decode()
    assert "Kerupuk Udang" not in found.content.decode()
    client.post(members_url, {"action": "add", "business": [batik[0].pk], "q": "batik"})
    assert list(group.businesses.all()) == [batik[0]]
    response = client.post(members_url, {"action": "add_all", "q": "batik"})
    assert response.status_code == 302
    assert response.url == f"{members_url}?q=batik"
    assert set(group.businesses.all()) == set(batik)
    client.post(members_url, {"action": "remove", "business": [batik[1].pk]})
    assert set(group.businesses.all()) == {batik[0], batik[2]}


@pytest.mark.parametrize("common", [False, True], ids=["looked-up-by-index", "tested-on-each-business"])
def test_the_member_search_finds_names_and_owners_accent_blind(
    client, kec_a, kec_b, group, dinas_sidoarjo, common, monkeypatch
):
    """A rare word is looked up on the search indexes; a word the planner expects in thousands of names is tested
    on each of the kecamatan's businesses (here: any word, by lowering the bar). Both find the same."""
    from registry import group_views

    monkeypatch.setattr(group_views, "COMMON_WORD_ROWS", -1 if common else 10**9)
    make_business(kec_a, name="Kafé Batik Ayu")
    by_owner = make_business(kec_a, name="Toko Sederhana")
    Owner.objects.filter(pk=by_owner.owner_id).update(name="Siti Kafeyah")
    other = make_business(kec_a, name="Jamu Segar")
    elsewhere = make_business(kec_b, name="Kafe Krian")
    client.force_login(dinas_sidoarjo)

    html = client.get(reverse("registry:group_members", kwargs={"pk": group.pk}), {"q": "kafe"}).content.decode()

    assert "Kafé Batik Ayu" in html
    assert "Toko Sederhana" in html
    assert other.name not in html
    assert elsewhere.name not in html


def test_bad_input_on_the_group_pages_gives_a_message_and_writes_nothing(client, kec_a, group, dinas_sidoarjo):
    client.force_login(dinas_sidoarjo)
    response = client.post(reverse("registry:group_create"), {"name": "", "kecamatan": "99.99.99"})
    assert response.status_code == 400
    assert "Bidang ini tidak boleh kosong" in response.content.decode() or "wajib" in response.content.decode()
    members_url = reverse("registry:group_members", kwargs={"pk": group.pk})
    response = client.post(members_url, {"action": "add", "business": ["abc"]}, follow=True)
    assert "Pilihan usaha tidak valid" in response.content.decode()
    response = client.post(members_url, {"action": "add"}, follow=True)
    assert "sedikitnya satu" in response.content.decode()
    assert group.businesses.count() == 0
    assert BusinessGroup.objects.count() == 1


def test_the_group_page_shows_figures_programs_and_its_members_in_pages(
    client, kec_a, group, dinas_sidoarjo, group_coordinator
):
    businesses = [make_business(kec_a, workers_male=2, workers_female=1) for _ in range(30)]
    add_group_members(group, [b.pk for b in businesses], by=dinas_sidoarjo)
    YearlyFigure.objects.create(business=businesses[0], year=2025, revenue=100_000_000)
    YearlyFigure.objects.create(business=businesses[1], year=2025, revenue=50_000_000)
    make_product(businesses[0], name="Kerupuk Tengiri")
    training = Training.objects.create(
        kabupaten=kec_a.kabupaten,
        organiser="Dinas",
        title="Kemasan Produk",
        kind="kemasan",
        venue="Aula",
        start_on="2026-01-10",
        end_on="2026-01-10",
        capacity=10,
        created_by=dinas_sidoarjo,
    )
    Enrollment.objects.create(training=training, business=businesses[2], nominated_by=dinas_sidoarjo)
    url = reverse("registry:group_detail", kwargs={"pk": group.pk})
    client.force_login(group_coordinator)
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-figure="members">30<' in html
    assert 'data-figure="workers">90<' in html
    assert 'data-figure="revenue-2025">150.000.000<' in html  # Rupiah grouped the Indonesian way
    assert "Kerupuk Tengiri" in html
    assert "Kemasan Produk" in html
    assert html.count('href="/usaha/') >= 25  # the first page of members
    assert "Tambah anggota" not in html  # a group coordinator reads the page; the dinas manages it


def test_the_group_page_query_count_does_not_grow_with_members(
    client, kec_a, group, dinas_sidoarjo, django_assert_max_num_queries, django_assert_num_queries
):
    add_group_members(group, [make_business(kec_a).pk], by=dinas_sidoarjo)
    url = reverse("registry:group_detail", kwargs={"pk": group.pk})
    client.force_login(dinas_sidoarjo)
    client.get(url)
    with django_assert_max_num_queries(25) as few:
        client.get(url)
    businesses = [make_business(kec_a) for _ in range(40)]
    for business in businesses[:10]:
        make_product(business)
    add_group_members(group, [b.pk for b in businesses], by=dinas_sidoarjo)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url, {"page": 2})


def test_the_member_search_query_count_does_not_grow_with_candidates(
    client, kec_a, group, dinas_sidoarjo, django_assert_max_num_queries, django_assert_num_queries
):
    make_business(kec_a, name="Batik Awal")
    url = reverse("registry:group_members", kwargs={"pk": group.pk})
    client.force_login(dinas_sidoarjo)
    client.get(url, {"q": "batik"})
    with django_assert_max_num_queries(20) as few:
        client.get(url, {"q": "batik"})
    for n in range(60):
        make_business(kec_a, name=f"Batik Sekar {n}")
    with django_assert_num_queries(len(few.captured_queries)) as many:
        page = client.get(url, {"q": "batik"})
    assert page.content.decode().count('name="business"') == 50  # one page of candidates
    assert "?q=batik&amp;page=2" in page.content.decode()  # the pager offers the next page
    assert not [query["sql"] for query in many.captured_queries if "COUNT(" in query["sql"]]  # nothing is counted
    second = client.get(url, {"q": "batik", "page": 2}).content.decode()
    assert second.count('name="business"') == 11


def test_another_groups_member_is_a_404_for_a_group_coordinator(
    client, kec_a, group, dinas_sidoarjo, group_coordinator
):
    mine, theirs = make_business(kec_a), make_business(kec_a)
    add_group_members(group, [mine.pk], by=dinas_sidoarjo)
    other_group = save_group(BusinessGroup(name="Paguyuban lain", kecamatan=kec_a), by=dinas_sidoarjo)
    client.force_login(group_coordinator)
    assert client.get(reverse("registry:business_detail", kwargs={"pk": mine.pk})).status_code == 200
    assert client.get(reverse("registry:business_detail", kwargs={"pk": theirs.pk})).status_code == 404
    assert client.get(reverse("registry:group_detail", kwargs={"pk": other_group.pk})).status_code == 404
    listed = client.get(reverse("registry:business_list")).content.decode()
    assert mine.name in listed
    assert theirs.name not in listed
    dashboard = client.get(reverse("reports:dashboard"))
    assert dashboard.status_code == 200
    assert not dashboard.context["dashboard"].tallied


def test_the_business_list_filters_by_group(client, kec_a, group, dinas_sidoarjo):
    member, other = make_business(kec_a, name="Anggota Kelompok"), make_business(kec_a, name="Bukan Anggota")
    add_group_members(group, [member.pk], by=dinas_sidoarjo)
    client.force_login(dinas_sidoarjo)
    listed = client.get(reverse("registry:business_list"), {"group": group.pk}).content.decode()
    assert member.name in listed
    assert other.name not in listed


def test_a_group_coordinator_registers_a_member_straight_into_their_group(client, kec_a, group, group_coordinator):
    from tests.registry.test_registration import REGISTER, registration

    desa = kec_a.desa_set.get(name="Wonokupang")
    client.force_login(group_coordinator)
    form = client.get(REGISTER).content.decode()
    assert f'value="{group.pk}"' in form
    assert "checked" in form.split(f'value="{group.pk}"')[1].split(">")[0]  # their group, ticked already
    refused = client.post(REGISTER, registration(desa))  # the group unticked: refused, nothing stored
    assert refused.status_code == 400
    assert "Pilih kelompok Anda." in refused.content.decode()
    assert not Business.objects.exists()
    response = client.post(REGISTER, registration(desa, **{"business-groups": [group.pk]}))
    assert response.status_code == 302
    business = Business.objects.get(name="Sinom Wuluh Bu Siti")
    assert list(business.groups.all()) == [group]
    assert client.get(business.get_absolute_url()).status_code == 200


def test_a_group_coordinators_home_names_their_groups(client, group, group_coordinator):
    client.force_login(group_coordinator)
    home = client.get(reverse("home")).content.decode()
    assert "Koordinator kelompok" in home
    assert f'href="{group.get_absolute_url()}"' in home
    BusinessGroup.objects.filter(pk=group.pk).update(coordinator=None)
    assert "belum ditunjuk sebagai koordinator kelompok" in client.get(reverse("home")).content.decode()
