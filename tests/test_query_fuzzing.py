"""Generated hostile values in every query parameter every page of the access matrix reads: never a server
error, and no GET writes a row (but the access log of personal data reads).

The parameters are the field names of the page and every key the view looked up in the query string
while answering a plain GET (so one read by hand is fuzzed too). POST fields: tests/test_form_fuzzing.py.
"""

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzzing import (
    SETTINGS,
    VALUES,
    html_field_names,
    keys_looked_up,
    rows_written,
    send,
    tables_written,
    targets,
    url_of,
)
from tests.test_access_matrix import cast, matrix, objects  # noqa: F401 (fixtures)

# Always tried: the list parameters of django-tables2 and the pager, and one nobody reads.
ALWAYS = {"page", "sort", "per_page", "format", "unknown"}
FILE_TABLES = {"programs_cataloguefile", "django_tasks_database_dbtaskresult"}


def test_hostile_query_never_errors_and_writes_nothing(client, cast, objects, settings):  # noqa: F811
    # The public search and inquiry form are fuzzed past their limits per address (tests/test_public_pages.py).
    settings.PUBLIC_SEARCH_RATE = settings.PUBLIC_INQUIRY_RATE = settings.PUBLIC_CATALOGUE_FILE_RATE = "100000/h"
    # One test for every URL (the objects are made once): each URL's failure is collected, then all shown.
    failures = []
    for name, role in targets("GET"):
        try:
            _fuzz(client, cast[role], objects, name)
        except Exception as error:
            failures.append(f"{name} as {role}: {error}")
    assert failures == [], "\n\n".join(failures)


def _fuzz(client, user, objects, name):  # noqa: F811
    if user is not None:
        client.force_login(user)
    else:
        client.logout()
    url = url_of(name, objects)
    with keys_looked_up() as looked_up:
        page = send(client, "GET", url, {})
    fields = html_field_names(page.content.decode()) if page.get("Content-Type", "").startswith("text/html") else set()
    fields = sorted((fields | looked_up | ALWAYS) - {"csrfmiddlewaretoken"})

    # A printable catalogue's GET queues its file (one row, one task) when no copy is kept; nothing else.
    may_write = {"registry_accesslog"} | (FILE_TABLES if page.status_code == 202 else set())

    @SETTINGS
    @given(data=st.dictionaries(st.sampled_from(fields), VALUES, min_size=1, max_size=len(fields)))
    def get(data):
        before = rows_written()

        response = send(client, "GET", url, data)

        assert response.status_code < 500, (name, data)
        assert set(tables_written(before)) <= may_write, (name, data)

    get()
