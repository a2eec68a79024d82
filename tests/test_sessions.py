import time

from django.urls import reverse

from tests.factories import PASSWORD
from umkm_portal.middleware import LAST_SEEN, LOGGED_IN


def test_an_idle_session_ends_and_asks_to_log_in_again(client, dinas_sidoarjo, settings):
    client.force_login(dinas_sidoarjo)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 5
    session.save()

    response = client.get(reverse("registry:business_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert "tidak aktif" in client.get(response["Location"]).content.decode()


def test_an_active_session_keeps_going_and_is_refreshed_at_most_once_a_minute(client, dinas_sidoarjo):
    client.force_login(dinas_sidoarjo)
    client.get(reverse("home"))
    first = client.session["last_seen"]
    session = client.session
    session["last_seen"] = first - 30  # half a minute ago: not rewritten yet
    session.save()

    client.get(reverse("home"))
    assert client.session["last_seen"] == first - 30
    session = client.session
    session["last_seen"] = first - 120
    session.save()
    assert client.get(reverse("home")).status_code == 200
    assert client.session["last_seen"] >= first


def _move_clock(client, seconds, *keys):
    """Move the session's stored clocks `seconds` into the past, as if that much time had gone by."""
    session = client.session
    for key in keys:
        if key in session:  # a session that ended has none
            session[key] -= seconds
    session.save()


def test_a_session_ends_at_the_absolute_limit_however_active(client, coordinator_a, settings):
    client.post(reverse("login"), {"username": coordinator_a.username, "password": PASSWORD})
    assert client.get(reverse("home")).status_code == 200
    # Seven hours and 59 minutes of use, the user active a moment ago.
    _move_clock(client, settings.SESSION_COOKIE_AGE - 60, LOGGED_IN)
    assert client.get(reverse("home")).status_code == 200

    _move_clock(client, 61, LOGGED_IN)
    response = client.get(reverse("registry:business_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert "8 jam setelah masuk" in client.get(response["Location"]).content.decode()


def test_a_session_in_steady_use_ends_after_the_absolute_limit(client, coordinator_a):
    """Each once-a-minute write of the idle clock moves Django's own expiry of the session forward: without
    the login time, a session used every few minutes would never end."""
    client.force_login(coordinator_a)
    answers = []
    for _ in range(9):  # nine hours in steps of one, the user active two minutes before each request
        _move_clock(client, 3600, LOGGED_IN)
        _move_clock(client, 120, LAST_SEEN)
        answers.append(client.get(reverse("home")).status_code)

    assert answers == [200] * 7 + [302, 302]
    assert "_auth_user_id" not in client.session


def test_a_login_starts_both_clocks_and_a_new_login_restarts_them(client, coordinator_a):
    before = int(time.time())

    client.post(reverse("login"), {"username": coordinator_a.username, "password": PASSWORD})

    assert client.session[LOGGED_IN] >= before
    assert client.session[LAST_SEEN] == client.session[LOGGED_IN]


def test_an_idle_session_ends_even_inside_the_absolute_limit(client, coordinator_a, settings):
    client.force_login(coordinator_a)
    _move_clock(client, settings.SESSION_IDLE_SECONDS + 1, LAST_SEEN)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
