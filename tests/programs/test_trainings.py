import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from programs.models import Attendance, Enrollment, Training, TrainingSession
from programs.services import (
    complete_enrollment,
    create_training,
    decide_enrollment,
    mark_attendance,
    nominate,
    similar_assistance_this_year,
)
from registry import roles
from tests.factories import make_business, make_user


def make_training(kabupaten, by, **overrides):
    fields = {
        "kabupaten": kabupaten,
        "organiser": "Dinas Koperasi dan UMKM",
        "title": "Kemasan dan Label",
        "kind": "kemasan",
        "venue": "Pendopo Kecamatan",
        "start_on": timezone.localdate() + datetime.timedelta(days=7),
        "end_on": timezone.localdate() + datetime.timedelta(days=8),
        "capacity": 2,
    } | overrides
    training = Training(**fields)
    sessions = [
        TrainingSession(on=training.start_on, topic="Desain"),
        TrainingSession(on=training.end_on, topic="Label"),
    ]
    return create_training(training, sessions=sessions, by=by)


@pytest.fixture
def training(dinas_sidoarjo, kab_sidoarjo):
    return make_training(kab_sidoarjo, dinas_sidoarjo)


def confirmed(training, business, coordinator, dinas):
    enrollment = nominate(training, business, by=coordinator)
    return decide_enrollment(enrollment, confirm=True, by=dinas)


#
# Services
#


def test_training_is_created_only_in_the_users_kabupaten(dinas_other, kab_sidoarjo):
    with pytest.raises(PermissionDenied):
        make_training(kab_sidoarjo, dinas_other)


def test_sessions_must_lie_within_the_training(dinas_sidoarjo, kab_sidoarjo):
    training = Training(
        kabupaten=kab_sidoarjo,
        organiser="Dinas",
        title="X",
        kind="lainnya",
        venue="Aula",
        start_on=timezone.localdate(),
        end_on=timezone.localdate(),
        capacity=5,
    )

    with pytest.raises(ValidationError, match="di luar tanggal"):
        create_training(
            training,
            sessions=[TrainingSession(on=timezone.localdate() + datetime.timedelta(days=3), topic="x")],
            by=dinas_sidoarjo,
        )


def test_coordinator_nominates_own_member_and_dinas_confirms(training, coordinator_a, dinas_sidoarjo, kec_a):
    business = make_business(kec_a)

    enrollment = confirmed(training, business, coordinator_a, dinas_sidoarjo)

    assert (enrollment.status, enrollment.decided_by) == ("dikonfirmasi", dinas_sidoarjo)


def test_nomination_guards(training, coordinator_a, dinas_sidoarjo, kec_a, kec_b, kec_other_kabupaten):
    business = make_business(kec_a)
    nominate(training, business, by=coordinator_a)

    with pytest.raises(ValidationError, match="sudah dinominasikan"):
        nominate(training, business, by=coordinator_a)
    with pytest.raises(PermissionDenied):
        nominate(training, make_business(kec_b), by=coordinator_a)
    with pytest.raises(ValidationError, match="aktif"):
        nominate(training, make_business(kec_a, status="tutup"), by=coordinator_a)
    past = make_training(
        kec_a.kabupaten,
        dinas_sidoarjo,
        start_on=timezone.localdate() - datetime.timedelta(days=3),
        end_on=timezone.localdate() - datetime.timedelta(days=2),
    )
    with pytest.raises(ValidationError, match="sudah selesai"):
        nominate(past, make_business(kec_a), by=coordinator_a)


def test_nomination_follows_the_target_kecamatan_and_category(dinas_sidoarjo, coordinator_a, kec_a, kec_b):
    targeted = make_training(kec_a.kabupaten, dinas_sidoarjo)
    targeted.target_kecamatan.set([kec_b])
    food_only = make_training(kec_a.kabupaten, dinas_sidoarjo, target_category="minuman")

    with pytest.raises(ValidationError, match="tidak menyasar Kecamatan Balongbendo"):
        nominate(targeted, make_business(kec_a), by=coordinator_a)
    with pytest.raises(ValidationError, match="untuk kategori Minuman"):
        nominate(food_only, make_business(kec_a, category="makanan"), by=coordinator_a)


def test_confirmation_never_goes_over_capacity(training, coordinator_a, dinas_sidoarjo, kec_a):
    for _ in range(2):
        confirmed(training, make_business(kec_a), coordinator_a, dinas_sidoarjo)
    third = nominate(training, make_business(kec_a), by=coordinator_a)

    with pytest.raises(ValidationError, match="Kuota pelatihan \\(2 peserta\\) sudah penuh"):
        decide_enrollment(third, confirm=True, by=dinas_sidoarjo)
    decide_enrollment(third, confirm=False, by=dinas_sidoarjo)

    assert training.enrollments.confirmed().count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_officers_confirming_the_last_seat_at_once_fill_it_once(kec_a):
    dinas = make_user(roles.DINAS, kabupaten=kec_a.kabupaten)
    coordinator = make_user(roles.COORDINATOR, kecamatan=kec_a)
    training = make_training(kec_a.kabupaten, dinas, capacity=1)
    nominees = [nominate(training, make_business(kec_a), by=coordinator) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def confirm(enrollment):
        try:
            barrier.wait()
            decide_enrollment(enrollment, confirm=True, by=dinas)
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(n,)) for n in nominees]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Enrollment.objects.filter(status="dikonfirmasi").count() == 1
    assert sorted(outcomes) == ["Kuota pelatihan (1 peserta) sudah penuh.", "ok"]


def test_a_decided_nominee_cannot_be_decided_again(training, coordinator_a, dinas_sidoarjo, kec_a):
    enrollment = confirmed(training, make_business(kec_a), coordinator_a, dinas_sidoarjo)

    with pytest.raises(ValidationError, match="sudah diputuskan"):
        decide_enrollment(enrollment, confirm=False, by=dinas_sidoarjo)


def test_attendance_is_marked_in_bulk_and_completion_needs_it(training, coordinator_a, dinas_sidoarjo, kec_a):
    present, absent = (confirmed(training, make_business(kec_a), coordinator_a, dinas_sidoarjo) for _ in range(2))
    session = training.sessions.first()

    assert mark_attendance(session, present_ids=[present.pk], by=dinas_sidoarjo) == 1
    mark_attendance(session, present_ids=[present.pk], by=dinas_sidoarjo)  # again: updates, never duplicates

    assert Attendance.objects.count() == 2
    complete_enrollment(present, completed=True, pre_score=55, post_score=80, by=dinas_sidoarjo)
    with pytest.raises(ValidationError, match="belum pernah tercatat hadir"):
        complete_enrollment(absent, completed=True, by=dinas_sidoarjo)
    with pytest.raises(ValidationError, match="0 sampai 100"):
        complete_enrollment(present, completed=True, post_score=101, by=dinas_sidoarjo)
    present.refresh_from_db()
    assert (present.pre_score, present.post_score, present.completed_at is not None) == (55, 80, True)


def test_attendance_refuses_a_stranger(training, dinas_sidoarjo, coordinator_a, kec_a):
    nominee = nominate(training, make_business(kec_a), by=coordinator_a)  # nominated, not confirmed

    with pytest.raises(ValidationError, match="tidak terdaftar"):
        mark_attendance(training.sessions.first(), present_ids=[nominee.pk], by=dinas_sidoarjo)


def test_similar_training_this_year_is_found(training, coordinator_a, dinas_sidoarjo, kec_a, kab_sidoarjo):
    business = make_business(kec_a)
    confirmed(training, business, coordinator_a, dinas_sidoarjo)

    assert similar_assistance_this_year(business, "kemasan") == [training]
    assert similar_assistance_this_year(business, "halal") == []


#
# Views
#


def test_coordinator_sees_only_own_participants(
    client, training, coordinator_a, coordinator_b, dinas_sidoarjo, kec_a, kec_b
):
    mine, theirs = make_business(kec_a, name="Usaha Balongbendo"), make_business(kec_b, name="Usaha Krian")
    nominate(training, mine, by=coordinator_a)
    nominate(training, theirs, by=coordinator_b)
    client.force_login(coordinator_a)

    html = client.get(training.get_absolute_url()).content.decode()

    assert "Usaha Balongbendo" in html
    assert "Usaha Krian" not in html


def test_nomination_through_the_page_warns_of_similar_training(
    client, training, coordinator_a, dinas_sidoarjo, kec_a, kab_sidoarjo
):
    business = make_business(kec_a)
    confirmed(training, business, coordinator_a, dinas_sidoarjo)
    second = make_training(kab_sidoarjo, dinas_sidoarjo, title="Kemasan Lanjutan")
    client.force_login(coordinator_a)

    response = client.post(
        reverse("programs:training_nominate", args=[second.pk]), {"business": business.pk}, follow=True
    )

    html = response.content.decode()
    assert "sudah mengikuti pelatihan sejenis tahun ini: Kemasan dan Label" in html
    assert second.enrollments.filter(business=business).exists()


def test_forged_nomination_of_another_kecamatan_member_writes_nothing(client, training, coordinator_a, kec_b):
    theirs = make_business(kec_b)
    client.force_login(coordinator_a)

    client.post(reverse("programs:training_nominate", args=[training.pk]), {"business": theirs.pk})

    assert not Enrollment.objects.exists()


def test_training_of_another_kabupaten_answers_404(client, training, dinas_other):
    client.force_login(dinas_other)

    assert client.get(training.get_absolute_url()).status_code == 404


def test_bank_officer_may_not_see_trainings(client, training, bank_officer):
    client.force_login(bank_officer)

    assert client.get(reverse("programs:training_list")).status_code == 403


def test_coordinator_may_not_confirm_or_take_attendance(client, training, coordinator_a, kec_a):
    enrollment = nominate(training, make_business(kec_a), by=coordinator_a)
    client.force_login(coordinator_a)

    assert (
        client.post(reverse("programs:enrollment_decide", args=[enrollment.pk]), {"action": "confirm"}).status_code
        == 403
    )
    assert client.get(reverse("programs:attendance", args=[training.sessions.first().pk])).status_code == 403


def test_dinas_runs_the_training_through_the_pages(client, training, coordinator_a, dinas_sidoarjo, kec_a):
    enrollment = nominate(training, make_business(kec_a), by=coordinator_a)
    client.force_login(dinas_sidoarjo)

    client.post(reverse("programs:enrollment_decide", args=[enrollment.pk]), {"action": "confirm"})
    client.post(reverse("programs:attendance", args=[training.sessions.first().pk]), {"present": [enrollment.pk]})
    client.post(
        reverse("programs:training_completion", args=[training.pk]),
        {f"pre-{enrollment.pk}": "40", f"post-{enrollment.pk}": "85", f"completed-{enrollment.pk}": "on"},
    )
    certificate = client.get(reverse("programs:enrollment_certificate", args=[enrollment.pk]))

    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.post_score) == ("dikonfirmasi", 85)
    assert certificate["Content-Type"] == "application/pdf"
    assert certificate.content.startswith(b"%PDF")


def test_bad_scores_give_a_message_not_a_500(client, training, coordinator_a, dinas_sidoarjo, kec_a):
    enrollment = confirmed(training, make_business(kec_a), coordinator_a, dinas_sidoarjo)
    client.force_login(dinas_sidoarjo)

    response = client.post(
        reverse("programs:training_completion", args=[training.pk]), {f"pre-{enrollment.pk}": "sembilan"}, follow=True
    )

    assert "Nilai harus angka 0 sampai 100" in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.pre_score is None


def test_the_coordinator_dashboard_the_list_and_the_training_page_count_the_same_seats(
    client, training, coordinator_a, dinas_sidoarjo, kec_a
):
    confirmed(training, make_business(kec_a), coordinator_a, dinas_sidoarjo)
    nominate(training, make_business(kec_a), by=coordinator_a)  # waiting: takes no seat
    declined = nominate(training, make_business(kec_a), by=coordinator_a)
    decide_enrollment(declined, confirm=False, by=dinas_sidoarjo)
    client.force_login(coordinator_a)

    page = client.get(training.get_absolute_url()).content.decode()
    listed = client.get(reverse("programs:training_list")).content.decode()
    dashboard = client.get(reverse("reports:coordinator")).content.decode()

    assert '<dd class="col-7">1 / 2</dd>' in page
    assert ">1/2<" in listed
    assert "1 dari 2 kursi" in dashboard


def test_certificate_only_for_completed_participants_of_the_area(
    client, training, coordinator_a, coordinator_b, dinas_sidoarjo, kec_a
):
    enrollment = confirmed(training, make_business(kec_a), coordinator_a, dinas_sidoarjo)
    url = reverse("programs:enrollment_certificate", args=[enrollment.pk])
    client.force_login(coordinator_a)
    assert client.get(url).status_code == 404  # not completed yet

    mark_attendance(training.sessions.first(), present_ids=[enrollment.pk], by=dinas_sidoarjo)
    complete_enrollment(enrollment, completed=True, by=dinas_sidoarjo)

    assert client.get(url).status_code == 200
    client.force_login(coordinator_b)
    assert client.get(url).status_code == 404


def test_dinas_creates_a_training_with_sessions(client, dinas_sidoarjo, kab_sidoarjo, kec_a):
    client.force_login(dinas_sidoarjo)
    start = timezone.localdate() + datetime.timedelta(days=10)
    data = {
        "kabupaten": kab_sidoarjo.pk,
        "organiser": "Disperindag Sidoarjo",
        "title": "Pemasaran Digital",
        "kind": "pemasaran_digital",
        "venue": "Aula Disperindag",
        "start_on": start.isoformat(),
        "end_on": start.isoformat(),
        "capacity": "25",
        "target_kecamatan": [kec_a.pk],
        "session-TOTAL_FORMS": "3",
        "session-INITIAL_FORMS": "0",
        "session-0-on": start.isoformat(),
        "session-0-topic": "Foto produk dengan ponsel",
    }

    response = client.post(reverse("programs:training_create"), data)

    training = Training.objects.get()
    assert response.status_code == 302
    assert training.sessions.count() == 1
    assert list(training.target_kecamatan.all()) == [kec_a]


def test_training_form_rejects_bad_input_without_writing(client, dinas_sidoarjo, kab_sidoarjo, kec_other_kabupaten):
    client.force_login(dinas_sidoarjo)
    data = {
        "kabupaten": kab_sidoarjo.pk,
        "organiser": "Dinas",
        "title": "X",
        "kind": "lainnya",
        "venue": "Aula",
        "start_on": "2026-12-10",
        "end_on": "2026-12-01",
        "capacity": "0",
        "target_kecamatan": [kec_other_kabupaten.pk],
        "session-TOTAL_FORMS": "0",
        "session-INITIAL_FORMS": "0",
    }

    response = client.post(reverse("programs:training_create"), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "Masukkan pilihan yang valid" in html
    assert not Training.objects.exists()


def test_training_for_a_group_takes_only_its_members(dinas_sidoarjo, coordinator_a, kec_a, kab_sidoarjo):
    from registry.models import BusinessGroup

    group = BusinessGroup.objects.create(name="UMKM Kecamatan Balongbendo", kecamatan=kec_a)
    member, outsider = make_business(kec_a), make_business(kec_a)
    member.groups.add(group)
    training = make_training(kab_sidoarjo, dinas_sidoarjo, target_group=group)

    nominate(training, member, by=coordinator_a)
    with pytest.raises(ValidationError, match="untuk anggota UMKM Kecamatan Balongbendo"):
        nominate(training, outsider, by=coordinator_a)
