"""Generated hostile input for every URL of the access matrix (tests/test_access_matrix.py): what a page
reads, what is sent, and what was written. Used by tests/test_form_fuzzing.py (POST fields) and
tests/test_query_fuzzing.py (query strings).

- What a page reads: the names of the fields of its HTML, plus every key the view looked up in a
  QueryDict while answering (recorded, so a parameter read by hand is fuzzed too).
- What was written: PostgreSQL's own count of the rows inserted, updated and deleted in the test's
  transaction (pg_stat_xact_user_tables), per table, before and after each request.
"""

import contextlib
import re

from django.contrib.messages import get_messages
from django.db import connection, transaction
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.nik_watch import PUBLIC_VIEWS
from tests.test_access_matrix import MATRIX, ROLES

# Written by any request, refused or not: the session (the idle clock, messages), the cache table, the
# login lockout's records.
# The rate limits count every request, a refused one too (umkm_portal.limits: portal_ratecount).
HOUSEKEEPING = {"django_session", "umkm_cache", "portal_ratecount"}
HOUSEKEEPING_PREFIXES = ("axes_",)

# Pages whose form posts to another URL: (the page, its URL arguments' name in the objects fixture).
HOSTS = {
    "logout": "home",
    "set_language": "home",
    "programs:bankreferral_step": "programs:bankreferral_detail",
    "programs:curationcall_submit": "programs:curationcall_detail",
    "programs:curationsubmission_action": "programs:curationsubmission_detail",
    "programs:enrollment_decide": "programs:training_detail",
    "programs:training_completion": "programs:training_detail",
    "programs:training_nominate": "programs:training_detail",
    "registry:business_decide": "registry:business_detail",
    "registry:business_delete": "registry:business_detail",
    "registry:owner_reveal_nik": "registry:business_detail",
    "registry:registrationdraft_save": "registry:business_register",
    "reports:business_export_job": "registry:business_list",
    "reports:snapshot_create": "reports:snapshot_list",
}
# The other actions of the curation submission page (its URL has the action in it).
CURATION_ACTIONS = ["nilai", "putuskan", "tempatkan", "akhiri", "penjualan"]
PREFERRED = ["coord_a", "dinas", "bank", "admin", "anon"]

HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "²",
    "٣",
    "\uff11\uff12",  # fullwidth digits
    "1.5",
    "1e3",
    "1e999",
    "NaN",
    "-0",
    "0x10",
    "1_000",
    "99999999999999999999",
    "9" * 40,
    "-" + "9" * 40,
    "abc",
    "a\x00b",
    "\x00",
    "\x0b",
    "\x1b[31m",
    "2026-02-30",
    "31-12-2025",
    "99999-01-01",
    "0000-00-00",
    "Rp 1.000.000",
    "1,5 juta",
    "=1+1",
    "@SUM(A1)",
    "<script>alert(1)</script>",
    "{{ 7|add:7 }}",
    "'; select pg_sleep(1); --",
    "../../etc/passwd",
    "true",
    "on",
    "last",
    "dikirim",
    "lolos",
    "verify",
    "x" * 5000,
]
VALUE = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    # Shorter than a NIK: a 16-digit number echoed back by a page would look like a NIK shown (nik_watch).
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)
# One value, or the same key twice (a list: getlist() and the last value of get()).
VALUES = st.one_of(VALUE, st.lists(VALUE, min_size=2, max_size=3))

SETTINGS = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def role_for(name, method):
    """The first role (in PREFERRED order) that the matrix lets use the URL with `method`: one that gets the
    page or the form's answer before one that gets a redirect (an anonymous user only where it gets a page,
    not the login redirect)."""
    statuses = dict(zip(ROLES, MATRIX[name][0 if method == "GET" else 1].split(), strict=True))
    # A form answers its own users 200 or 400 to an empty POST; a 302 may be only a redirect elsewhere, and
    # a 404 the answer to the missing id of the row the POST is about (closing a follow-up).
    # A GET answered 202 is a file being prepared (the printable catalogue): its filters are fuzzed too.
    wanted = [("200", "202")] if method == "GET" else [("200", "400"), ("302",), ("404",)]
    for answers in wanted:
        if name in PUBLIC_VIEWS and statuses["anon"] in answers:
            return "anon"  # a public page (the catalogue's search and filters, the buyer's form): as a visitor
        for role in PREFERRED:
            if statuses[role] in answers and (role != "anon" or statuses[role] in ("200", "202")):
                return role
    return None


def targets(method):
    """(URL name, URL arguments key, role) for every URL of the matrix that some role may use with `method`."""
    found = []
    for name in sorted(MATRIX):
        role = role_for(name, method)
        if role is not None:
            found.append((name, role))
    return found


def url_of(name, objects, **overrides):
    return reverse(name, kwargs={**objects.get(name, {}), **overrides})


def html_field_names(html):
    return set(re.findall(r'\bname="([^"]+)"', html))


@contextlib.contextmanager
def keys_looked_up():
    """Record every key looked up in a QueryDict (request.GET, request.POST, their copies) meanwhile."""
    seen = set()
    originals = {name: getattr(MultiValueDict, name) for name in ("get", "getlist", "__getitem__", "__contains__")}

    def recording(original):
        def lookup(self, key, *args, **kwargs):
            if isinstance(key, str):
                seen.add(key)
            return original(self, key, *args, **kwargs)

        return lookup

    for name, original in originals.items():
        setattr(MultiValueDict, name, recording(original))
    try:
        yield seen
    finally:
        for name, original in originals.items():
            setattr(MultiValueDict, name, original)


def rows_written():
    """{table: rows inserted + updated + deleted so far in this transaction}, bookkeeping tables left out."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables")
        return {
            table: count
            for table, count in cursor.fetchall()
            if count and table not in HOUSEKEEPING and not table.startswith(HOUSEKEEPING_PREFIXES)
        }


def tables_written(before):
    after = rows_written()
    return sorted(table for table, count in after.items() if count != before.get(table, 0))


def refused(response):
    """Whether the portal said no: an error status, or a redirect carrying an error message."""
    if response.status_code >= 400:
        return True
    # Only the messages added by this request (not those still shown from an earlier one).
    queued = getattr(get_messages(response.wsgi_request), "_queued_messages", [])
    return any(message.level_tag == "error" for message in queued)


def send(client, method, url, data):
    """One request inside a savepoint: a database error the view let through fails the example, not the
    rest of the test's transaction."""
    with transaction.atomic():
        response = client.get(url, data) if method == "GET" else client.post(url, data)
        if response.streaming:
            b"".join(response.streaming_content)
    return response
