from django.urls import reverse

from programs.services import decide_submission, refer_to_bank, score_submission, submit_to_curation
from registry.models import Business
from tests.factories import make_business, make_product
from tests.programs.test_curation import call  # noqa: F401 (fixture)


def test_a_referrals_changes_show_who_changed_what_on_its_page_and_in_admin(
    client, coordinator_a, bank_officer, bank, kec_a, portal_admin
):
    business = make_business(kec_a, verification=Business.Verification.VERIFIED)
    referral = refer_to_bank(
        business, bank=bank, credit_product="kur_mikro", amount=50_000_000, purpose="Oven", by=coordinator_a
    )
    step = reverse("programs:bankreferral_step", args=[referral.pk])
    client.force_login(coordinator_a)
    client.post(step, {"to_status": "dikirim", "version": 1})
    client.force_login(bank_officer)
    client.post(step, {"to_status": "diproses", "version": 2})
    client.force_login(coordinator_a)

    page = client.get(referral.get_absolute_url())

    entries = page.context["history"]
    assert [entry["user"] for entry in entries][:2] == [bank_officer, coordinator_a]
    changed = {change["field"] for entry in entries for change in entry["changes"]}
    assert "status" in changed
    assert "Riwayat perubahan" in page.content.decode()
    client.force_login(portal_admin)
    assert client.get(reverse("admin:programs_bankreferral_history", args=[referral.pk])).status_code == 200


def test_the_history_shows_a_score_as_a_number_and_people_by_name(client, call, coordinator_a, dinas_sidoarjo, kec_a):  # noqa: F811
    dinas_sidoarjo.first_name, dinas_sidoarjo.last_name = "Agus", "Salim"
    dinas_sidoarjo.save()
    submission = submit_to_curation(call, make_product(make_business(kec_a)), by=coordinator_a)
    score_submission(submission, scores={c.pk: 4 for c in call.criteria.all()}, by=dinas_sidoarjo)
    decide_submission(submission, decision="perbaikan", feedback="Urus sertifikat halal.", by=dinas_sidoarjo)
    client.force_login(dinas_sidoarjo)

    entries = client.get(submission.get_absolute_url()).context["history"]

    changes = [change for entry in entries for change in entry["changes"]]
    assert {"field": "nilai akhir", "old": "", "new": "80"} in changes  # not "Rp 80", not Decimal('80.0')
    assert "Agus Salim" in [change["new"] for change in changes]  # who decided: a name, never a user id
    assert dinas_sidoarjo.pk not in [change["new"] for change in changes]
