import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.factories import PASSWORD


def test_login_page_is_in_indonesian(client):
    html = client.get(reverse("login")).content.decode()

    assert 'lang="id"' in html
    assert "Masuk ke UMKM Portal" in html
    assert "Kata sandi" in html


def test_login_with_the_form_lands_on_home(client, coordinator_a):
    response = client.post(reverse("login"), {"username": coordinator_a.username, "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Selamat datang" in response.content.decode()


def test_wrong_password_gives_an_indonesian_message(client, coordinator_a):
    response = client.post(reverse("login"), {"username": coordinator_a.username, "password": "salah"})

    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_login_gives_a_new_session_key(client, coordinator_a):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key

    client.post(reverse("login"), {"username": coordinator_a.username, "password": PASSWORD})

    assert client.session.session_key != before


def test_home_requires_login(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("coordinator_a", ["Koordinator kecamatan", "Kecamatan Balongbendo", "Kabupaten Sidoarjo"]),
        ("dinas_sidoarjo", ["Dinas", "Kabupaten Sidoarjo"]),
        ("bank_officer", ["Petugas bank", "PT Bank Rakyat Indonesia"]),
        ("portal_admin", ["Admin", "Buka admin data"]),
        ("unassigned_user", ["belum punya wilayah kerja"]),
    ],
)
def test_each_role_has_its_home_page(request, client, who, expected):
    client.force_login(request.getfixturevalue(who))

    html = client.get(reverse("home")).content.decode()

    for text in expected:
        assert text in html


@pytest.mark.parametrize(
    ("who", "shown", "hidden"),
    [
        ("coordinator_a", ["Wilayah"], ["Admin data"]),
        ("dinas_sidoarjo", ["Wilayah"], ["Admin data"]),
        ("bank_officer", [], ["Wilayah", "Admin data"]),
        ("portal_admin", ["Wilayah", "Admin data"], []),
    ],
)
def test_navigation_shows_each_role_only_what_it_may_use(request, client, who, shown, hidden):
    client.force_login(request.getfixturevalue(who))

    nav = client.get(reverse("home")).content.decode().split("</nav>")[0]

    for label in shown:
        assert f">{label}</a>" in nav
    for label in hidden:
        assert f">{label}</a>" not in nav


def test_home_query_count_is_small(client, dinas_sidoarjo, django_assert_max_num_queries):
    client.force_login(dinas_sidoarjo)

    with django_assert_max_num_queries(10):  # session, user, permissions, the area once, the home figures
        client.get(reverse("home"))


def test_logout_is_a_post_and_ends_the_session(client, coordinator_a):
    client.force_login(coordinator_a)

    response = client.post(reverse("logout"))

    assert "Anda sudah keluar" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_password_change_checks_the_rules_in_indonesian(client, coordinator_a):
    client.force_login(coordinator_a)
    url = reverse("password_change")

    weak = client.post(url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    strong = client.post(
        url, {"old_password": PASSWORD, "new_password1": "Mente-Jelbudan-77", "new_password2": "Mente-Jelbudan-77"}
    )

    assert "terlalu umum" in weak.content.decode()
    assert strong.status_code == 302
    coordinator_a.refresh_from_db()
    assert coordinator_a.check_password("Mente-Jelbudan-77")


def test_language_switch_turns_the_interface_english(client, coordinator_a):
    client.force_login(coordinator_a)

    client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    html = client.get(reverse("home")).content.decode()

    assert 'lang="en"' in html
    assert "Welcome" in html
    assert "Your work area" in html


def test_friendly_404_in_indonesian(client, coordinator_a):
    client.force_login(coordinator_a)

    response = client.get("/tidak-ada/")

    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_friendly_403_in_indonesian(client, bank_officer, kec_a):
    client.force_login(bank_officer)

    response = client.get(reverse("registry:kecamatan_list"))

    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()


def test_friendly_500_needs_nothing_but_static_files():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "Terjadi kesalahan di server" in response.content.decode()


def test_expired_form_gives_a_friendly_csrf_page(coordinator_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": coordinator_a.username, "password": PASSWORD})

    assert response.status_code == 403
    assert "Formulir kedaluwarsa" in response.content.decode()


def test_pages_carry_the_security_headers(client, coordinator_a):
    client.force_login(coordinator_a)

    response = client.get(reverse("home"))

    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_registry_pages_are_translated_to_english(client, dinas_sidoarjo, kec_a):
    client.force_login(dinas_sidoarjo)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    html = client.get(reverse("registry:business_list")).content.decode()

    assert "Search and filter" in html
    assert "Businesses" in html


def test_browser_language_does_not_override_indonesian(client, coordinator_a):
    client.force_login(coordinator_a)

    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()

    assert 'lang="id"' in html
    assert "Selamat datang" in html
