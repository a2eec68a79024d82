"""Bulk forms never drop what was typed: a refused row comes back with its typed values and its reason."""

import datetime

from django.urls import reverse
from django.utils import timezone

from programs.models import Attendance, CurationScore
from programs.services import decide_enrollment, mark_attendance, nominate, submit_to_curation
from tests.factories import make_business, make_product
from tests.programs.test_curation import call  # noqa: F401 (fixture)
from tests.programs.test_trainings import make_training


def confirmed(training, business, coordinator, dinas):
    return decide_enrollment(nominate(training, business, by=coordinator), confirm=True, by=dinas)


def test_a_refused_completion_row_keeps_its_scores_and_says_why_the_others_are_saved(
    client, coordinator_a, dinas_sidoarjo, kab_sidoarjo, kec_a
):
    training = make_training(kab_sidoarjo, dinas_sidoarjo)
    present = confirmed(training, make_business(kec_a, name="Lumpia Hadir"), coordinator_a, dinas_sidoarjo)
    absent = confirmed(training, make_business(kec_a, name="Jamu Absen"), coordinator_a, dinas_sidoarjo)
    mark_attendance(training.sessions.first(), present_ids=[present.pk], by=dinas_sidoarjo)
    client.force_login(dinas_sidoarjo)

    response = client.post(
        reverse("programs:training_completion", args=[training.pk]),
        {
            f"pre-{present.pk}": "50",
            f"post-{present.pk}": "90",
            f"completed-{present.pk}": "on",
            f"pre-{absent.pk}": "47",
            f"post-{absent.pk}": "81",
            f"completed-{absent.pk}": "on",  # "Lulus" ticked for someone who never came
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert f'name="pre-{absent.pk}" value="47" aria-invalid="true"' in html
    assert f'name="post-{absent.pk}" value="81" aria-invalid="true"' in html
    assert f'name="completed-{absent.pk}" checked aria-invalid="true"' in html
    assert f'id="row-error-{absent.pk}">Jamu Absen belum pernah tercatat hadir.</div>' in html
    absent.refresh_from_db()
    assert (absent.pre_score, absent.post_score, absent.completed_at) == (None, None, None)
    present.refresh_from_db()
    assert (present.pre_score, present.post_score, present.completed_at is not None) == (50, 90, True)


def test_a_score_that_is_not_a_number_comes_back_as_typed(client, coordinator_a, dinas_sidoarjo, kab_sidoarjo, kec_a):
    training = make_training(kab_sidoarjo, dinas_sidoarjo)
    enrollment = confirmed(training, make_business(kec_a), coordinator_a, dinas_sidoarjo)
    client.force_login(dinas_sidoarjo)

    response = client.post(
        reverse("programs:training_completion", args=[training.pk]),
        {f"pre-{enrollment.pk}": "sembilan", f"post-{enrollment.pk}": "70"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert f'name="pre-{enrollment.pk}" value="sembilan"' in html
    assert f'name="post-{enrollment.pk}" value="70"' in html
    assert "Nilai harus angka 0 sampai 100" in html
    enrollment.refresh_from_db()
    assert enrollment.post_score is None


def test_a_refused_attendance_list_keeps_its_ticks(client, coordinator_a, dinas_sidoarjo, kab_sidoarjo, kec_a):
    training = make_training(kab_sidoarjo, dinas_sidoarjo)
    first = confirmed(training, make_business(kec_a), coordinator_a, dinas_sidoarjo)
    second = confirmed(training, make_business(kec_a), coordinator_a, dinas_sidoarjo)
    nominee = nominate(training, make_business(kec_a), by=coordinator_a)  # not confirmed: not on the list
    client.force_login(dinas_sidoarjo)

    response = client.post(
        reverse("programs:attendance", args=[training.sessions.first().pk]), {"present": [first.pk, nominee.pk]}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert f'value="{first.pk}" id="p{first.pk}" checked' in html
    assert f'value="{second.pk}" id="p{second.pk}" >' in html
    assert 'id="attendance-error"' in html
    assert not Attendance.objects.exists()


def test_a_refused_participant_stays_ticked_in_the_search_with_its_reason(
    client, coordinator_a, dinas_sidoarjo, kab_sidoarjo, kec_a
):
    training = make_training(
        kab_sidoarjo,
        dinas_sidoarjo,
        start_on=timezone.localdate() - datetime.timedelta(days=3),
        end_on=timezone.localdate() - datetime.timedelta(days=2),
        capacity=1,
    )
    first = make_business(kec_a, name="Kerupuk Lele Satu")
    second = make_business(kec_a, name="Kerupuk Lele Dua")
    client.force_login(dinas_sidoarjo)

    response = client.post(
        reverse("programs:training_record", args=[training.pk]), {"business": [first.pk, second.pk], "cari": "kerupuk"}
    )

    assert training.enrollments.count() == 1
    refused = second if training.enrollments.filter(business=first).exists() else first
    assert response.status_code == 400
    html = response.content.decode()
    assert 'name="cari" value="kerupuk"' in html
    assert f'value="{refused.pk}" id="rec{refused.pk}" checked aria-invalid="true"' in html
    assert f'id="rec-error-{refused.pk}">' in html


def test_refused_curation_scores_come_back_as_typed(client, call, coordinator_a, dinas_sidoarjo, kec_a):  # noqa: F811
    submission = submit_to_curation(call, make_product(make_business(kec_a)), by=coordinator_a)
    kemasan, mutu = call.criteria.all()
    client.force_login(dinas_sidoarjo)

    response = client.post(
        reverse("programs:curationsubmission_action", args=[submission.pk, "nilai"]),
        {"version": submission.version, f"score-{kemasan.pk}": "4", f"score-{mutu.pk}": "9"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert f'name="score-{kemasan.pk}" value="4"' in html
    assert f'name="score-{mutu.pk}" value="9" aria-invalid="true"' in html
    assert f'id="score-error-{mutu.pk}">Nilai harus angka bulat 0 sampai 5.</div>' in html
    assert not CurationScore.objects.exists()


#
# Two editors of one participants' table
#


def test_a_completion_saved_by_another_editor_is_not_overwritten(
    client, coordinator_a, dinas_sidoarjo, kab_sidoarjo, kec_a
):
    from programs.services import complete_enrollment

    training = make_training(kab_sidoarjo, dinas_sidoarjo)
    sri = confirmed(training, make_business(kec_a, name="Lumpia Bu Sri"), coordinator_a, dinas_sidoarjo)
    ike = confirmed(training, make_business(kec_a, name="Bandeng Bu Ike"), coordinator_a, dinas_sidoarjo)
    mark_attendance(training.sessions.first(), present_ids=[sri.pk, ike.pk], by=dinas_sidoarjo)
    url = reverse("programs:training_completion", args=[training.pk])
    client.force_login(dinas_sidoarjo)
    page = client.get(reverse("programs:training_detail", args=[training.pk])).content.decode()
    assert f'name="shown-{sri.pk}" value="||0"' in page
    # A second officer saves Sri's scores and completion while the first still has the page open.
    complete_enrollment(sri, completed=True, pre_score=60, post_score=88, by=dinas_sidoarjo)

    # The first saves the page as it was opened, with Ike's scores typed and Sri's row as it was shown.
    response = client.post(
        url,
        {
            f"shown-{sri.pk}": "||0",
            f"pre-{sri.pk}": "",
            f"post-{sri.pk}": "",
            f"shown-{ike.pk}": "||0",
            f"pre-{ike.pk}": "55",
            f"post-{ike.pk}": "75",
            f"completed-{ike.pk}": "on",
        },
    )

    sri.refresh_from_db()
    ike.refresh_from_db()
    assert (sri.pre_score, sri.post_score, sri.completed_at is not None) == (60, 88, True)  # left as saved
    assert (ike.pre_score, ike.post_score, ike.completed_at is not None) == (55, 75, True)
    assert response.status_code == 302


def test_a_row_changed_by_both_editors_is_refused_with_what_is_stored_now(
    client, coordinator_a, dinas_sidoarjo, kab_sidoarjo, kec_a
):
    from programs.services import complete_enrollment

    training = make_training(kab_sidoarjo, dinas_sidoarjo)
    sri = confirmed(training, make_business(kec_a, name="Lumpia Bu Sri"), coordinator_a, dinas_sidoarjo)
    mark_attendance(training.sessions.first(), present_ids=[sri.pk], by=dinas_sidoarjo)
    complete_enrollment(sri, completed=True, pre_score=60, post_score=88, by=dinas_sidoarjo)
    client.force_login(dinas_sidoarjo)

    response = client.post(
        reverse("programs:training_completion", args=[training.pk]),
        {f"shown-{sri.pk}": "||0", f"pre-{sri.pk}": "50", f"post-{sri.pk}": "70"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Baris ini diubah orang lain sejak halaman dibuka (kini pre 60, post 88, lulus ya)" in html
    assert f'name="pre-{sri.pk}" value="50" aria-invalid="true"' in html  # what was typed, kept
    assert f'name="shown-{sri.pk}" value="60|88|1"' in html  # saving again now overwrites knowingly
    sri.refresh_from_db()
    assert (sri.pre_score, sri.post_score, sri.completed_at is not None) == (60, 88, True)

    again = client.post(
        reverse("programs:training_completion", args=[training.pk]),
        {f"shown-{sri.pk}": "60|88|1", f"pre-{sri.pk}": "50", f"post-{sri.pk}": "70"},
    )
    sri.refresh_from_db()
    assert again.status_code == 302
    assert (sri.pre_score, sri.post_score, sri.completed_at) == (50, 70, None)


def test_a_participant_confirmed_after_the_page_was_opened_is_left_alone(
    client, coordinator_a, dinas_sidoarjo, kab_sidoarjo, kec_a
):
    from programs.services import complete_enrollment

    training = make_training(kab_sidoarjo, dinas_sidoarjo)
    sri = confirmed(training, make_business(kec_a), coordinator_a, dinas_sidoarjo)
    late = confirmed(training, make_business(kec_a), coordinator_a, dinas_sidoarjo)
    mark_attendance(training.sessions.first(), present_ids=[sri.pk, late.pk], by=dinas_sidoarjo)
    complete_enrollment(late, completed=True, pre_score=40, post_score=90, by=dinas_sidoarjo)
    client.force_login(dinas_sidoarjo)

    # The page had only Sri's row.
    client.post(
        reverse("programs:training_completion", args=[training.pk]),
        {f"shown-{sri.pk}": "||0", f"pre-{sri.pk}": "45", f"post-{sri.pk}": "80", f"completed-{sri.pk}": "on"},
    )

    late.refresh_from_db()
    assert (late.pre_score, late.post_score, late.completed_at is not None) == (40, 90, True)


def test_a_tampered_shown_row_is_a_message_not_an_error(client, coordinator_a, dinas_sidoarjo, kab_sidoarjo, kec_a):
    training = make_training(kab_sidoarjo, dinas_sidoarjo)
    sri = confirmed(training, make_business(kec_a), coordinator_a, dinas_sidoarjo)
    client.force_login(dinas_sidoarjo)

    response = client.post(
        reverse("programs:training_completion", args=[training.pk]),
        {f"shown-{sri.pk}": "x|y", f"pre-{sri.pk}": "45"},
    )

    assert response.status_code == 400
    assert "Formulir tidak lengkap; muat ulang halaman." in response.content.decode()
    sri.refresh_from_db()
    assert sri.pre_score is None
