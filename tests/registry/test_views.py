import re

import pytest
from django.urls import reverse

LIST = reverse("registry:kecamatan_list")


def page_body(response, path):
    """The page with its per-render CSRF tokens and its own path blanked, to compare two pages."""
    html = re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', r'\1""', response.content.decode())
    return html.replace(path, "PATH")


def detail(kecamatan):
    return reverse("registry:kecamatan_detail", args=[kecamatan.pk])


def test_anonymous_is_sent_to_login(client, kec_a):
    response = client.get(detail(kec_a))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_coordinator_lists_only_own_kecamatan(client, coordinator_a, kec_a, kec_b):
    client.force_login(coordinator_a)

    html = client.get(LIST).content.decode()

    assert kec_a.get_absolute_url() in html
    assert kec_b.get_absolute_url() not in html


def test_dinas_lists_every_kecamatan_of_the_kabupaten(client, dinas_sidoarjo, kec_a, kec_b, kec_other_kabupaten):
    client.force_login(dinas_sidoarjo)

    html = client.get(LIST).content.decode()

    assert kec_a.get_absolute_url() in html
    assert kec_b.get_absolute_url() in html
    assert kec_other_kabupaten.get_absolute_url() not in html


def test_list_search_and_filter(client, dinas_sidoarjo, kec_a, kec_b):
    client.force_login(dinas_sidoarjo)

    html = client.get(LIST, {"q": "balong"}).content.decode()

    assert kec_a.get_absolute_url() in html
    assert kec_b.get_absolute_url() not in html


def test_filter_on_another_kabupaten_is_refused_not_leaked(client, dinas_sidoarjo, kec_a, kec_other_kabupaten):
    client.force_login(dinas_sidoarjo)

    response = client.get(LIST, {"kabupaten": kec_other_kabupaten.kabupaten.pk})

    assert response.status_code == 200
    assert kec_other_kabupaten.get_absolute_url() not in response.content.decode()


def test_unassigned_user_sees_an_empty_list(client, unassigned_user, kec_a):
    client.force_login(unassigned_user)

    response = client.get(LIST)

    assert response.status_code == 200
    assert "Tidak ada kecamatan di wilayah Anda." in response.content.decode()


def test_bank_officer_may_not_open_regions(client, bank_officer, kec_a):
    client.force_login(bank_officer)

    assert client.get(LIST).status_code == 403
    assert client.get(detail(kec_a)).status_code == 403


def test_coordinator_opens_own_kecamatan_with_its_desa(client, coordinator_a, kec_a):
    client.force_login(coordinator_a)

    response = client.get(detail(kec_a))

    assert response.status_code == 200
    assert "Wonokupang" in response.content.decode()


@pytest.mark.parametrize("who", ["coordinator_a", "dinas_other", "unassigned_user"])
def test_another_area_answers_404_like_a_missing_one(request, client, kec_b, who):
    client.force_login(request.getfixturevalue(who))

    other_url, missing_url = detail(kec_b), reverse("registry:kecamatan_detail", args=["35.15.99"])

    other, missing = client.get(other_url), client.get(missing_url)

    assert other.status_code == missing.status_code == 404
    assert page_body(other, other_url) == page_body(missing, missing_url)


def test_list_query_count_does_not_grow_with_rows(client, portal_admin, django_assert_max_num_queries, kec_a):
    from registry.services import load_regions

    client.force_login(portal_admin)
    with django_assert_max_num_queries(8):
        client.get(LIST)
    load_regions(["35.29", "35.10"])

    with django_assert_max_num_queries(8):
        response = client.get(LIST)

    assert response.status_code == 200
