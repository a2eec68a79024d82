import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from programs.models import BankReferral
from programs.services import move_referral, refer_to_bank
from registry import roles
from registry.models import AccessLog, Business
from tests.factories import make_bank, make_business, make_figure, make_user

LIST = reverse("programs:bankreferral_list")


def verified_business(kecamatan, **overrides):
    return make_business(kecamatan, verification=Business.Verification.VERIFIED, **overrides)


def refer(business, bank, by, **overrides):
    fields = {"credit_product": "kur_mikro", "amount": 50_000_000, "purpose": "Modal bahan baku"} | overrides
    return refer_to_bank(business, bank=bank, by=by, **fields)


#
# Service
#


def test_referral_goes_from_draft_to_disbursement_with_every_step_recorded(coordinator_a, bank_officer, bank, kec_a):
    referral = refer(verified_business(kec_a), bank, coordinator_a)

    move_referral(referral, to_status="dikirim", by=coordinator_a)
    move_referral(referral, to_status="diproses", by=bank_officer)
    move_referral(referral, to_status="disetujui", by=bank_officer, amount=40_000_000)
    move_referral(referral, to_status="dicairkan", by=bank_officer, amount=40_000_000, on=datetime.date.today())

    referral.refresh_from_db()
    assert (referral.status, referral.amount_approved, referral.amount_disbursed) == (
        "dicairkan",
        40_000_000,
        40_000_000,
    )
    assert [(e.to_status, e.by) for e in referral.events.all()] == [
        ("draft", coordinator_a),
        ("dikirim", coordinator_a),
        ("diproses", bank_officer),
        ("disetujui", bank_officer),
        ("dicairkan", bank_officer),
    ]


@pytest.mark.parametrize(
    ("who", "step"),
    [
        ("bank_officer", "dikirim"),  # the bank cannot send on the coordinator's behalf
        ("coordinator_a", "diproses"),  # the coordinator cannot decide for the bank
        ("coordinator_a", "disetujui"),
        ("coordinator_a", "dicairkan"),  # no skipping approval
    ],
)
def test_illegal_transitions_are_refused(request, coordinator_a, bank, bank_officer, kec_a, who, step):
    referral = refer(verified_business(kec_a), bank, coordinator_a)

    with pytest.raises(ValidationError, match="tidak dapat diubah"):
        move_referral(referral, to_status=step, by=request.getfixturevalue(who), amount=1, on=datetime.date.today())

    assert BankReferral.objects.get().status == "draft"


def test_bank_cannot_disburse_before_approval_or_above_it(coordinator_a, bank_officer, bank, kec_a):
    referral = refer(verified_business(kec_a), bank, coordinator_a)
    move_referral(referral, to_status="dikirim", by=coordinator_a)
    move_referral(referral, to_status="diproses", by=bank_officer)

    with pytest.raises(ValidationError):
        move_referral(referral, to_status="dicairkan", by=bank_officer, amount=1_000_000, on=datetime.date.today())
    move_referral(referral, to_status="disetujui", by=bank_officer, amount=30_000_000)
    with pytest.raises(ValidationError, match="melebihi"):
        move_referral(referral, to_status="dicairkan", by=bank_officer, amount=31_000_000, on=datetime.date.today())
    with pytest.raises(ValidationError, match="jumlah dan tanggal"):
        move_referral(referral, to_status="dicairkan", by=bank_officer, amount=30_000_000)


def test_rejection_needs_a_reason(coordinator_a, bank_officer, bank, kec_a):
    referral = refer(verified_business(kec_a), bank, coordinator_a)
    move_referral(referral, to_status="dikirim", by=coordinator_a)

    with pytest.raises(ValidationError, match="alasan"):
        move_referral(referral, to_status="ditolak", by=bank_officer, note="  ")
    move_referral(referral, to_status="ditolak", by=bank_officer, note="Usaha belum 6 bulan")

    assert BankReferral.objects.get().decision_note == "Usaha belum 6 bulan"


def test_officer_of_another_bank_cannot_decide(coordinator_a, bank, kec_a):
    other_officer = make_user(roles.BANK, bank=make_bank())
    referral = refer(verified_business(kec_a), bank, coordinator_a)
    move_referral(referral, to_status="dikirim", by=coordinator_a)

    with pytest.raises(ValidationError):
        move_referral(referral, to_status="diproses", by=other_officer)


def test_second_open_referral_to_the_same_bank_is_refused(coordinator_a, bank, kec_a):
    business = verified_business(kec_a)
    refer(business, bank, coordinator_a)

    with pytest.raises(ValidationError, match="rujukan terbuka"):
        refer(business, bank, coordinator_a, amount=20_000_000)
    refer(business, make_bank(), coordinator_a)  # another bank is fine

    assert BankReferral.objects.count() == 2


def test_after_a_cancellation_a_new_referral_is_allowed(coordinator_a, bank, kec_a):
    business = verified_business(kec_a)
    move_referral(refer(business, bank, coordinator_a), to_status="dibatalkan", by=coordinator_a)

    refer(business, bank, coordinator_a)

    assert BankReferral.objects.open().count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_referrals_to_one_bank_store_one(kec_a):
    coordinator = make_user(roles.COORDINATOR, kecamatan=kec_a)
    bank = make_bank()
    business = verified_business(kec_a)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt():
        try:
            barrier.wait()
            refer(business, bank, coordinator)
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert BankReferral.objects.count() == 1
    assert sorted(outcomes) == ["Usaha ini sudah punya rujukan terbuka ke bank tersebut.", "ok"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"credit_product": "kur_super_mikro", "amount": 15_000_000}, "KUR Super Mikro"),
        ({"credit_product": "kur_mikro", "amount": 5_000_000}, "KUR Mikro"),
        ({"credit_product": "kur_kecil", "amount": 600_000_000}, "KUR Kecil"),
    ],
)
def test_amount_must_fit_the_kur_product(coordinator_a, bank, kec_a, overrides, message):
    with pytest.raises(ValidationError, match=message):
        refer(verified_business(kec_a), bank, coordinator_a, **overrides)


def test_only_verified_active_businesses_of_the_area_are_referred(coordinator_a, bank, kec_a, kec_b):
    with pytest.raises(ValidationError, match="terverifikasi"):
        refer(make_business(kec_a), bank, coordinator_a)
    with pytest.raises(ValidationError, match="aktif"):
        refer(verified_business(kec_a, status="tutup"), bank, coordinator_a)
    with pytest.raises(PermissionDenied):
        refer(verified_business(kec_b), bank, coordinator_a)


#
# Views
#


def test_coordinator_refers_through_the_form(client, coordinator_a, bank, bank_officer, kec_a):
    business = verified_business(kec_a)
    client.force_login(coordinator_a)

    response = client.post(
        reverse("programs:bankreferral_create", args=[business.pk]),
        {"bank": bank.pk, "credit_product": "kur_mikro", "amount_requested": "Rp 50 juta", "purpose": "Beli oven"},
    )

    referral = BankReferral.objects.get()
    assert response.status_code == 302
    assert (referral.amount_requested, referral.status, referral.referred_by) == (50_000_000, "draft", coordinator_a)


def test_referral_form_rejects_bad_input_without_writing(client, coordinator_a, bank, kec_a):
    business = verified_business(kec_a)
    client.force_login(coordinator_a)

    response = client.post(
        reverse("programs:bankreferral_create", args=[business.pk]),
        {"bank": bank.pk, "credit_product": "kur_super_mikro", "amount_requested": "Rp 50 juta", "purpose": ""},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Bidang ini tidak boleh kosong" in html
    assert not BankReferral.objects.exists()


def test_referral_of_another_area_business_answers_404(client, coordinator_a, bank, kec_b):
    business = verified_business(kec_b)
    client.force_login(coordinator_a)

    assert client.get(reverse("programs:bankreferral_create", args=[business.pk])).status_code == 404


def test_bank_officer_sees_only_sent_referrals_to_their_bank(client, coordinator_a, bank_officer, bank, kec_a):
    sent = refer(verified_business(kec_a, name="Usaha Terkirim"), bank, coordinator_a)
    move_referral(sent, to_status="dikirim", by=coordinator_a)
    refer(verified_business(kec_a, name="Usaha Draf"), bank, coordinator_a)
    refer(verified_business(kec_a, name="Usaha Bank Lain"), make_bank(), coordinator_a)
    client.force_login(bank_officer)

    html = client.get(LIST).content.decode()

    assert "Usaha Terkirim" in html
    assert "Usaha Draf" not in html
    assert "Usaha Bank Lain" not in html


def test_bank_officer_detail_shows_only_loan_fields(client, coordinator_a, bank_officer, bank, kec_a):
    business = verified_business(kec_a, nib="9120123456789")
    make_figure(business, revenue=400_000_000)
    referral = refer(business, bank, coordinator_a)
    move_referral(referral, to_status="dikirim", by=coordinator_a)
    client.force_login(bank_officer)

    html = client.get(referral.get_absolute_url()).content.decode()

    assert business.name in html
    assert business.owner.name in html
    assert "Rp 400 juta" in html
    assert business.owner.nik not in html
    assert business.owner.masked_nik not in html
    assert "+62" not in html
    assert business.get_absolute_url() not in html
    assert client.get(business.get_absolute_url()).status_code == 403


def test_bank_officer_decides_through_the_page(client, coordinator_a, bank_officer, bank, kec_a):
    referral = refer(verified_business(kec_a), bank, coordinator_a)
    move_referral(referral, to_status="dikirim", by=coordinator_a)
    client.force_login(bank_officer)
    step = reverse("programs:bankreferral_step", args=[referral.pk])

    client.post(step, {"to_status": "diproses", "version": 2})
    client.post(step, {"to_status": "disetujui", "amount": "Rp 45.000.000", "version": 3})
    refused = client.post(step, {"to_status": "dikirim", "version": 4}, follow=True)

    referral.refresh_from_db()
    assert (referral.status, referral.amount_approved) == ("disetujui", 45_000_000)
    assert "tidak dapat diubah" in refused.content.decode()


def test_draft_referral_is_404_for_the_bank(client, coordinator_a, bank_officer, bank, kec_a):
    referral = refer(verified_business(kec_a), bank, coordinator_a)
    client.force_login(bank_officer)

    assert client.get(referral.get_absolute_url()).status_code == 404
    assert (
        client.post(reverse("programs:bankreferral_step", args=[referral.pk]), {"to_status": "diproses"}).status_code
        == 404
    )


def test_referrals_of_another_area_answer_404(client, coordinator_a, coordinator_b, bank, kec_a):
    referral = refer(verified_business(kec_a), bank, coordinator_a)
    client.force_login(coordinator_b)

    assert client.get(referral.get_absolute_url()).status_code == 404


def test_referral_export_is_scoped_and_logged(client, coordinator_a, coordinator_b, bank, kec_a, kec_b):
    refer(verified_business(kec_a, name="Usaha A"), bank, coordinator_a)
    refer(verified_business(kec_b, name="Usaha B"), bank, coordinator_b)
    client.force_login(coordinator_a)

    response = client.get(reverse("programs:bankreferral_export"))

    content = b"".join(response.streaming_content).decode()
    assert "Usaha A" in content
    assert "Usaha B" not in content
    assert AccessLog.objects.get(object_type="bankreferral").row_count == 1


def test_list_query_count_is_constant(
    client, dinas_sidoarjo, coordinator_a, bank, kec_a, django_assert_max_num_queries
):
    for _ in range(15):
        refer(verified_business(kec_a), make_bank(), coordinator_a)
    client.force_login(dinas_sidoarjo)

    with django_assert_max_num_queries(13):  # 12 + the dinas officer's second-factor device
        response = client.get(LIST)

    assert response.status_code == 200


def test_unassigned_user_sees_no_referrals(client, unassigned_user, coordinator_a, bank, kec_a):
    refer(verified_business(kec_a, name="Usaha Rahasia"), bank, coordinator_a)
    client.force_login(unassigned_user)

    assert "Usaha Rahasia" not in client.get(LIST).content.decode()
