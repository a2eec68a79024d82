import time

from django.urls import reverse


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
