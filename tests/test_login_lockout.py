import pytest
from axes.models import AccessAttempt, AccessLog
from django.urls import reverse

from tests.factories import PASSWORD, make_user

LOGIN = reverse("login")


def attempt(client, username, password, ip):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def limit(settings):
    return settings.AXES_FAILURE_LIMIT


def test_repeated_failures_lock_out_that_username_from_that_address(client, dinas_sidoarjo, limit):
    for _ in range(limit - 1):
        assert attempt(client, "dinas.sidoarjo", "salah-sekali", "10.1.1.1").status_code == 200
    assert attempt(client, "dinas.sidoarjo", "salah-sekali", "10.1.1.1").status_code == 429

    locked = attempt(client, "dinas.sidoarjo", PASSWORD, "10.1.1.1")  # even the right password now

    assert locked.status_code == 429
    assert "Terlalu banyak percobaan masuk" in locked.content.decode()
    assert "15 menit" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="dinas.sidoarjo", ip_address="10.1.1.1").failures_since_start >= limit


def test_an_office_behind_one_address_is_not_locked_out_as_a_whole(client, dinas_sidoarjo, kab_sidoarjo, limit):
    colleague = make_user("dinas", kabupaten=kab_sidoarjo, username="dinas.kedua")
    for _ in range(limit):
        attempt(client, "dinas.sidoarjo", "salah-sekali", "10.1.1.1")

    response = attempt(client, colleague.username, PASSWORD, "10.1.1.1")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(colleague.pk)


def test_the_same_username_from_another_address_can_still_log_in(client, dinas_sidoarjo, limit):
    for _ in range(limit):
        attempt(client, "dinas.sidoarjo", "salah-sekali", "10.1.1.1")

    response = attempt(client, "dinas.sidoarjo", PASSWORD, "10.9.9.9")

    assert response.status_code == 302


def test_logins_and_failures_are_logged_with_address(client, dinas_sidoarjo):
    attempt(client, "dinas.sidoarjo", "salah-sekali", "10.2.2.2")
    attempt(client, "dinas.sidoarjo", PASSWORD, "10.2.2.2")

    assert AccessLog.objects.filter(username="dinas.sidoarjo", ip_address="10.2.2.2").exists()
    # A success resets the failures of that username and address.
    assert not AccessAttempt.objects.filter(username="dinas.sidoarjo").exists()


def test_behind_the_proxy_the_address_is_the_one_it_appended(rf, settings):
    from umkm_portal.security import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", REMOTE_ADDR="127.0.0.1")
    settings.BEHIND_PROXY = False
    assert client_ip(request) == "127.0.0.1"
    settings.BEHIND_PROXY = True
    assert client_ip(request) == "203.0.113.7"
