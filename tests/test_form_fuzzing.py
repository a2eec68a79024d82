"""Generated hostile input in every POST field of every URL of the access matrix: never a server error,
and a refused request (an error status, or a redirect with an error message) writes no row.

Field names are read from the page that shows each form and from what the view itself looks up in the
POST, so a field added later is fuzzed too; the objects come from the access matrix's fixture. The
penetration test's own cases are tests/test_hostile_input.py.
"""

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzzing import (
    CURATION_ACTIONS,
    HOSTS,
    SETTINGS,
    VALUES,
    html_field_names,
    keys_looked_up,
    refused,
    rows_written,
    send,
    tables_written,
    targets,
    url_of,
)
from tests.test_access_matrix import cast, matrix, objects  # noqa: F401 (fixtures)

CASES = [
    (name, role, {"action": action})
    for name, role in targets("POST")
    for action in (CURATION_ACTIONS if name == "programs:curationsubmission_action" else [None])
]


def _login(client, user):
    if user is None:
        client.logout()
    else:
        client.force_login(user)


def test_hostile_post_never_errors_and_a_refusal_writes_nothing(client, cast, objects, settings):  # noqa: F811
    # The public search and inquiry form are fuzzed past their limits per address (tests/test_public_pages.py).
    settings.PUBLIC_SEARCH_RATE = settings.PUBLIC_INQUIRY_RATE = "100000/h"
    # One test for every URL (the objects are made once): each URL's failure is collected, then all shown.
    failures = []
    for name, role, extra in CASES:
        try:
            _fuzz(client, cast[role], objects, name, extra)
        except Exception as error:
            failures.append(f"{name} {extra} as {role}: {error}")
    assert failures == [], "\n\n".join(failures)


def _fuzz(client, user, objects, name, extra):  # noqa: F811
    _login(client, user)
    url = url_of(name, objects, **{key: value for key, value in extra.items() if value})
    host = HOSTS.get(name)
    page = client.get(url_of(host, objects) if host else url)
    fields = html_field_names(page.content.decode()) if page.status_code == 200 else set()
    with keys_looked_up() as looked_up:
        send(client, "POST", url, {})
    fields = sorted((fields | looked_up) - {"csrfmiddlewaretoken"}) or ["x"]

    @SETTINGS
    @given(data=st.dictionaries(st.sampled_from(fields), VALUES, max_size=len(fields)))
    def post(data):
        _login(client, user)  # an earlier example may have logged out
        before = rows_written()

        response = send(client, "POST", url, data)

        assert response.status_code < 500, (name, data)
        if refused(response):
            assert tables_written(before) == [], (name, response.status_code, data)

    post()
