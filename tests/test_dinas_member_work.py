"""The dinas does a coordinator's work across its kabupaten (register, edit, nominate, submit, record a
mentoring visit); coordinators stay inside their kecamatan, and another kabupaten's dinas sees nothing."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import CurationCall, CurationCriterion, CurationSubmission, Enrollment, MentoringVisit
from programs.services import open_curation_call
from programs.views import PickList
from registry import roles
from registry.models import Business
from tests.factories import make_business, make_product
from tests.programs.test_trainings import make_training
from tests.registry.test_registration import REGISTER, edit_data, registration


@pytest.fixture
def training(dinas_sidoarjo, kab_sidoarjo):
    return make_training(kab_sidoarjo, dinas_sidoarjo, capacity=10)


@pytest.fixture
def call(dinas_sidoarjo, kab_sidoarjo):
    return open_curation_call(
        CurationCall(
            kabupaten=kab_sidoarjo,
            organiser="Disperindag Sidoarjo",
            title="Kurasi Oleh-oleh",
            channel="oleh_oleh",
            opens_on=timezone.localdate() - datetime.timedelta(days=1),
            closes_on=timezone.localdate() + datetime.timedelta(days=10),
        ),
        criteria=[CurationCriterion(name="Mutu", weight=1)],
        by=dinas_sidoarjo,
    )


def nominate_url(training):
    return reverse("programs:training_nominate", args=[training.pk])


def submit_url(call):
    return reverse("programs:curationcall_submit", args=[call.pk])


def select(html, name):
    """The <select> element named `name` in `html`."""
    start = html.index(f'name="{name}"')
    return html[start : html.index("</select>", start)]


def test_the_dinas_holds_every_permission_of_a_coordinator_but_the_kecamatan_worklist():
    dinas, coordinator = set(roles.ROLE_PERMISSIONS[roles.DINAS]), set(roles.ROLE_PERMISSIONS[roles.COORDINATOR])

    assert coordinator - dinas == {"registry.use_worklist"}


#
# Registering
#


def test_the_dinas_registers_a_member_in_any_kecamatan_of_its_kabupaten(client, dinas_sidoarjo, kec_b):
    client.force_login(dinas_sidoarjo)
    desa = kec_b.desa_set.order_by("code").first()

    response = client.post(REGISTER, registration(desa))

    business = Business.objects.get()
    assert response.status_code == 302
    assert (business.kecamatan, business.registered_by, business.verification) == (kec_b, dinas_sidoarjo, "menunggu")
    page = client.get(response["Location"])
    assert "verifikasi di halaman ini" in page.content.decode()  # the dinas verifies it on that page


def test_the_dinas_cannot_register_in_another_kabupaten(client, dinas_other, kec_a):
    client.force_login(dinas_other)

    response = client.post(REGISTER, registration(kec_a.desa_set.order_by("code").first()))

    assert response.status_code == 400
    assert "Masukkan pilihan yang valid" in response.content.decode()  # Django's own "not one of the choices"
    assert not Business.objects.exists()


def test_a_coordinator_still_registers_only_in_their_kecamatan(client, coordinator_a, kec_b):
    client.force_login(coordinator_a)

    response = client.post(REGISTER, registration(kec_b.desa_set.order_by("code").first()))

    assert response.status_code == 400
    assert not Business.objects.exists()


def test_desa_choices_are_grouped_by_kecamatan_for_the_dinas_only(client, dinas_sidoarjo, coordinator_a, kec_a, kec_b):
    client.force_login(dinas_sidoarjo)
    html = client.get(REGISTER).content.decode()

    owner_desa = select(html, "owner-desa")
    assert re.findall(r'<optgroup label="([^"]+)"', owner_desa) == ["Kecamatan Balongbendo", "Kecamatan Krian"]
    assert "Wonokupang (Balongbendo)" in owner_desa

    client.force_login(coordinator_a)
    html = client.get(REGISTER).content.decode()

    business_desa = select(html, "business-desa")
    assert "<optgroup" not in business_desa
    assert "Wonokupang (Balongbendo)" in business_desa
    assert "(Krian)" not in business_desa


def test_the_dinas_edits_a_member_of_any_kecamatan_but_not_another_kabupatens(
    client, dinas_sidoarjo, dinas_other, kec_b
):
    business = make_business(kec_b, name="Jamu Krian")
    url = reverse("registry:business_update", args=[business.pk])
    client.force_login(dinas_sidoarjo)

    assert client.get(url).status_code == 200
    response = client.post(url, edit_data(business, name="Jamu Krian Sehat"))

    assert response.status_code == 302
    business.refresh_from_db()
    assert business.name == "Jamu Krian Sehat"

    client.force_login(dinas_other)
    assert client.post(url, edit_data(business, name="Dari Sumenep")).status_code == 404
    business.refresh_from_db()
    assert business.name == "Jamu Krian Sehat"


#
# Nominating
#


def test_the_dinas_nominates_a_member_of_any_kecamatan(client, dinas_sidoarjo, training, kec_a, kec_b):
    balongbendo, krian = make_business(kec_a, name="Kue Balong"), make_business(kec_b, name="Jamu Krian")
    client.force_login(dinas_sidoarjo)

    page = client.get(training.get_absolute_url()).content.decode()
    assert re.findall(r'<optgroup label="([^"]+)"', select(page, "business")) == [
        "Kecamatan Balongbendo",
        "Kecamatan Krian",
    ]
    response = client.post(nominate_url(training), {"business": krian.pk}, follow=True)

    enrollment = Enrollment.objects.get()
    assert (enrollment.business, enrollment.nominated_by, enrollment.status) == (krian, dinas_sidoarjo, "dinominasikan")
    assert "konfirmasi di daftar peserta di bawah" in response.content.decode()
    assert f'value="{balongbendo.pk}"' in response.content.decode()  # still offered
    assert f'<option value="{krian.pk}"' not in response.content.decode()  # nominated: no longer offered


def test_another_kabupatens_dinas_cannot_nominate(client, dinas_other, training, kec_a, kec_other_kabupaten):
    client.force_login(dinas_other)

    assert client.post(nominate_url(training), {"business": make_business(kec_a).pk}).status_code == 404
    assert client.post(nominate_url(training), {"business": make_business(kec_other_kabupaten).pk}).status_code == 404
    assert not Enrollment.objects.exists()


def test_the_dinas_cannot_nominate_a_member_of_another_kabupaten(client, dinas_sidoarjo, training, kec_other_kabupaten):
    client.force_login(dinas_sidoarjo)

    response = client.post(nominate_url(training), {"business": make_business(kec_other_kabupaten).pk}, follow=True)

    assert "Pilih anggota yang akan dinominasikan." in response.content.decode()
    assert not Enrollment.objects.exists()


def test_the_nomination_form_offers_only_members_inside_the_trainings_targets(
    client, dinas_sidoarjo, dinas_other, kab_sidoarjo, kec_a, kec_b
):
    aimed = make_training(kab_sidoarjo, dinas_sidoarjo, capacity=10)
    aimed.target_kecamatan.set([kec_b])
    outside, inside = make_business(kec_a, name="Kue Balong"), make_business(kec_b, name="Jamu Krian")
    client.force_login(dinas_sidoarjo)

    page = client.get(aimed.get_absolute_url()).content.decode()

    assert f'<option value="{inside.pk}"' in page
    assert f'<option value="{outside.pk}"' not in page


def test_many_candidates_are_found_by_a_search_instead_of_one_long_list(
    client, dinas_sidoarjo, training, kec_a, kec_b, monkeypatch
):
    monkeypatch.setattr(PickList, "LIMIT", 2)
    for name in ("Kue Balong", "Roti Balong", "Jamu Krian"):
        make_business(kec_b if "Krian" in name else kec_a, name=name)
    client.force_login(dinas_sidoarjo)

    page = client.get(training.get_absolute_url()).content.decode()
    assert 'id="nominee-search"' in page
    assert 'id="nominee"' not in page  # no list cut off at an arbitrary name
    assert "Lebih dari 2 anggota dapat dinominasikan" in page

    found = client.get(training.get_absolute_url(), {"anggota": "jamu"}).content.decode()
    options = re.findall(r'<option value="\d+">([^<]+)</option>', found)
    assert options == ["Jamu Krian"]

    nothing = client.get(training.get_absolute_url(), {"anggota": "bakso"}).content.decode()
    assert "Tidak ada anggota yang dapat dinominasikan dengan nama" in nothing


def test_the_training_page_reads_a_fixed_number_of_queries_for_the_dinas(
    client, dinas_sidoarjo, training, kec_a, kec_b, django_assert_num_queries
):
    make_business(kec_a)
    client.force_login(dinas_sidoarjo)
    client.get(training.get_absolute_url())
    with django_assert_num_queries(14) as few:
        client.get(training.get_absolute_url())

    for _ in range(10):
        make_business(kec_b)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(training.get_absolute_url())
    assert len(re.findall(r'<option value="\d+">', select(response.content.decode(), "business"))) == 11


#
# Submitting to a curation call
#


def test_the_dinas_submits_a_product_of_any_kecamatan(client, dinas_sidoarjo, call, kec_a, kec_b):
    product = make_product(make_business(kec_b, name="Jamu Krian"), name="Jamu kunyit")
    make_product(make_business(kec_a, name="Kue Balong"), name="Kue kering")
    client.force_login(dinas_sidoarjo)

    page = client.get(call.get_absolute_url()).content.decode()
    assert '<optgroup label="Kecamatan Krian">' in page
    response = client.post(submit_url(call), {"product": product.pk})

    submission = CurationSubmission.objects.get()
    assert response.status_code == 302
    assert (submission.product, submission.submitted_by) == (product, dinas_sidoarjo)


def test_a_product_search_matches_the_product_or_its_business(client, dinas_sidoarjo, call, kec_a, monkeypatch):
    monkeypatch.setattr(PickList, "LIMIT", 1)
    make_product(make_business(kec_a, name="Kue Balong"), name="Kue kering")
    make_product(make_business(kec_a, name="Jamu Bu Sri"), name="Beras kencur")
    client.force_login(dinas_sidoarjo)

    assert 'id="product"' not in client.get(call.get_absolute_url()).content.decode()
    by_business = client.get(call.get_absolute_url(), {"produk": "jamu"}).content.decode()
    by_product = client.get(call.get_absolute_url(), {"produk": "kencur"}).content.decode()

    assert re.findall(r'<option value="\d+">([^<]+)</option>', by_business) == ["Beras kencur · Jamu Bu Sri"]
    assert re.findall(r'<option value="\d+">([^<]+)</option>', by_product) == ["Beras kencur · Jamu Bu Sri"]


def test_the_dinas_cannot_submit_another_kabupatens_product(
    client, dinas_sidoarjo, dinas_other, call, kec_a, kec_other_kabupaten
):
    client.force_login(dinas_sidoarjo)
    response = client.post(submit_url(call), {"product": make_product(make_business(kec_other_kabupaten)).pk})
    assert response.status_code == 302
    client.force_login(dinas_other)
    assert client.post(submit_url(call), {"product": make_product(make_business(kec_a)).pk}).status_code == 404

    assert not CurationSubmission.objects.exists()


#
# Mentoring, parts of a member
#


def test_the_dinas_records_a_mentoring_visit_and_adds_a_product_in_any_kecamatan(
    client, dinas_sidoarjo, dinas_other, kec_b
):
    business = make_business(kec_b)
    visit = {
        "visited_on": timezone.localdate().isoformat(),
        "organiser": "Dinas",
        "topic": "Kemasan",
        "findings": "Label belum ada",
    }
    product = {"name": "Jamu beras kencur", "category": "minuman", "price": "Rp 10.000", "unit": "botol"}
    client.force_login(dinas_other)
    assert client.post(reverse("programs:mentoringvisit_create", args=[business.pk]), visit).status_code == 404
    assert client.post(reverse("registry:product_create", args=[business.pk]), product).status_code == 404

    client.force_login(dinas_sidoarjo)
    assert client.post(reverse("programs:mentoringvisit_create", args=[business.pk]), visit).status_code == 302
    assert client.post(reverse("registry:product_create", args=[business.pk]), product).status_code == 302

    assert MentoringVisit.objects.get().business == business
    assert business.products.get().price == 10_000


#
# What the dinas is shown
#


def test_the_dinas_keeps_its_own_dashboard_and_sees_the_coordinator_buttons(client, dinas_sidoarjo, kec_a):
    business = make_business(kec_a)
    client.force_login(dinas_sidoarjo)

    home = client.get(reverse("home")).content.decode()
    detail = client.get(business.get_absolute_url()).content.decode()

    assert f'href="{reverse("reports:dashboard")}">Dasbor</a>' in home
    assert reverse("reports:coordinator") not in home
    assert client.get(reverse("reports:coordinator")).status_code == 403
    assert reverse("registry:business_register") in home
    for name in ("business_update", "owner_update", "product_create", "legaldocument_create", "yearlyfigure_record"):
        assert reverse(f"registry:{name}", args=[business.pk]) in detail, name
    assert reverse("programs:mentoringvisit_create", args=[business.pk]) in detail


def test_a_coordinators_dashboard_link_is_their_worklist(client, coordinator_a):
    client.force_login(coordinator_a)

    home = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("reports:coordinator")}">Dasbor</a>' in home
    assert client.get(reverse("reports:coordinator")).status_code == 200
