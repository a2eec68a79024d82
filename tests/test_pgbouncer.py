"""The portal behind a real PgBouncer in transaction mode (scripts/pgbouncer.sh), as a province runs it.

That PgBouncer runs DISCARD ALL after every transaction, so anything a connection kept from an earlier
transaction (a SET, a server-side cursor) is gone, as it would be on another server connection under load.
"""

import csv
import io
import re

import psycopg2
import pytest
from django.db import DatabaseError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry import exports
from registry.models import Business, LegalDocument
from registry.search import TYPO_SIMILARITY
from tests.factories import make_business, make_product

pytestmark = pytest.mark.django_db(transaction=True)
LIST = reverse("registry:business_list")


def test_the_pooler_keeps_no_state_between_transactions(through_pgbouncer):
    """Why DISABLE_SERVER_SIDE_CURSORS exists: a cursor declared in one transaction is gone in the next."""
    with through_pgbouncer.cursor() as cursor:
        cursor.execute("SET pg_trgm.word_similarity_threshold = 0.9")
        cursor.execute("SHOW pg_trgm.word_similarity_threshold")
        threshold = cursor.fetchone()[0]
    through_pgbouncer.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = False

    with pytest.raises((DatabaseError, psycopg2.Error), match=r"cursor .* does not exist"):
        list(Business.objects.iterator(chunk_size=1))

    assert float(threshold) == TYPO_SIMILARITY  # the SET was discarded; the database's default holds


def test_typo_search_finds_through_pgbouncer(through_pgbouncer, client, dinas_sidoarjo, kec_a):
    wonokupan = make_business(kec_a, name="Warung Wonokupan")
    lumpia = make_business(kec_a, name="Lumpia Bandeng")
    other = make_business(kec_a, name="Jamu Segar")
    client.force_login(dinas_sidoarjo)

    typo = client.get(LIST, {"q": "Wonokupang"}).content.decode()
    # word_similarity 0.56: found at the portal's 0.5, not at pg_trgm's own default of 0.6.
    loose_typo = client.get(LIST, {"q": "lumpiyah"}).content.decode()

    assert wonokupan.get_absolute_url() in typo
    assert other.get_absolute_url() not in typo
    assert lumpia.get_absolute_url() in loose_typo
    assert wonokupan.get_absolute_url() not in loose_typo


def test_csv_export_longer_than_a_chunk_streams_through_pgbouncer(
    through_pgbouncer, client, dinas_sidoarjo, kec_a, monkeypatch
):
    monkeypatch.setattr(exports, "EXPORT_CHUNK_SIZE", 4)
    businesses = [make_business(kec_a, name=f"Usaha Ekspor {n:02d}") for n in range(10)]
    client.force_login(dinas_sidoarjo)

    with CaptureQueriesContext(through_pgbouncer) as queries:
        response = client.get(reverse("registry:business_export"), {"format": "csv"})
        lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert [line[0] for line in lines[1:]] == [business.name for business in businesses]  # each once, pk order
    sqls = [query["sql"] for query in queries.captured_queries]
    chunks = [sql for sql in sqls if 'FROM "registry_business"' in sql and "LIMIT" in sql]
    assert len(chunks) == 3
    assert all(re.search(r"LIMIT 4\b", sql) for sql in chunks)


def test_form_with_choices_renders_and_saves_through_pgbouncer(through_pgbouncer, client, coordinator_a, kec_a):
    business = make_business(kec_a)
    product = make_product(business)
    client.force_login(coordinator_a)
    url = reverse("registry:legaldocument_create", args=[business.pk])

    page = client.get(url)
    response = client.post(url, {"kind": "bpom_md", "number": "BPOM RI MD 224510001234", "product": product.pk})

    assert page.status_code == 200
    assert f'value="{product.pk}"' in page.content.decode()
    assert response.status_code == 302
    assert LegalDocument.objects.get().product == product
