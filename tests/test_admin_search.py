"""The admin's search box and its autocomplete fields search through the portal's search keys (registry.admin.
KeyedSearchMixin): what each finds, and that no statement reads a name with Django's icontains (UPPER(...) LIKE,
every row of a million)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registry.models import ExportValue
from tests.factories import make_business, make_document, make_figure, make_owner, make_product


def _found(client, model_name, term, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"admin:registry_{model_name}_changelist"), {"q": term, **params})
    assert response.status_code == 200
    assert not [query["sql"] for query in queries.captured_queries if "LIKE UPPER" in query["sql"]]
    return {row.pk for row in response.context["cl"].result_list}


@pytest.fixture
def admin_client(client, portal_admin):
    client.force_login(portal_admin)
    return client


def test_businesses_by_name_owner_product_and_nib_deleted_ones_on_request(admin_client, kec_a):
    kopi = make_business(kec_a, name="Kopi Bubuk Bu Aní", nib="1234567890123")
    owned = make_business(kec_a, name="Warung Lain", owner=make_owner(kec_a, name="Sutarmi Wibowo"))
    sold = make_business(kec_a, name="Toko Ketiga")
    make_product(sold, name="Sambal Roa Manado")
    gone = make_business(kec_a, name="Kopi Bubuk Lama")
    gone.deleted_at = timezone.now()
    gone.save(update_fields=["deleted_at"])
    make_business(kec_a, name="Bubuk Kopi Terbalik")  # the words, not the phrase

    assert _found(admin_client, "business", "kopi bubuk bu ani") == {kopi.pk}  # case- and accent-blind
    assert _found(admin_client, "business", "  KOPI   bubuk ") == {kopi.pk}
    assert _found(admin_client, "business", "kopi bubuk", dihapus="semua") == {kopi.pk, gone.pk}
    assert _found(admin_client, "business", "sutarmi") == {owned.pk}
    assert _found(admin_client, "business", "sambal roa") == {sold.pk}
    assert _found(admin_client, "business", "1234.5678.90123") == {kopi.pk}
    assert _found(admin_client, "business", "tidak ada yang begini") == set()


def test_a_term_without_three_letters_in_a_row_is_django_admins_own_search(admin_client, kec_a):
    """The search keys' indexes have nothing to look up for "cv": Django's icontains takes it, as before."""
    firm = make_business(kec_a, name="CV Maju Jaya")
    make_business(kec_a, name="Toko Lain")

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(reverse("admin:registry_business_changelist"), {"q": "cv"})

    assert {row.pk for row in response.context["cl"].result_list} == {firm.pk}
    assert [query["sql"] for query in queries.captured_queries if "LIKE UPPER" in query["sql"]]


def test_owners_by_name_and_whole_nik(admin_client, kec_a):
    siti = make_owner(kec_a, name="Siti Aminah")
    other = make_owner(kec_a, name="Aminah Siti")

    assert _found(admin_client, "owner", "siti aminah") == {siti.pk}
    assert _found(admin_client, "owner", "aminah") == {siti.pk, other.pk}
    assert _found(admin_client, "owner", siti.nik) == {siti.pk}
    assert _found(admin_client, "owner", siti.nik[:12]) == set()  # a NIK is found whole, never by a part


def test_products_documents_figures_and_exports_by_their_business_name(admin_client, kec_a):
    business = make_business(kec_a, name="Rengginang Bu Darmi")
    elsewhere = make_business(kec_a, name="Toko Lain")
    product = make_product(business, name="Rengginang Ketan")
    named = make_product(elsewhere, name="Kerupuk Rengginang Mini")
    make_product(elsewhere, name="Kopi")
    document = make_document(business, number="ID35150000099999")
    numbered = make_document(elsewhere, number="ID35150000012345")
    figure = make_figure(business)
    make_figure(elsewhere)
    export = ExportValue.objects.create(business=business, year=2025, country="MY", value=10_000_000)
    ExportValue.objects.create(business=elsewhere, year=2025, country="SG", value=5_000_000)

    assert _found(admin_client, "product", "rengginang") == {product.pk, named.pk}
    assert _found(admin_client, "product", "bu darmi") == {product.pk}
    assert _found(admin_client, "legaldocument", "bu darmi") == {document.pk}
    assert _found(admin_client, "legaldocument", "ID35150000012345") == {numbered.pk}
    assert _found(admin_client, "legaldocument", "id35150000012345") == {numbered.pk}
    assert _found(admin_client, "legaldocument", "ID3515000001") == set()  # a number is found whole
    assert _found(admin_client, "yearlyfigure", "rengginang bu") == {figure.pk}
    assert _found(admin_client, "exportvalue", "rengginang bu") == {export.pk}


def test_an_autocomplete_field_finds_its_business_by_the_search_key(admin_client, kec_a):
    business = make_business(kec_a, name="Dodol Garut Bu Éni")
    make_business(kec_a, name="Dodol Lain")

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(
            reverse("admin:autocomplete"),
            {"app_label": "registry", "model_name": "product", "field_name": "business", "term": "dodol garut bu eni"},
        )

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(business.pk)]
    assert not [query["sql"] for query in queries.captured_queries if "LIKE UPPER" in query["sql"]]


@pytest.mark.parametrize(
    ("model_name", "order"),
    [
        ("owner", 'ORDER BY "registry_owner"."name" ASC, "registry_owner"."id" ASC'),
        ("business", 'ORDER BY "registry_business"."name" ASC, "registry_business"."id" ASC'),
        ("product", 'ORDER BY "registry_product"."name" ASC, "registry_product"."id" ASC'),
        ("legaldocument", 'ORDER BY "registry_legaldocument"."id" DESC'),
        ("yearlyfigure", 'ORDER BY "registry_yearlyfigure"."id" DESC'),
    ],
)
def test_the_large_tables_admin_lists_in_an_indexed_order(admin_client, kec_a, model_name, order):
    """Each in the order of an index, (name, id) or the primary key: a million rows are not sorted for a page."""
    business = make_business(kec_a)
    make_product(business)
    make_document(business)
    make_figure(business)
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(reverse(f"admin:registry_{model_name}_changelist"))

    assert response.status_code == 200
    assert [query["sql"] for query in queries.captured_queries if order in query["sql"]]
