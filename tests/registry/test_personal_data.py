import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from registry.models import AccessLog
from tests.factories import make_business


def test_full_nik_is_shown_only_with_a_reason_and_the_reveal_is_logged(client, coordinator_a, kec_a):
    business = make_business(kec_a)
    client.force_login(coordinator_a)
    url = reverse("registry:owner_reveal_nik", args=[business.pk])

    refused = client.post(url, {"reason": ""}, follow=True)
    shown = client.post(url, {"reason": "Verifikasi KTP untuk pengajuan KUR"})

    assert business.owner.nik not in refused.content.decode()
    assert business.owner.nik in shown.content.decode()
    assert "no-cache" in shown["Cache-Control"] or "max-age=0" in shown["Cache-Control"]
    log = AccessLog.objects.get(action="reveal")
    assert (log.user, log.object_id, log.detail["reason"]) == (
        coordinator_a,
        str(business.owner_id),
        "Verifikasi KTP untuk pengajuan KUR",
    )


def test_nik_of_another_area_cannot_be_revealed(client, coordinator_a, kec_b):
    business = make_business(kec_b)
    client.force_login(coordinator_a)

    response = client.post(reverse("registry:owner_reveal_nik", args=[business.pk]), {"reason": "ingin tahu saja"})

    assert response.status_code == 404
    assert not AccessLog.objects.exists()


def test_bank_officer_may_not_reveal_a_nik(client, bank_officer, kec_a):
    business = make_business(kec_a)
    client.force_login(bank_officer)

    assert (
        client.post(reverse("registry:owner_reveal_nik", args=[business.pk]), {"reason": "cek KTP"}).status_code == 403
    )


@pytest.mark.parametrize("password", ["Umkm-Balongbendo-2026", "KopiSidoarjo!77", "dinas.kita.99", "Pa$$word-Sandi"])
def test_guessable_words_are_refused_in_passwords(kec_a, password):
    with pytest.raises(ValidationError, match="mudah ditebak"):
        validate_password(password)


def test_a_good_password_passes(kec_a):
    validate_password("Mente-Jelbudan-77")
