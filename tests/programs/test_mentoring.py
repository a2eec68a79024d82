import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from programs.models import Mentor, MentoringVisit
from programs.services import close_follow_up, record_visit
from tests.factories import make_business


def visit(**overrides):
    fields = {
        "organiser": "Dinas Koperasi dan UMKM Sidoarjo",
        "visited_on": timezone.localdate() - datetime.timedelta(days=20),
        "topic": "Label dan izin edar",
        "findings": "Label belum mencantumkan tanggal kedaluwarsa.",
        "actions": "Cetak ulang label; ajukan P-IRT.",
        "follow_up_on": timezone.localdate() - datetime.timedelta(days=5),
    } | overrides
    return MentoringVisit(**fields)


def test_visit_is_recorded_and_shows_in_the_ledger(client, coordinator_a, kec_a):
    business = make_business(kec_a)
    mentor = Mentor.objects.create(name="Dr. Rina", affiliation="universitas", institution="UTM")
    recorded = record_visit(business, visit(mentor=mentor), by=coordinator_a)
    client.force_login(coordinator_a)

    html = client.get(reverse("programs:business_ledger", args=[business.pk])).content.decode()

    assert f'Pendampingan · <a href="{recorded.get_absolute_url()}">Label dan izin edar bersama Dr. Rina</a>' in html


def test_visit_date_guards(coordinator_a, kec_a):
    business = make_business(kec_a)

    with pytest.raises(ValidationError, match="masa depan"):
        record_visit(
            business,
            visit(visited_on=timezone.localdate() + datetime.timedelta(days=1), follow_up_on=None),
            by=coordinator_a,
        )
    with pytest.raises(ValidationError, match="sesudah kunjungan"):
        record_visit(business, visit(follow_up_on=timezone.localdate() - datetime.timedelta(days=30)), by=coordinator_a)
    assert not MentoringVisit.objects.exists()


def test_overdue_follow_ups_are_listed_for_the_dinas_and_closed(
    client, coordinator_a, dinas_sidoarjo, dinas_other, kec_a
):
    business = make_business(kec_a, name="Jenang Jagung Mbok Sri")
    late = record_visit(business, visit(), by=coordinator_a)
    record_visit(
        make_business(kec_a, name="Masih Lama"),
        visit(follow_up_on=timezone.localdate() + datetime.timedelta(days=9)),
        by=coordinator_a,
    )
    url = reverse("programs:mentoringvisit_overdue")
    client.force_login(dinas_sidoarjo)

    html = client.get(url).content.decode()
    client.post(url, {"visit": late.pk}, follow=True)

    assert "Jenang Jagung Mbok Sri" in html
    assert "Masih Lama" not in html
    assert MentoringVisit.objects.get(pk=late.pk).follow_up_done
    client.force_login(dinas_other)
    assert "Jenang Jagung" not in client.get(url).content.decode()


def test_closing_twice_is_refused(coordinator_a, kec_a):
    late = record_visit(make_business(kec_a), visit(), by=coordinator_a)
    close_follow_up(late, by=coordinator_a)

    with pytest.raises(ValidationError, match="Tidak ada tindak lanjut"):
        close_follow_up(late, by=coordinator_a)


def test_visit_form(client, coordinator_a, kec_a, kec_b):
    business, theirs = make_business(kec_a), make_business(kec_b)
    client.force_login(coordinator_a)
    url = reverse("programs:mentoringvisit_create", args=[business.pk])

    bad = client.post(url, {"visited_on": "kemarin", "organiser": "", "topic": "", "findings": ""})
    good = client.post(
        url,
        {
            "visited_on": timezone.localdate().isoformat(),
            "organiser": "Disperindag",
            "topic": "Kemasan",
            "findings": "Kemasan bocor",
        },
    )

    assert bad.status_code == 400
    assert good.status_code == 302
    assert MentoringVisit.objects.count() == 1
    assert client.get(reverse("programs:mentoringvisit_create", args=[theirs.pk])).status_code == 404


def test_bank_officer_may_not_record_visits(client, bank_officer, kec_a):
    client.force_login(bank_officer)

    assert client.get(reverse("programs:mentoringvisit_create", args=[make_business(kec_a).pk])).status_code == 403
    assert client.get(reverse("programs:mentoringvisit_overdue")).status_code == 403


def test_the_business_page_folds_the_ledger_and_reads_it_when_opened(client, coordinator_a, kec_a):
    business = make_business(kec_a)
    mentor = Mentor.objects.create(name="Dr. Rina", affiliation="universitas", institution="UTM")
    record_visit(business, visit(mentor=mentor), by=coordinator_a)
    client.force_login(coordinator_a)
    ledger_url = reverse("programs:business_ledger", args=[business.pk])

    page = client.get(business.get_absolute_url()).content.decode()
    fold = client.get(ledger_url, headers={"HX-Request": "true"}).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(ledger_url, headers={"HX-Request": "true"}).content.decode()

    assert f'hx-get="{ledger_url}"' in page
    assert "Label dan izin edar" not in page  # read when the fold opens, not by the page
    assert "Label dan izin edar bersama Dr. Rina" in fold
    assert "<html" not in fold  # the entries alone
    assert "Label dan izin edar with Dr. Rina" in english
