import datetime
import io
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from umkm_portal.accounts import issue_enrolment_code
from umkm_portal.models import EnrolmentCode

CODE_PAGE = reverse("second_factor")


def code_for(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def password_login(user):
    """A client past the password only (the test client's force_login also gives the code)."""
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_dinas_must_set_up_a_code_before_anything_else(dinas_sidoarjo, portal_admin):
    enrolment_code = issue_enrolment_code(dinas_sidoarjo, by=portal_admin)
    client = password_login(dinas_sidoarjo)

    response = client.get(reverse("registry:business_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(CODE_PAGE)
    asked = client.post(response["Location"], {"code": enrolment_code.lower().replace("-", " ")})
    assert asked.status_code == 302
    setup = client.get(asked["Location"])
    assert "Pasang aplikasi autentikator" in setup.content.decode()
    assert "data:image/svg+xml" in setup.content.decode()
    device = TOTPDevice.objects.get(user=dinas_sidoarjo, confirmed=False)

    wrong = client.post(CODE_PAGE, {"token": "12345x"})
    assert "Kode salah" in wrong.content.decode()
    done = client.post(f"{CODE_PAGE}?next=/usaha/", {"token": code_for(device)})

    assert done["Location"] == "/usaha/"
    assert client.get(reverse("registry:business_list")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_the_password_alone_cannot_enrol_an_authenticator(dinas_sidoarjo):
    """Whoever holds the password must not become the owner of the account's second factor."""
    client = password_login(dinas_sidoarjo)

    page = client.get(CODE_PAGE)
    guessed = client.post(CODE_PAGE, {"code": "ABCD-EFGH-JKLM"})

    html = page.content.decode()
    assert "Kode pendaftaran dari admin" in html
    assert "Minta kepada admin portal" in html
    assert "data:image/svg+xml" not in html
    assert "data-secret" not in html
    assert "Kode pendaftaran salah" in guessed.content.decode()
    assert client.post(CODE_PAGE, {"token": "123456"}).status_code == 200  # no device to give a code to
    assert not TOTPDevice.objects.filter(user=dinas_sidoarjo).exists()
    assert client.get(reverse("home"))["Location"].startswith(CODE_PAGE)


def test_an_enrolment_code_works_once_and_only_for_its_user(dinas_sidoarjo, dinas_other, portal_admin):
    enrolment_code = issue_enrolment_code(dinas_sidoarjo, by=portal_admin)
    issue_enrolment_code(dinas_other, by=portal_admin)

    other = password_login(dinas_other)
    assert "Kode pendaftaran salah" in other.post(CODE_PAGE, {"code": enrolment_code}).content.decode()
    first = password_login(dinas_sidoarjo)
    assert first.post(CODE_PAGE, {"code": enrolment_code}).status_code == 302
    second = password_login(dinas_sidoarjo)

    again = second.post(CODE_PAGE, {"code": enrolment_code})

    assert "Kode pendaftaran salah" in again.content.decode()
    assert "data:image/svg+xml" in first.get(CODE_PAGE).content.decode()
    assert "data:image/svg+xml" not in second.get(CODE_PAGE).content.decode()


def test_an_enrolment_code_expires(dinas_sidoarjo, portal_admin, settings):
    enrolment_code = issue_enrolment_code(dinas_sidoarjo, by=portal_admin)
    # The clock moves past the code's life.
    EnrolmentCode.objects.filter(user=dinas_sidoarjo).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client = password_login(dinas_sidoarjo)

    response = client.post(CODE_PAGE, {"code": enrolment_code})

    assert "kedaluwarsa" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=dinas_sidoarjo).exists()


def test_an_enrolment_code_is_stored_only_as_a_digest_and_replaces_the_old_authenticator(dinas_sidoarjo, portal_admin):
    TOTPDevice.objects.create(user=dinas_sidoarjo, name="Ponsel lama", confirmed=True)
    older = issue_enrolment_code(dinas_sidoarjo, by=portal_admin)

    enrolment_code = issue_enrolment_code(dinas_sidoarjo, by=portal_admin)

    stored = EnrolmentCode.objects.get(user=dinas_sidoarjo)  # the older, unused code is gone
    assert stored.issued_by == portal_admin
    assert enrolment_code.replace("-", "") not in stored.code_digest
    assert len(stored.code_digest) == 64
    assert not TOTPDevice.objects.filter(user=dinas_sidoarjo).exists()
    assert "Kode pendaftaran salah" in password_login(dinas_sidoarjo).post(CODE_PAGE, {"code": older}).content.decode()


def test_an_admin_issues_enrolment_codes_from_the_user_list_and_sees_them_once(
    client, portal_admin, dinas_sidoarjo, coordinator_a
):
    TOTPDevice.objects.create(user=dinas_sidoarjo, name="Ponsel hilang", confirmed=True)
    client.force_login(portal_admin)

    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "issue_enrolment_codes", "_selected_action": [dinas_sidoarjo.pk, portal_admin.pk]},
    )

    html = response.content.decode()
    codes = re.findall(r"<code data-enrolment-code>([A-Z0-9-]+)</code>", html)
    assert len(codes) == 1  # never for oneself
    assert "akun Anda sendiri" in html
    assert not TOTPDevice.objects.filter(user=dinas_sidoarjo).exists()
    assert EnrolmentCode.objects.filter(user=portal_admin).count() == 0
    assert LogEntry.objects.filter(
        object_id=str(dinas_sidoarjo.pk), change_message__contains="Kode pendaftaran"
    ).exists()
    enrolling = password_login(dinas_sidoarjo)
    assert enrolling.post(CODE_PAGE, {"code": codes[0]}).status_code == 302
    assert "data:image/svg+xml" in enrolling.get(CODE_PAGE).content.decode()
    # Other staff cannot reach the user admin at all.
    client.force_login(coordinator_a)
    refused = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "issue_enrolment_codes", "_selected_action": [dinas_sidoarjo.pk]},
    )
    assert refused.status_code == 302
    assert EnrolmentCode.objects.filter(user=dinas_sidoarjo).count() == 1


def test_the_operator_issues_a_code_from_the_shell(portal_admin):
    out = io.StringIO()

    call_command("issue_enrolment_code", portal_admin.username, stdout=out)

    enrolment_code = re.search(r"([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})", out.getvalue()).group(1)
    client = password_login(portal_admin)
    assert client.post(CODE_PAGE, {"code": enrolment_code}).status_code == 302
    with pytest.raises(CommandError):
        call_command("issue_enrolment_code", "tidak.ada", stdout=out)


def test_a_confirmed_device_is_asked_for_and_its_secret_never_shown_again(dinas_sidoarjo):
    device = TOTPDevice.objects.create(user=dinas_sidoarjo, name="Ponsel", confirmed=True)
    client = password_login(dinas_sidoarjo)

    page = client.get(CODE_PAGE).content.decode()
    assert "Masukkan kode dari aplikasi autentikator" in page
    assert "data-secret" not in page
    token = code_for(device)  # once: a second call may fall in the next 30-second step, a new code
    assert client.post(CODE_PAGE, {"token": token}).status_code == 302
    # The same code cannot be used twice (a code seen over a shoulder).
    again = password_login(dinas_sidoarjo)
    assert "Kode salah" in again.post(CODE_PAGE, {"token": token}).content.decode()


def test_admin_needs_the_code_too_but_coordinators_and_banks_do_not(portal_admin, coordinator_a, bank_officer):
    assert password_login(portal_admin).get(reverse("home"))["Location"].startswith(CODE_PAGE)
    assert password_login(coordinator_a).get(reverse("home")).status_code == 200
    assert password_login(bank_officer).get(reverse("home")).status_code == 200


def test_htmx_requests_are_redirected_by_header(dinas_sidoarjo):
    client = password_login(dinas_sidoarjo)

    response = client.get(reverse("home"), headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(CODE_PAGE)


def test_the_code_page_only_sends_to_this_site(dinas_sidoarjo):
    device = TOTPDevice.objects.create(user=dinas_sidoarjo, name="Ponsel", confirmed=True)
    client = password_login(dinas_sidoarjo)

    response = client.post(f"{CODE_PAGE}?next=https://contoh.jahat/", {"token": code_for(device)})

    assert response["Location"] == reverse("home")
