"""Generated malformed input on every form of the portal: never a server error, never a write.

Field names are read from each form page itself, so a field added later is fuzzed too. The objects
come from the access matrix's fixture (tests/test_access_matrix.py).
"""

import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs.models import (
    BankReferral,
    CurationCall,
    CurationSubmission,
    Enrollment,
    ExportFacilitation,
    MentoringVisit,
    Training,
)
from registry.models import Business, LegalDocument, Owner, Product, YearlyFigure
from reports.models import Snapshot
from tests.test_access_matrix import cast, objects  # noqa: F401 (fixtures)

WATCHED = [
    Business,
    Owner,
    Product,
    LegalDocument,
    YearlyFigure,
    BankReferral,
    Training,
    Enrollment,
    CurationCall,
    CurationSubmission,
    MentoringVisit,
    ExportFacilitation,
    Snapshot,
]
# (form URL, who posts it, the page whose form fields it receives: None = the form URL itself)
FORMS = [
    ("registry:business_register", "coord_a", None),
    ("registry:business_update", "coord_a", None),
    ("registry:owner_update", "coord_a", None),
    ("registry:product_create", "coord_a", None),
    ("registry:legaldocument_create", "coord_a", None),
    ("registry:yearlyfigure_record", "coord_a", None),
    ("registry:business_guidance", "dinas", None),
    ("registry:business_decide", "dinas", "registry:business_detail"),
    ("registry:owner_reveal_nik", "dinas", "registry:business_detail"),
    ("programs:bankreferral_create", "coord_a", None),
    ("programs:bankreferral_step", "bank", "programs:bankreferral_detail"),
    ("programs:mentoringvisit_create", "coord_a", None),
    ("programs:exportfacilitation_create", "dinas", None),
    ("programs:training_create", "dinas", None),
    ("programs:training_nominate", "coord_a", "programs:training_detail"),
    ("programs:training_update", "dinas", None),
    ("programs:training_reschedule", "dinas", None),
    ("programs:training_cancel", "dinas", None),
    ("programs:training_record", "dinas", "programs:training_detail"),
    ("programs:curationcall_update", "dinas", None),
    ("programs:curationcall_reschedule", "dinas", None),
    ("programs:curationcall_cancel", "dinas", None),
    ("programs:curationcall_create", "dinas", None),
    ("programs:curationcall_submit", "coord_a", "programs:curationcall_detail"),
    ("programs:curationsubmission_action", "dinas", "programs:curationsubmission_detail"),
    ("reports:snapshot_create", "dinas", "reports:snapshot_list"),
    ("password_change", "coord_a", None),
]
NASTY = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "9" * 40,
        "2026-02-30",
        "31-12-2025",
        "Rp 1.000.000",
        "1,5 juta",
        "=1+1",
        "@SUM(A1)",
        "<script>alert(1)</script>",
        "../../etc/passwd",
        "\x00",
        "NaN",
        "1e309",
        "dikirim",
        "lolos",
        "true",
        "x" * 5000,
    ]
)
VALUE = st.one_of(NASTY, st.text(max_size=60), st.integers(min_value=-(10**20), max_value=10**20).map(str))


def _fields(html):
    names = set(re.findall(r'name="([^"]+)"', html)) - {"csrfmiddlewaretoken", "next", "language", "version"}
    return sorted(names) or ["x"]


def _counts():
    return [model.objects.count() for model in WATCHED]


@pytest.mark.parametrize(("name", "role", "host"), FORMS)
def test_malformed_input_never_errors_and_never_writes(client, cast, objects, name, role, host):  # noqa: F811
    client.force_login(cast[role])
    url = reverse(name, kwargs=objects.get(name, {}))
    page = client.get(reverse(host, kwargs=objects.get(host, {})) if host else url)
    fields = _fields(page.content.decode())
    before = _counts()

    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.dictionaries(st.sampled_from(fields), VALUE, max_size=len(fields)))
    def post(data):
        response = client.post(url, data)
        assert response.status_code < 500, (name, data)
        assert _counts() == before, (name, data)

    post()
