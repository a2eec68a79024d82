from django.urls import reverse

from programs.services import refer_to_bank
from registry.models import Business
from tests.factories import make_business


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
