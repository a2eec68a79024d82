"""Trainings and curation calls edited, rescheduled, cancelled and recorded after the fact (issue 18, item 2)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from programs.models import CurationCall, CurationCriterion, Enrollment, Training, TrainingSession
from programs.services import (
    cancel_curation_call,
    cancel_training,
    complete_enrollment,
    decide_enrollment,
    decide_submission,
    mark_attendance,
    nominate,
    open_curation_call,
    record_participant,
    reschedule_curation_call,
    reschedule_training,
    score_submission,
    submit_to_curation,
    update_curation_call,
    update_training,
)
from registry import roles
from tests.factories import make_business, make_product, make_user
from tests.programs.test_trainings import make_training

DAY = datetime.timedelta(days=1)


@pytest.fixture
def training(dinas_sidoarjo, kab_sidoarjo):
    return make_training(kab_sidoarjo, dinas_sidoarjo, capacity=3)


@pytest.fixture
def held(dinas_sidoarjo, kab_sidoarjo):
    """A training that took place last week and was entered only now."""
    return make_training(
        kab_sidoarjo,
        dinas_sidoarjo,
        title="Pembukuan Sederhana",
        start_on=timezone.localdate() - 7 * DAY,
        end_on=timezone.localdate() - 6 * DAY,
        capacity=8,
    )


def fresh(record):
    return type(record).objects.get(pk=record.pk)


#
# Editing under optimistic locking
#


def test_a_typo_is_corrected_and_the_history_names_who(training, dinas_sidoarjo):
    training = fresh(training)
    training.title = "Kemasan dan Label Halal"

    update_training(training, version=training.version, by=dinas_sidoarjo)

    saved = fresh(training)
    assert saved.title == "Kemasan dan Label Halal"
    assert saved.version == 2
    assert saved.history.first().history_user == dinas_sidoarjo


def test_an_edit_from_an_older_read_is_refused_with_the_other_persons_name(training, kab_sidoarjo, dinas_sidoarjo):
    colleague = make_user(roles.DINAS, kabupaten=kab_sidoarjo, first_name="Siti", last_name="Aminah")
    mine, theirs = fresh(training), fresh(training)
    theirs.venue = "Aula Kecamatan"
    update_training(theirs, version=theirs.version, by=colleague)
    mine.title = "Judul saya"

    with pytest.raises(ValidationError, match="Siti Aminah"):
        update_training(mine, version=mine.version, by=dinas_sidoarjo)

    assert fresh(training).title == "Kemasan dan Label"


def test_capacity_never_drops_below_the_confirmed_participants(training, coordinator_a, dinas_sidoarjo, kec_a):
    for name in ("A", "B"):
        enrollment = nominate(training, make_business(kec_a, name=name), by=coordinator_a)
        decide_enrollment(enrollment, confirm=True, by=dinas_sidoarjo)
    training = fresh(training)
    training.capacity = 1

    with pytest.raises(ValidationError, match="2 peserta terkonfirmasi"):
        update_training(training, version=training.version, by=dinas_sidoarjo)


def test_a_session_with_attendance_is_not_removed(held, dinas_sidoarjo, kec_a):
    enrollment = record_participant(held, make_business(kec_a), by=dinas_sidoarjo)
    session = held.sessions.first()
    mark_attendance(session, present_ids=[enrollment.pk], by=dinas_sidoarjo)
    held = fresh(held)

    with pytest.raises(ValidationError, match="sudah punya presensi"):
        update_training(held, version=held.version, removed_sessions=[session], by=dinas_sidoarjo)

    assert TrainingSession.objects.filter(pk=session.pk).exists()


def test_sessions_stay_within_corrected_dates(training, dinas_sidoarjo):
    training = fresh(training)
    training.end_on = training.start_on

    with pytest.raises(ValidationError, match="di luar tanggal"):
        update_training(training, version=training.version, by=dinas_sidoarjo)


def test_the_kabupaten_of_a_training_does_not_change(training, dinas_sidoarjo, kec_other_kabupaten):
    training = fresh(training)
    training.kabupaten = kec_other_kabupaten.kabupaten

    with pytest.raises(ValidationError, match="Kabupaten penyelenggara"):
        update_training(training, version=training.version, by=dinas_sidoarjo)


def test_another_kabupatens_dinas_may_not_edit(training, dinas_other):
    training = fresh(training)

    with pytest.raises(PermissionDenied):
        update_training(training, version=training.version, by=dinas_other)


#
# Rescheduling and cancelling
#


def test_rescheduling_moves_the_sessions_and_keeps_the_reason(training, dinas_sidoarjo):
    old_start = training.start_on
    sessions_before = sorted(training.sessions.values_list("on", flat=True))

    moved = reschedule_training(
        training,
        start_on=old_start + 14 * DAY,
        end_on=training.end_on + 14 * DAY,
        reason="Aula dipakai untuk pemilihan kepala desa.",
        version=1,
        by=dinas_sidoarjo,
    )

    assert moved.rescheduled_from == old_start
    assert moved.reschedule_reason == "Aula dipakai untuk pemilihan kepala desa."
    assert sorted(moved.sessions.values_list("on", flat=True)) == [day + 14 * DAY for day in sessions_before]


def test_the_training_list_says_rescheduled_and_the_seats_in_both_languages(client, training, dinas_sidoarjo):
    from django.urls import reverse

    reschedule_training(
        training,
        start_on=training.start_on + 14 * DAY,
        end_on=training.end_on + 14 * DAY,
        reason="Aula dipakai.",
        version=1,
        by=dinas_sidoarjo,
    )
    client.force_login(dinas_sidoarjo)

    indonesian = client.get(reverse("programs:training_list")).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(reverse("programs:training_list")).content.decode()

    assert "(dijadwalkan ulang)" in indonesian
    assert "(rescheduled)" in english
    assert f"0/{training.capacity}" in indonesian


@pytest.mark.parametrize(
    ("start", "end", "reason", "message"),
    [
        (10, 11, "  ", "alasan"),
        (-1, 1, "Hujan", "sebelum hari ini"),
        (12, 10, "Hujan", "sesudah tanggal mulai"),
        (7, 8, "Hujan", "sama dengan jadwal"),
        (20, 20, "Hujan", "di luar jadwal baru"),
    ],
)
def test_reschedule_guards(training, dinas_sidoarjo, start, end, reason, message):
    with pytest.raises(ValidationError, match=message):
        reschedule_training(
            training,
            start_on=timezone.localdate() + start * DAY,
            end_on=timezone.localdate() + end * DAY,
            reason=reason,
            version=1,
            by=dinas_sidoarjo,
        )

    assert fresh(training).start_on == timezone.localdate() + 7 * DAY


def test_a_held_training_is_neither_rescheduled_nor_cancelled(held, dinas_sidoarjo, kec_a):
    enrollment = record_participant(held, make_business(kec_a), by=dinas_sidoarjo)
    mark_attendance(held.sessions.first(), present_ids=[enrollment.pk], by=dinas_sidoarjo)

    with pytest.raises(ValidationError, match="sudah dicatat"):
        reschedule_training(
            held,
            start_on=timezone.localdate() + DAY,
            end_on=timezone.localdate() + 2 * DAY,
            reason="Ulang",
            version=1,
            by=dinas_sidoarjo,
        )
    with pytest.raises(ValidationError, match="tidak dapat dibatalkan"):
        cancel_training(held, reason="Salah", version=1, by=dinas_sidoarjo)


def test_cancelling_needs_a_reason_and_closes_every_next_step(training, coordinator_a, dinas_sidoarjo, kec_a):
    nominee = nominate(training, make_business(kec_a, name="Sinom"), by=coordinator_a)
    with pytest.raises(ValidationError, match="alasan"):
        cancel_training(training, reason="", version=1, by=dinas_sidoarjo)

    cancel_training(training, reason="Anggaran dialihkan.", version=1, by=dinas_sidoarjo)

    with pytest.raises(ValidationError, match="dibatalkan"):
        nominate(training, make_business(kec_a), by=coordinator_a)
    with pytest.raises(ValidationError, match="dibatalkan"):
        decide_enrollment(nominee, confirm=True, by=dinas_sidoarjo)
    with pytest.raises(ValidationError, match="sudah dibatalkan"):
        cancel_training(training, reason="Lagi", version=2, by=dinas_sidoarjo)
    training = fresh(training)
    training.title = "X"
    with pytest.raises(ValidationError, match="sudah dibatalkan"):
        update_training(training, version=training.version, by=dinas_sidoarjo)


def test_a_stale_cancel_is_refused(training, dinas_sidoarjo):
    with pytest.raises(ValidationError, match="sudah diubah oleh"):
        cancel_training(training, reason="Anggaran dialihkan.", version=0, by=dinas_sidoarjo)

    assert not fresh(training).is_cancelled


def test_participants_and_coordinators_read_the_cancellation(client, training, coordinator_a, dinas_sidoarjo, kec_a):
    business = make_business(kec_a, name="Sinom Wuluh")
    decide_enrollment(nominate(training, business, by=coordinator_a), confirm=True, by=dinas_sidoarjo)
    cancel_training(training, reason="Narasumber berhalangan.", version=1, by=dinas_sidoarjo)
    client.force_login(coordinator_a)

    page = client.get(training.get_absolute_url()).content.decode()
    worklist = client.get(reverse("reports:coordinator")).content.decode()
    ledger = client.get(reverse("programs:business_ledger", args=[business.pk])).content.decode()

    assert "Narasumber berhalangan." in page
    assert "Nominasi ditutup karena pelatihan ini dibatalkan." in page
    assert "Narasumber berhalangan." in worklist
    assert "dibatalkan: Narasumber berhalangan." in ledger


def test_the_training_page_says_why_the_nomination_form_is_missing(client, held, coordinator_a):
    client.force_login(coordinator_a)

    html = client.get(held.get_absolute_url()).content.decode()

    assert 'name="business"' not in html
    assert f"Nominasi ditutup karena pelatihan sudah selesai pada {held.end_on:%d-%m-%Y}." in html


#
# Recording a held training after the fact
#


def test_a_held_training_is_recorded_after_the_fact(held, dinas_sidoarjo, kec_a, kec_b):
    came = make_business(kec_a, name="Kerupuk Lele")
    also = make_business(kec_b, name="Batik Krian")

    first = record_participant(held, came, by=dinas_sidoarjo)
    second = record_participant(held, also, by=dinas_sidoarjo)
    mark_attendance(held.sessions.first(), present_ids=[first.pk], by=dinas_sidoarjo)

    assert {first.status, second.status} == {Enrollment.Status.CONFIRMED}
    assert first.decided_by == dinas_sidoarjo
    assert first.attendances.get().present


def test_a_nominee_of_a_started_training_is_confirmed_by_recording(dinas_sidoarjo, coordinator_a, kec_a, kab_sidoarjo):
    running = make_training(
        kab_sidoarjo, dinas_sidoarjo, start_on=timezone.localdate() - DAY, end_on=timezone.localdate() + DAY
    )
    nominee = nominate(running, make_business(kec_a), by=coordinator_a)

    recorded = record_participant(running, nominee.business, by=dinas_sidoarjo)

    assert recorded.pk == nominee.pk
    assert recorded.status == Enrollment.Status.CONFIRMED


def test_record_after_the_fact_guards(held, training, dinas_sidoarjo, dinas_other, kec_a, kec_other_kabupaten):
    business = make_business(kec_a)
    with pytest.raises(ValidationError, match="baru dimulai"):
        record_participant(training, business, by=dinas_sidoarjo)
    with pytest.raises(PermissionDenied):
        record_participant(held, business, by=dinas_other)
    record_participant(held, business, by=dinas_sidoarjo)
    with pytest.raises(ValidationError, match="sudah tercatat"):
        record_participant(held, business, by=dinas_sidoarjo)
    held.capacity = 1
    held.save()
    with pytest.raises(ValidationError, match="sudah penuh"):
        record_participant(held, make_business(kec_a), by=dinas_sidoarjo)


def test_a_cancelled_training_records_no_participant(training, dinas_sidoarjo, kec_a):
    cancel_training(training, reason="Banjir.", version=1, by=dinas_sidoarjo)
    training.start_on = timezone.localdate() - DAY
    Training.objects.filter(pk=training.pk).update(start_on=timezone.localdate() - DAY)

    with pytest.raises(ValidationError, match="dibatalkan"):
        record_participant(training, make_business(kec_a), by=dinas_sidoarjo)


#
# Pages
#


def test_dinas_reschedules_through_the_page(client, training, dinas_sidoarjo):
    client.force_login(dinas_sidoarjo)
    url = reverse("programs:training_reschedule", args=[training.pk])

    response = client.post(
        url,
        {
            "version": "1",
            "start_on": (timezone.localdate() + 21 * DAY).isoformat(),
            "end_on": (timezone.localdate() + 22 * DAY).isoformat(),
            "reason": "Bertepatan dengan hari libur.",
        },
    )

    assert response.status_code == 302
    assert fresh(training).start_on == timezone.localdate() + 21 * DAY
    assert "Bertepatan dengan hari libur." in client.get(training.get_absolute_url()).content.decode()


def test_bad_reschedule_input_gives_a_message_and_writes_nothing(client, training, dinas_sidoarjo):
    client.force_login(dinas_sidoarjo)
    url = reverse("programs:training_reschedule", args=[training.pk])

    response = client.post(
        url,
        {
            "version": "1",
            "start_on": (timezone.localdate() + 12 * DAY).isoformat(),
            "end_on": (timezone.localdate() + 10 * DAY).isoformat(),
            "reason": "x",
        },
    )
    missing_version = client.post(url, {"start_on": "kemarin", "end_on": "", "reason": ""})

    assert response.status_code == 409
    assert "Tanggal selesai harus sesudah tanggal mulai." in response.content.decode()
    assert missing_version.status_code == 400
    assert "muat ulang halaman" in missing_version.content.decode()
    assert fresh(training).version == 1


def test_the_edit_page_refuses_an_older_read(client, training, kab_sidoarjo, dinas_sidoarjo):
    colleague = make_user(roles.DINAS, kabupaten=kab_sidoarjo, first_name="Budi", last_name="Santoso")
    other = fresh(training)
    other.venue = "Balai Desa"
    update_training(other, version=1, by=colleague)
    client.force_login(dinas_sidoarjo)
    form = {
        "version": "1",
        "organiser": "Dinas",
        "title": "Judul baru",
        "kind": "kemasan",
        "venue": "Pendopo",
        "start_on": training.start_on.isoformat(),
        "end_on": training.end_on.isoformat(),
        "capacity": "3",
        "session-TOTAL_FORMS": "0",
        "session-INITIAL_FORMS": "0",
    }

    response = client.post(reverse("programs:training_update", args=[training.pk]), form)

    assert response.status_code == 409
    assert "Budi Santoso" in response.content.decode()
    assert fresh(training).title == "Kemasan dan Label"


def test_dinas_edits_sessions_and_signatory_through_the_page(client, held, dinas_sidoarjo):
    client.force_login(dinas_sidoarjo)
    sessions = list(held.sessions.all())
    form = {
        "version": str(held.version),
        "organiser": held.organiser,
        "title": held.title,
        "kind": held.kind,
        "venue": held.venue,
        "start_on": held.start_on.isoformat(),
        "end_on": held.end_on.isoformat(),
        "capacity": "10",
        "signatory_name": "Dra. Endang Sulistyowati, M.Si.",
        "signatory_title": "Kepala Dinas Koperasi dan UMKM",
        "signatory_nip": "196805121994032007",
        "session-TOTAL_FORMS": "3",
        "session-INITIAL_FORMS": "2",
        "session-0-id": str(sessions[0].pk),
        "session-0-on": sessions[0].on.isoformat(),
        "session-0-topic": "Buku kas",
        "session-1-id": str(sessions[1].pk),
        "session-1-on": sessions[1].on.isoformat(),
        "session-1-topic": sessions[1].topic,
        "session-1-DELETE": "on",
        "session-2-on": "",
        "session-2-topic": "",
    }

    response = client.post(reverse("programs:training_update", args=[held.pk]), form)

    assert response.status_code == 302, response.content.decode()
    saved = fresh(held)
    assert (saved.capacity, saved.signatory_nip) == (10, "196805121994032007")
    assert list(saved.sessions.values_list("topic", flat=True)) == ["Buku kas"]


def test_a_bad_nip_is_refused_with_a_message(client, training, dinas_sidoarjo):
    client.force_login(dinas_sidoarjo)
    form = {
        "version": "1",
        "organiser": "Dinas",
        "title": "Kemasan dan Label",
        "kind": "kemasan",
        "venue": "Pendopo",
        "start_on": training.start_on.isoformat(),
        "end_on": training.end_on.isoformat(),
        "capacity": "3",
        "signatory_nip": "1968-05",
        "session-TOTAL_FORMS": "0",
        "session-INITIAL_FORMS": "0",
    }

    response = client.post(reverse("programs:training_update", args=[training.pk]), form)

    assert response.status_code == 400
    assert "NIP terdiri atas 18 angka." in response.content.decode()
    assert fresh(training).version == 1


def test_the_record_form_finds_members_and_records_them(client, held, dinas_sidoarjo, kec_a):
    business = make_business(kec_a, name="Tempe Mendoan Bu Sri")
    client.force_login(dinas_sidoarjo)

    found = client.get(held.get_absolute_url(), {"cari": "Mendoan"}).content.decode()
    response = client.post(reverse("programs:training_record", args=[held.pk]), {"business": [business.pk]})

    assert f'value="{business.pk}"' in found
    assert response.status_code == 302
    assert held.enrollments.confirmed().filter(business=business).exists()


def test_a_coordinator_is_offered_no_edit_step_and_gets_403(client, training, coordinator_a):
    client.force_login(coordinator_a)

    html = client.get(training.get_absolute_url()).content.decode()

    assert reverse("programs:training_update", args=[training.pk]) not in html
    assert client.get(reverse("programs:training_cancel", args=[training.pk])).status_code == 403


def test_the_training_page_has_a_query_ceiling(client, held, dinas_sidoarjo, kec_a, django_assert_max_num_queries):
    for n in range(5):
        record_participant(held, make_business(kec_a, name=f"Peserta {n}"), by=dinas_sidoarjo)
    client.force_login(dinas_sidoarjo)

    with django_assert_max_num_queries(40):
        response = client.get(held.get_absolute_url(), {"cari": "Peserta"})

    assert response.status_code == 200


#
# Curation calls
#


@pytest.fixture
def call(dinas_sidoarjo, kab_sidoarjo):
    return open_curation_call(
        CurationCall(
            kabupaten=kab_sidoarjo,
            organiser="Disperindag",
            title="Kurasi Oleh-oleh",
            channel="oleh_oleh",
            opens_on=timezone.localdate(),
            closes_on=timezone.localdate() + 10 * DAY,
        ),
        criteria=[CurationCriterion(name="Kemasan")],
        by=dinas_sidoarjo,
    )


def test_a_call_is_corrected_rescheduled_and_a_stale_edit_refused(call, kab_sidoarjo, dinas_sidoarjo):
    colleague = make_user(roles.DINAS, kabupaten=kab_sidoarjo, first_name="Rina", last_name="Wati")
    mine = fresh(call)
    theirs = fresh(call)
    theirs.partner = "Pusat Oleh-oleh Sidoarjo"
    update_curation_call(theirs, version=1, by=colleague)
    mine.title = "Judul saya"
    with pytest.raises(ValidationError, match="Rina Wati"):
        update_curation_call(mine, version=1, by=dinas_sidoarjo)

    moved = reschedule_curation_call(
        call,
        opens_on=timezone.localdate() + DAY,
        closes_on=timezone.localdate() + 20 * DAY,
        reason="Mitra minta diundur.",
        version=2,
        by=colleague,
    )

    assert (moved.rescheduled_from, moved.reschedule_reason) == (timezone.localdate(), "Mitra minta diundur.")
    assert moved.partner == "Pusat Oleh-oleh Sidoarjo"


def test_a_cancelled_call_takes_no_submission_and_no_scores(call, coordinator_a, dinas_sidoarjo, kec_a):
    submission = submit_to_curation(call, make_product(make_business(kec_a)), by=coordinator_a)

    cancel_curation_call(call, reason="Mitra mundur.", version=1, by=dinas_sidoarjo)

    with pytest.raises(ValidationError, match="dibatalkan"):
        submit_to_curation(call, make_product(make_business(kec_a)), by=coordinator_a)
    with pytest.raises(ValidationError, match="dibatalkan"):
        score_submission(submission, scores={call.criteria.get().pk: 4}, by=dinas_sidoarjo)


def test_the_coordinator_reads_a_calls_cancellation_on_its_page_list_and_the_ledger(
    client, call, coordinator_a, dinas_sidoarjo, kec_a
):
    business = make_business(kec_a)
    submit_to_curation(call, make_product(business), by=coordinator_a)
    cancel_curation_call(call, reason="Mitra ritel mundur.", version=1, by=dinas_sidoarjo)
    client.force_login(coordinator_a)

    page = client.get(call.get_absolute_url()).content.decode()
    listing = client.get(reverse("programs:curationcall_list")).content.decode()
    ledger = client.get(reverse("programs:business_ledger", args=[business.pk])).content.decode()

    assert "Mitra ritel mundur." in page
    assert "Pengajuan ditutup karena kurasi ini dibatalkan." in page
    assert "dibatalkan" in listing
    assert "kurasi dibatalkan: Mitra ritel mundur." in ledger


def test_a_call_with_a_decision_is_not_cancelled(call, coordinator_a, dinas_sidoarjo, kec_a):
    submission = submit_to_curation(call, make_product(make_business(kec_a)), by=coordinator_a)
    decide_submission(submission, decision="tidak_lolos", feedback="Kemasan bocor.", by=dinas_sidoarjo)

    with pytest.raises(ValidationError, match="produk yang diputuskan di kurasi"):
        cancel_curation_call(call, reason="Mitra mundur.", version=1, by=dinas_sidoarjo)


def test_the_call_page_says_why_submission_is_closed(client, call, coordinator_a, dinas_sidoarjo):
    reschedule_curation_call(
        call,
        opens_on=timezone.localdate() + 3 * DAY,
        closes_on=timezone.localdate() + 9 * DAY,
        reason="Menunggu mitra.",
        version=1,
        by=dinas_sidoarjo,
    )
    client.force_login(coordinator_a)

    html = client.get(call.get_absolute_url()).content.decode()

    assert f"Pengajuan baru dibuka {timezone.localdate() + 3 * DAY:%d-%m-%Y}." in html
    assert "Menunggu mitra." in html


def test_dinas_cancels_a_call_through_the_page(client, call, dinas_sidoarjo):
    client.force_login(dinas_sidoarjo)

    empty = client.post(reverse("programs:curationcall_cancel", args=[call.pk]), {"version": "1", "reason": ""})
    done = client.post(reverse("programs:curationcall_cancel", args=[call.pk]), {"version": "1", "reason": "Mundur."})

    assert empty.status_code == 400
    assert done.status_code == 302
    assert fresh(call).cancel_reason == "Mundur."


def test_a_cancelled_training_takes_no_attendance_scores_or_new_dates(held, dinas_sidoarjo, kec_a):
    enrollment = record_participant(held, make_business(kec_a), by=dinas_sidoarjo)
    cancel_training(held, reason="Data ganda.", version=1, by=dinas_sidoarjo)

    with pytest.raises(ValidationError, match="dibatalkan"):
        mark_attendance(held.sessions.first(), present_ids=[enrollment.pk], by=dinas_sidoarjo)
    with pytest.raises(ValidationError, match="dibatalkan"):
        complete_enrollment(enrollment, completed=False, post_score=80, by=dinas_sidoarjo)
    with pytest.raises(ValidationError, match="sudah dibatalkan"):
        reschedule_training(
            held,
            start_on=timezone.localdate() + DAY,
            end_on=timezone.localdate() + DAY,
            reason="Ulang",
            version=2,
            by=dinas_sidoarjo,
        )


def test_a_stale_reschedule_is_refused(training, dinas_sidoarjo):
    with pytest.raises(ValidationError, match="sudah diubah oleh"):
        reschedule_training(
            training,
            start_on=timezone.localdate() + 9 * DAY,
            end_on=timezone.localdate() + 10 * DAY,
            reason="Hujan",
            version=7,
            by=dinas_sidoarjo,
        )


def test_a_business_of_another_kabupaten_is_not_recorded(held, portal_admin, kec_other_kabupaten):
    with pytest.raises(ValidationError, match="di luar kabupaten penyelenggara"):
        record_participant(held, make_business(kec_other_kabupaten), by=portal_admin)


@pytest.mark.parametrize(
    ("opens", "closes", "reason", "message"),
    [(1, 5, "", "alasan"), (5, 1, "Mundur", "sesudah tanggal buka"), (-9, -1, "Mundur", "sebelum hari ini")],
)
def test_call_reschedule_guards(call, dinas_sidoarjo, opens, closes, reason, message):
    with pytest.raises(ValidationError, match=message):
        reschedule_curation_call(
            call,
            opens_on=timezone.localdate() + opens * DAY,
            closes_on=timezone.localdate() + closes * DAY,
            reason=reason,
            version=1,
            by=dinas_sidoarjo,
        )


def test_a_cancelled_call_is_neither_edited_decided_nor_moved(call, coordinator_a, dinas_sidoarjo, kec_a, dinas_other):
    submission = submit_to_curation(call, make_product(make_business(kec_a)), by=coordinator_a)
    with pytest.raises(PermissionDenied):
        cancel_curation_call(call, reason="Mundur.", version=1, by=dinas_other)
    cancel_curation_call(call, reason="Mundur.", version=1, by=dinas_sidoarjo)
    call = fresh(call)
    call.title = "Lain"

    with pytest.raises(ValidationError, match="sudah dibatalkan"):
        update_curation_call(call, version=call.version, by=dinas_sidoarjo)
    with pytest.raises(ValidationError, match="dibatalkan"):
        decide_submission(submission, decision="tidak_lolos", feedback="x", by=dinas_sidoarjo)
    with pytest.raises(ValidationError, match="sudah dibatalkan"):
        reschedule_curation_call(
            call,
            opens_on=timezone.localdate(),
            closes_on=timezone.localdate() + DAY,
            reason="Lagi",
            version=call.version,
            by=dinas_sidoarjo,
        )


def test_a_call_is_corrected_through_its_page_and_an_older_read_refused(client, call, kab_sidoarjo, dinas_sidoarjo):
    form = {
        "organiser": "Disperindag",
        "title": "Kurasi Oleh-oleh Khas Sidoarjo",
        "channel": "oleh_oleh",
        "partner": "",
        "opens_on": call.opens_on.isoformat(),
        "closes_on": call.closes_on.isoformat(),
        "description": "",
    }
    url = reverse("programs:curationcall_update", args=[call.pk])
    client.force_login(dinas_sidoarjo)

    assert client.get(url).status_code == 200
    missing = client.post(url, form)  # no version: the form is refused, nothing written
    assert missing.status_code == 400
    assert "muat ulang halaman" in missing.content.decode()
    saved = client.post(url, {**form, "version": "1"})
    assert saved.status_code == 302
    assert fresh(call).title == "Kurasi Oleh-oleh Khas Sidoarjo"

    colleague = make_user(roles.DINAS, kabupaten=kab_sidoarjo, first_name="Rina", last_name="Wati")
    other = fresh(call)
    other.partner = "Pusat Oleh-oleh"
    update_curation_call(other, version=2, by=colleague)
    stale = client.post(url, {**form, "title": "Judul lama", "version": "2"})

    assert stale.status_code == 409
    assert "Rina Wati" in stale.content.decode()
    assert fresh(call).title == "Kurasi Oleh-oleh Khas Sidoarjo"


def _searched_names(queries):
    return [query["sql"] for query in queries.captured_queries if "umkm_search_key" in query["sql"]]


TOO_SHORT = "Ketik paling sedikit 3 huruf atau angka berurutan untuk mencari"


def test_a_pick_list_search_of_two_letters_is_not_run_and_says_why(
    client, call, training, held, coordinator_a, dinas_sidoarjo, kec_a
):
    """A name without three letters or digits in a row ("ab") read every product or business that the names'
    trigram index points at (10 s at a million): the curation call's product search, the training's nominee
    search and its after-the-fact record search say why instead, and search nothing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    business = make_business(kec_a, name="Abon Sapi Bu Ab")
    make_product(business, name="Abon Sapi")
    pages = [
        (coordinator_a, call.get_absolute_url(), "produk", "product-too-short"),
        (coordinator_a, training.get_absolute_url(), "anggota", "nominee-too-short"),
        (dinas_sidoarjo, held.get_absolute_url(), "cari", "record-too-short"),
    ]
    for user, url, parameter, message_id in pages:
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url, {parameter: "ab"}).content.decode()
        found = client.get(url, {parameter: "abon"}).content.decode()

        assert f'id="{message_id}"' in page, url
        assert TOO_SHORT in page
        assert not _searched_names(queries), url
        assert f'id="{message_id}"' not in found
        assert "Abon Sapi" in found, url


def test_a_calls_page_shows_its_newest_submissions_and_links_to_the_rest(
    client, call, coordinator_a, dinas_sidoarjo, kec_a, monkeypatch, django_assert_num_queries
):
    """A call with 20,000 submissions rendered them all (4.3 s at a million): the page shows the newest, and the
    curated products' list of the call has the rest."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from programs.views import CurationCallDetailView

    monkeypatch.setattr(CurationCallDetailView, "submissions_shown", 2)
    names = ["Keripik Pisang", "Kopi Bubuk", "Sambal Roa"]
    for name in names:
        submit_to_curation(call, make_product(make_business(kec_a), name=name), by=coordinator_a)
    client.force_login(dinas_sidoarjo)

    with CaptureQueriesContext(connection) as few:
        page = client.get(call.get_absolute_url()).content.decode()
    submit_to_curation(call, make_product(make_business(kec_a), name="Tenun Ikat"), by=coordinator_a)
    with django_assert_num_queries(len(few.captured_queries)):
        more = client.get(call.get_absolute_url()).content.decode()
    listed = client.get(reverse("programs:curationsubmission_list"), {"call": call.pk}).content.decode()

    assert "Sambal Roa" in page
    assert "Kopi Bubuk" in page
    assert "Keripik Pisang" not in page  # the oldest, on the list
    assert f'href="{reverse("programs:curationsubmission_list")}?call={call.pk}"' in page
    assert "Yang tampil: 2 ajuan terbaru." in page
    assert "Tenun Ikat" in more
    assert all(name in listed for name in names)
