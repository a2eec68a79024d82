"""Issue 19, item 2, for the programs: a step or a decision taken on a page read before someone else's
is refused with that person's name, and what the other person did stays."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from programs.models import BankReferral, CurationSubmission, Enrollment
from programs.services import (
    decide_enrollment,
    decide_submission,
    move_referral,
    nominate,
    score_submission,
    submit_to_curation,
)
from registry import roles
from tests.factories import make_bank, make_business, make_product, make_user
from tests.programs import test_curation
from tests.programs.test_referrals import refer, verified_business
from tests.programs.test_trainings import make_training


def name(user):
    return user.get_full_name() or user.get_username()


#
# Bank referrals
#


def read_step_version(client, referral):
    """The referral page as the user sees it: the version its step forms carry."""
    page = client.get(referral.get_absolute_url())
    assert page.status_code == 200
    return page.context["bankreferral"].version


def test_a_cancel_chosen_on_a_draft_is_refused_once_a_colleague_sent_it(client, coordinator_a, bank, kec_a):
    """Before: the cancel chosen on the draft's page went through on the referral the colleague had just
    sent to the bank (cancelling is allowed from both), and nobody was told."""
    colleague = make_user(roles.COORDINATOR, kecamatan=kec_a, first_name="Rina", last_name="Pengirim")
    referral = refer(verified_business(kec_a), bank, coordinator_a)
    client.force_login(coordinator_a)
    version = read_step_version(client, referral)

    move_referral(referral, to_status="dikirim", by=colleague, version=version)
    answer = client.post(
        reverse("programs:bankreferral_step", args=[referral.pk]),
        {"to_status": "dibatalkan", "version": version},
        follow=True,
    )

    referral.refresh_from_db()
    assert referral.status == BankReferral.Status.SENT
    assert "sudah diubah oleh Rina Pengirim" in answer.content.decode()


def test_a_step_posted_without_the_pages_version_is_refused(client, coordinator_a, bank, kec_a):
    referral = refer(verified_business(kec_a), bank, coordinator_a)
    client.force_login(coordinator_a)

    answer = client.post(
        reverse("programs:bankreferral_step", args=[referral.pk]), {"to_status": "dikirim", "version": "²"}, follow=True
    )

    referral.refresh_from_db()
    assert answer.status_code == 200
    assert referral.status == BankReferral.Status.DRAFT
    assert "muat ulang halaman" in answer.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_people_moving_one_referral_at_once_move_it_once(kec_a):
    """A coordinator cancels and a colleague sends, from the same page, at the same moment: exactly one
    step is taken and the other is told who took it."""
    bank = make_bank()
    first = make_user(roles.COORDINATOR, kecamatan=kec_a, first_name="Ani", last_name="Satu")
    second = make_user(roles.COORDINATOR, kecamatan=kec_a, first_name="Budi", last_name="Dua")
    referral = refer(verified_business(kec_a), bank, first)
    url = reverse("programs:bankreferral_step", args=[referral.pk])
    barrier = threading.Barrier(2)
    pages = {}

    def post(user, to_status):
        try:
            client = Client()
            client.force_login(user)
            barrier.wait()
            pages[user.pk] = client.post(url, {"to_status": to_status, "version": 1}, follow=True).content.decode()
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=args) for args in ((first, "dibatalkan"), (second, "dikirim"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    referral.refresh_from_db()
    assert referral.events.count() == 2  # the draft and one step
    loser = second if referral.status == BankReferral.Status.CANCELLED else first
    winner = first if loser is second else second
    assert f"sudah diubah oleh {name(winner)}" in pages[loser.pk]


#
# Curation
#


def read_submission_version(client, submission):
    page = client.get(submission.get_absolute_url())
    assert page.status_code == 200
    return page.context["object"].version


call = test_curation.call  # the fixture: a call with two criteria and two required documents


@pytest.fixture
def submission(request, coordinator_a, kec_a):
    curation_call = request.getfixturevalue("call")
    return submit_to_curation(curation_call, make_product(make_business(kec_a)), by=coordinator_a)


@pytest.fixture
def curator(kab_sidoarjo):
    return make_user(roles.DINAS, kabupaten=kab_sidoarjo, first_name="Sari", last_name="Kurator")


def test_scores_from_a_page_read_before_a_colleagues_scores_do_not_overwrite_them(
    client, submission, dinas_sidoarjo, curator
):
    """Before: the second curator's form, holding the scores it was read with, silently replaced the
    colleague's scores."""
    client.force_login(dinas_sidoarjo)
    version = read_submission_version(client, submission)
    criteria = list(submission.call.criteria.all())

    score_submission(submission, scores={c.pk: 5 for c in criteria}, by=curator, version=version)
    answer = client.post(
        reverse("programs:curationsubmission_action", args=[submission.pk, "nilai"]),
        {f"score-{c.pk}": "1" for c in criteria} | {"version": version},
        follow=True,
    )

    assert "sudah diubah oleh Sari Kurator" in answer.content.decode()
    assert sorted(submission.scores.values_list("score", flat=True)) == [5, 5]


def test_a_decision_from_a_page_read_before_a_colleagues_decision_names_them(
    client, submission, dinas_sidoarjo, curator
):
    client.force_login(dinas_sidoarjo)
    version = read_submission_version(client, submission)

    decide_submission(submission, decision="perbaikan", feedback="Label belum lengkap.", by=curator, version=version)
    answer = client.post(
        reverse("programs:curationsubmission_action", args=[submission.pk, "putuskan"]),
        {"decision": "tidak_lolos", "feedback": "Harga terlalu tinggi.", "version": version},
        follow=True,
    )

    submission.refresh_from_db()
    assert "sudah diubah oleh Sari Kurator" in answer.content.decode()
    assert (submission.decision, submission.feedback) == (CurationSubmission.Decision.REVISE, "Label belum lengkap.")


#
# Nominations
#


def test_a_nominee_decided_by_a_colleague_is_refused_with_their_name(
    client, dinas_sidoarjo, coordinator_a, kab_sidoarjo, kec_a
):
    """Before: "already decided" without saying by whom."""
    colleague = make_user(roles.DINAS, kabupaten=kab_sidoarjo, first_name="Wati", last_name="Penentu")
    training = make_training(kab_sidoarjo, dinas_sidoarjo)
    enrollment = nominate(training, make_business(kec_a), by=coordinator_a)
    client.force_login(dinas_sidoarjo)

    decide_enrollment(enrollment, confirm=True, by=colleague)
    answer = client.post(
        reverse("programs:enrollment_decide", args=[enrollment.pk]), {"action": "decline"}, follow=True
    )

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CONFIRMED
    assert "oleh Wati Penentu" in answer.content.decode()
