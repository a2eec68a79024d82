import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import CurationCall, CurationCriterion, ExportFacilitation, MentoringVisit, Training
from programs.services import (
    decide_enrollment,
    nominate,
    open_curation_call,
    record_export,
    record_visit,
    submit_to_curation,
)
from registry.models import AccessLog
from tests.factories import make_business, make_product


@pytest.fixture
def records(dinas_sidoarjo, coordinator_a, coordinator_b, kab_sidoarjo, kec_a, kec_b):
    """One record of every program kind in Balongbendo (A) and one in Krian (B)."""
    training = Training.objects.create(
        kabupaten=kab_sidoarjo,
        organiser="Dinas",
        title="Pemasaran Digital",
        kind="pemasaran_digital",
        venue="Aula",
        start_on=timezone.localdate() + datetime.timedelta(days=5),
        end_on=timezone.localdate() + datetime.timedelta(days=5),
        capacity=10,
        created_by=dinas_sidoarjo,
    )
    call = open_curation_call(
        CurationCall(
            kabupaten=kab_sidoarjo,
            organiser="Dinas",
            title="Oleh-oleh",
            channel="oleh_oleh",
            opens_on=timezone.localdate(),
            closes_on=timezone.localdate(),
        ),
        criteria=[CurationCriterion(name="Kemasan")],
        by=dinas_sidoarjo,
    )
    for coordinator, kecamatan, name in (
        (coordinator_a, kec_a, "Usaha Balongbendo"),
        (coordinator_b, kec_b, "Usaha Krian"),
    ):
        business = make_business(kecamatan, name=name)
        decide_enrollment(nominate(training, business, by=coordinator), confirm=True, by=dinas_sidoarjo)
        submit_to_curation(call, make_product(business, name=f"Produk {name}"), by=coordinator)
        record_visit(
            business,
            MentoringVisit(organiser="Dinas", visited_on=timezone.localdate(), topic="Kemasan", findings="-"),
            by=coordinator,
        )
        record_export(
            business,
            ExportFacilitation(
                year=timezone.localdate().year, country="MY", buyer="KL Trading", value=10_000_000, organiser="Dinas"
            ),
            by=dinas_sidoarjo,
        )


LISTS = [
    "programs:enrollment_list",
    "programs:curationsubmission_list",
    "programs:mentoringvisit_list",
    "programs:exportfacilitation_list",
]


@pytest.mark.parametrize("name", LISTS)
def test_program_lists_show_only_the_users_area(client, records, coordinator_a, name):
    client.force_login(coordinator_a)

    html = client.get(reverse(name)).content.decode()

    assert "Usaha Balongbendo" in html
    assert "Usaha Krian" not in html


@pytest.mark.parametrize("name", LISTS)
def test_program_lists_export_csv_scoped_and_logged(client, records, coordinator_a, name):
    client.force_login(coordinator_a)

    response = client.get(reverse(name), {"format": "csv"})

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 2
    assert "Usaha Balongbendo" in rows[1]
    assert AccessLog.objects.get(action="export").row_count == 1


@pytest.mark.parametrize("many", [500, 1], ids=["few-products-by-id", "many-tested-on-each-row"])
def test_curated_products_list_the_newest_first_and_search_accent_blind(
    client, records, dinas_sidoarjo, coordinator_a, kec_a, monkeypatch, many
):
    from programs.models import CurationSubmission
    from registry import filtersets

    monkeypatch.setattr(filtersets, "MANY_MATCHES", many)  # read by few_ids
    call = CurationCall.objects.get()
    older = submit_to_curation(call, make_product(make_business(kec_a), name="Kopi Luwak"), by=coordinator_a)
    submit_to_curation(call, make_product(make_business(kec_a), name="Café Gula Aren"), by=coordinator_a)
    CurationSubmission.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=3))
    client.force_login(dinas_sidoarjo)
    url = reverse("programs:curationsubmission_list")

    html = client.get(url).content.decode()
    found = client.get(url, {"q": "cafe"}).content.decode()

    assert html.index("Café Gula Aren") < html.index("Produk Usaha Balongbendo") < html.index("Kopi Luwak")
    assert "Café Gula Aren" in found
    assert "Kopi Luwak" not in found
    assert "Produk Usaha Balongbendo" not in found


def test_dinas_filters_participants_by_kecamatan(client, records, dinas_sidoarjo, kec_b):
    client.force_login(dinas_sidoarjo)

    html = client.get(reverse("programs:enrollment_list"), {"kecamatan": kec_b.pk}).content.decode()

    assert "Usaha Krian" in html
    assert "Usaha Balongbendo" not in html


def test_placement_list_for_dinas_and_403_for_bank(client, records, dinas_sidoarjo, bank_officer):
    client.force_login(dinas_sidoarjo)
    assert client.get(reverse("programs:placement_list")).status_code == 200
    client.force_login(bank_officer)
    for name in [*LISTS, "programs:placement_list"]:
        assert client.get(reverse(name)).status_code == 403


def test_invalid_export_filter_is_refused_not_leaked(client, records, coordinator_a, kec_b):
    client.force_login(coordinator_a)

    response = client.get(reverse("programs:enrollment_list"), {"format": "csv", "kecamatan": kec_b.pk})

    assert response.status_code == 302
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("model", [MentoringVisit, ExportFacilitation])
def test_record_detail_pages_are_scoped(client, records, coordinator_a, model):
    mine = model.objects.get(business__name="Usaha Balongbendo")
    theirs = model.objects.get(business__name="Usaha Krian")
    client.force_login(coordinator_a)

    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("who", "name", "needs_business"),
    [
        ("coordinator_a", "programs:training_create", False),
        ("coordinator_a", "programs:curationcall_create", False),
        ("bank_officer", "programs:bankreferral_create", True),
        ("bank_officer", "programs:mentoringvisit_create", True),
        ("bank_officer", "programs:training_list", False),
        ("bank_officer", "programs:curationcall_list", False),
    ],
)
def test_wrong_role_gets_403_on_program_pages(request, client, kec_a, who, name, needs_business):
    args = [make_business(kec_a).pk] if needs_business else []
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse(name, args=args)).status_code == 403


def test_coordinator_reads_overdue_follow_ups_but_may_not_close_them(client, records, coordinator_a):
    visit = MentoringVisit.objects.get(business__name="Usaha Balongbendo")
    client.force_login(coordinator_a)

    assert client.get(reverse("programs:mentoringvisit_overdue")).status_code == 200
    assert client.post(reverse("programs:mentoringvisit_overdue"), {"visit": visit.pk}).status_code == 403
