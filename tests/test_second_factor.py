from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

CODE_PAGE = reverse("second_factor")


def code_for(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def password_login(user):
    """A client past the password only (the test client's force_login also gives the code)."""
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_dinas_must_set_up_a_code_before_anything_else(dinas_sidoarjo):
    client = password_login(dinas_sidoarjo)

    response = client.get(reverse("registry:business_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(CODE_PAGE)
    setup = client.get(response["Location"])
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
