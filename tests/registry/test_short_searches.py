"""A search needs three letters or digits in a row (registry.search.searchable): the names' trigram indexes have
nothing to look up for "cv", "ud" or "%", and such a search read every row they point at (17 to 24 s for the
business list at a million businesses). The box says so, in Indonesian and in English, and nothing is searched."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.search import searchable
from tests.factories import make_business, make_product

TOO_SHORT = "Ketik paling sedikit 3 huruf atau angka berurutan untuk mencari"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("cv", False),
        ("ud ", False),
        ("%", False),
        ("a_b", False),
        ("cv ud pt", False),
        ("", False),
        ("cv maju", True),
        ("Café", True),
        ("123", True),
        ("1234.5678.90123", True),
    ],
)
def test_what_is_searchable(value, expected):
    assert searchable(value) is expected


def _searched_names(queries):
    """The statements that looked up a name through the search key."""
    return [query["sql"] for query in queries.captured_queries if "umkm_search_key" in query["sql"]]


@pytest.mark.parametrize(
    "url_name",
    ["registry:business_list", "registry:product_list", "programs:listing_list", "programs:curationsubmission_list"],
)
def test_a_list_asks_for_three_letters_and_searches_nothing(client, dinas_sidoarjo, kec_a, url_name):
    business = make_business(kec_a, name="CV Maju Jaya")
    make_product(business, name="CV Keripik")
    client.force_login(dinas_sidoarjo)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(url_name), {"q": "cv"})
    page = response.content.decode()

    assert response.status_code == 200
    assert TOO_SHORT in page
    assert not _searched_names(queries)
    assert "CV Maju Jaya" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse(url_name), {"q": "cv"})
    assert "Type at least 3 letters or digits in a row to search" in english.content.decode()


def test_the_business_list_finds_the_phrase_with_a_word_of_three_letters(client, coordinator_a, kec_a):
    business = make_business(kec_a, name="CV Maju Jaya")
    make_business(kec_a, name="Toko Lain")
    client.force_login(coordinator_a)

    page = client.get(reverse("registry:business_list"), {"q": "cv maju"}).content.decode()

    assert business.get_absolute_url() in page
    assert "Toko Lain" not in page
    assert TOO_SHORT not in page


def test_an_export_of_a_short_search_is_refused(client, dinas_sidoarjo, kec_a):
    make_business(kec_a, name="CV Maju Jaya")
    client.force_login(dinas_sidoarjo)

    response = client.get(reverse("registry:business_export"), {"q": "cv", "format": "csv"})

    assert response.status_code == 302  # back to the list, which says why
    assert response["Location"] == reverse("registry:business_list")
    assert not response.has_header("Content-Disposition")


def test_the_group_member_search_asks_for_three_letters(client, dinas_sidoarjo, kec_a):
    from registry.models import BusinessGroup

    group = BusinessGroup.objects.create(name="Kelompok Uji", kecamatan=kec_a)
    make_business(kec_a, name="CV Maju Jaya")
    client.force_login(dinas_sidoarjo)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("registry:group_members", args=[group.pk]), {"q": "cv"})

    assert response.status_code == 400
    assert TOO_SHORT in response.content.decode()
    assert not _searched_names(queries)
