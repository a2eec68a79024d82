import datetime
import re
import threading

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from tests.test_second_factor import CODE_PAGE, code_for
from tests.worker import run_tasks
from umkm_portal.accounts import allow_password_reset, issue_enrolment_code, redeem_enrolment_code
from umkm_portal.models import PasswordResetRequest

RESET = reverse("password_reset")
NEW_PASSWORD = "Lumpia-bandeng-tambak-47"


def ask_for_reset(client, email, ip="10.0.0.1"):
    response = client.post(RESET, {"email": email}, REMOTE_ADDR=ip)
    run_tasks()
    return response


def link_in(message):
    return re.search(r"https?://[^/\s]+(/kata-sandi/atur/\S+/)", message.body).group(1)


def _page(response):
    """The page without its CSRF tokens, new on every response."""
    return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]*"', "", response.content.decode())


@pytest.fixture
def with_email(coordinator_a):
    coordinator_a.email = "ike@contoh.go.id"
    coordinator_a.save(update_fields=["email"])
    return coordinator_a


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(client, with_email):
    known = ask_for_reset(client, "IKE@contoh.go.id")
    unknown = ask_for_reset(client, "tidak.ada@contoh.go.id")

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert _page(client.get(known["Location"])) == _page(client.get(unknown["Location"]))
    assert [message.to for message in mail.outbox] == [["ike@contoh.go.id"]]
    assert "Atur ulang kata sandi" in mail.outbox[0].subject
    assert with_email.username in mail.outbox[0].body
    # The request stored neither address: only a keyed digest and the client address.
    stored = PasswordResetRequest.objects.values_list("email_digest", "ip_address")
    assert all("@" not in digest and len(digest) == 64 for digest, _ in stored)


def test_the_queued_mail_holds_no_link(client, with_email):
    from django_tasks_db.models import DBTaskResult

    client.post(RESET, {"email": with_email.email})

    queued = DBTaskResult.objects.get()
    assert "kata-sandi/atur" not in str(queued.args_kwargs)
    assert mail.outbox == []


def test_the_link_sets_a_new_password_logs_in_and_works_once(client, with_email):
    elsewhere = Client()
    elsewhere.force_login(with_email)
    ask_for_reset(client, with_email.email)
    link = link_in(mail.outbox[0])

    form = client.get(link, follow=True)
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert client.get(reverse("home")).status_code == 200  # logged in
    with_email.refresh_from_db()
    assert with_email.check_password(NEW_PASSWORD)
    again = Client().get(link, follow=True)
    assert "tidak berlaku lagi" in again.content.decode()
    assert Client().login(username=with_email.username, password=NEW_PASSWORD)
    # A session opened with the old password (a thief's, perhaps) has ended.
    assert elsewhere.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_a_link_older_than_the_timeout_no_longer_works(client, with_email, settings):
    assert settings.PASSWORD_RESET_TIMEOUT == 3600
    tokens = PasswordResetTokenGenerator()
    # The link was made an hour and a minute ago.
    tokens._now = lambda: datetime.datetime.now() - datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    uid = urlsafe_base64_encode(force_bytes(with_email.pk))
    old = reverse("password_reset_confirm", args=[uid, tokens.make_token(with_email)])
    tokens._now = lambda: datetime.datetime.now() - datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - 60)
    fresh = reverse("password_reset_confirm", args=[uid, tokens.make_token(with_email)])

    assert "tidak berlaku lagi" in client.get(old, follow=True).content.decode()
    assert "new_password1" in Client().get(fresh, follow=True).content.decode()


def test_a_weak_new_password_is_refused_in_indonesian(client, with_email):
    ask_for_reset(client, with_email.email)
    form = client.get(link_in(mail.outbox[0]), follow=True)

    refused = client.post(form.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"})

    assert refused.status_code == 200
    assert "terlalu" in refused.content.decode().lower()
    with_email.refresh_from_db()
    assert with_email.check_password(PASSWORD)


def test_requests_are_limited_per_address_whether_or_not_it_has_an_account(client, with_email, settings):
    for email in (with_email.email, "tidak.ada@contoh.go.id"):
        answers = [ask_for_reset(client, email, ip=f"10.0.1.{n}").status_code for n in range(4)]

        assert answers == [302, 302, 302, 429]
    refused = ask_for_reset(client, with_email.email.upper(), ip="10.0.2.1")
    assert "Terlalu banyak permintaan" in refused.content.decode()
    assert len(mail.outbox) == settings.PASSWORD_RESET_PER_EMAIL
    # An hour later the address may ask again.
    PasswordResetRequest.objects.update(requested_at=timezone.now() - datetime.timedelta(hours=1, seconds=1))
    assert ask_for_reset(client, with_email.email).status_code == 302
    assert len(mail.outbox) == settings.PASSWORD_RESET_PER_EMAIL + 1


def test_requests_are_limited_per_client_address(client, with_email, settings):
    limit = settings.PASSWORD_RESET_PER_IP
    answers = [ask_for_reset(client, f"orang{n}@contoh.go.id").status_code for n in range(limit)]

    refused = ask_for_reset(client, with_email.email)
    elsewhere = ask_for_reset(client, with_email.email, ip="10.9.9.9")

    assert answers == [302] * limit
    assert refused.status_code == 429
    assert elsewhere.status_code == 302
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_bad_input_is_refused_and_writes_nothing(client):
    for email in ("bukan-email", "x" * 300 + "@contoh.go.id", ""):
        response = client.post(RESET, {"email": email})

        assert response.status_code == 200
    # A control character is refused at the edge (umkm_portal.middleware.ControlCharacterMiddleware).
    assert client.post(RESET, {"email": "a\x00b@contoh.go.id"}).status_code == 400
    assert not PasswordResetRequest.objects.exists()


def test_the_link_lets_a_dinas_without_an_authenticator_set_one_up(client, dinas_sidoarjo):
    dinas_sidoarjo.email = "agus@contoh.go.id"
    dinas_sidoarjo.save(update_fields=["email"])
    ask_for_reset(client, dinas_sidoarjo.email)
    form = client.get(link_in(mail.outbox[0]), follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    setup = client.get(CODE_PAGE)

    assert "Pasang aplikasi autentikator" in setup.content.decode()
    device = TOTPDevice.objects.get(user=dinas_sidoarjo, confirmed=False)
    assert client.post(CODE_PAGE, {"token": code_for(device)}).status_code == 302
    assert client.get(reverse("registry:business_list")).status_code == 200


def test_the_link_does_not_replace_an_existing_authenticator(client, dinas_sidoarjo):
    """A stolen mailbox resets the password, not the second factor: the phone's code is still asked."""
    TOTPDevice.objects.create(user=dinas_sidoarjo, name="Ponsel", confirmed=True)
    dinas_sidoarjo.email = "agus@contoh.go.id"
    dinas_sidoarjo.save(update_fields=["email"])
    ask_for_reset(client, dinas_sidoarjo.email)
    form = client.get(link_in(mail.outbox[0]), follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    page = client.get(CODE_PAGE).content.decode()

    assert "Masukkan kode dari aplikasi autentikator" in page
    assert "data-secret" not in page
    assert client.get(reverse("registry:business_list"))["Location"].startswith(CODE_PAGE)
    assert TOTPDevice.objects.filter(user=dinas_sidoarjo).count() == 1


def test_the_reset_pages_speak_english_too(client, with_email):
    client.cookies["django_language"] = "en"

    page = client.get(RESET).content.decode()
    ask_for_reset(client, with_email.email)

    assert "Forgot your password" in page
    assert "Reset your UMKM Portal password" in mail.outbox[0].subject


def _at_once(count, work):
    """Run `work()` in `count` threads released together; return their results."""
    barrier = threading.Barrier(count)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(work())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_do_not_pass_the_limit_together(settings):
    settings.PASSWORD_RESET_PER_EMAIL = 2

    answers = _at_once(6, lambda: allow_password_reset("ike@contoh.go.id", "10.0.0.1"))

    assert sorted(answers) == [False] * 4 + [True] * 2
    assert PasswordResetRequest.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_an_enrolment_code_used_twice_at_once_works_once(dinas_sidoarjo, portal_admin):
    enrolment_code = issue_enrolment_code(dinas_sidoarjo, by=portal_admin)

    answers = _at_once(4, lambda: redeem_enrolment_code(dinas_sidoarjo, enrolment_code))

    assert sorted(answers) == [False, False, False, True]


def test_the_reset_pages_cost_a_fixed_number_of_queries(client, with_email, django_assert_num_queries):
    with django_assert_num_queries(0):
        client.get(RESET)
    # The limit (lock, two counts, the request row), the account lookup and the queued task, with savepoints.
    with django_assert_num_queries(8):
        client.post(RESET, {"email": with_email.email})
