"""The input a penetration test sent (issue 19): each answered HTTP 500 with DEBUG off. Now each is a clear
Indonesian refusal or a page, and a refused request writes nothing.

The generated-input test over every URL of the access matrix is tests/test_form_fuzzing.py; these are the
cases found by hand, kept as they were sent.
"""

import copy

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from programs.models import (
    Attendance,
    BankReferral,
    CurationScore,
    CurationSubmission,
    Enrollment,
    ExportFacilitation,
    MentoringVisit,
)
from registry.models import AccessLog, Business, Owner, Product, RegistrationDraft, YearlyFigure
from tests.once import made_once
from tests.test_access_matrix import cast, make_matrix, objects  # noqa: F401 (fixtures)

HUGE_PAGE = "99999999999999999999"
FORTY_DIGITS = "9" * 40


@pytest.fixture(scope="module")
def matrix_once(django_db_setup, django_db_blocker):
    with made_once(django_db_blocker):
        yield make_matrix()


@pytest.fixture
def matrix(matrix_once, db):
    """The access matrix's cast and objects, made once for this module (tests/once.py): every test here takes
    them, and each changes at most its own savepoint's copy."""
    return copy.deepcopy(matrix_once)


def _url(objects, name):  # noqa: F811
    return reverse(name, kwargs=objects.get(name, {}))


def _errors(response):
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


#
# Unicode digits: '²'.isdigit() is True, int('²') raises
#


def test_export_report_year_in_superscript_shows_this_year(client, cast, objects):  # noqa: F811
    client.force_login(cast["dinas"])

    response = client.get(_url(objects, "programs:export_report"), {"year": "²"})

    assert response.status_code == 200
    assert response.context["year"] > 2000


@pytest.mark.parametrize("name", ["registry:business_update", "registry:owner_update"])
def test_edit_form_with_a_superscript_version_is_refused_unchanged(client, cast, objects, name):  # noqa: F811
    client.force_login(cast["coord_a"])
    url = _url(objects, name)
    page = client.get(url)
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None and not isinstance(v, list)}
    business = Business.objects.get(pk=objects[name]["pk"])
    versions = (business.version, business.owner.version)

    response = client.post(url, {**data, "version": "²"})

    assert response.status_code in (400, 409)
    assert "muat ulang halaman" in response.content.decode()
    business.refresh_from_db()
    assert (business.version, Owner.objects.get(pk=business.owner_id).version) == versions


def test_curation_score_in_superscript_is_refused(client, cast, objects):  # noqa: F811
    client.force_login(cast["dinas"])
    submission = CurationSubmission.objects.get(pk=objects["programs:curationsubmission_detail"]["pk"])
    criterion = submission.call.criteria.get()

    response = client.post(
        _url(objects, "programs:curationsubmission_action"),
        {"version": submission.version, f"score-{criterion.pk}": "²"},
    )

    assert response.status_code == 400  # the page again, the score as typed beside its reason
    assert _errors(response) == ["Nilai belum tersimpan: perbaiki isian yang ditandai."]
    assert "Nilai harus angka bulat 0 sampai 5." in response.content.decode()
    assert not CurationScore.objects.exists()


def test_training_score_in_superscript_is_refused(client, cast, objects):  # noqa: F811
    client.force_login(cast["dinas"])
    enrollment = Enrollment.objects.get()

    response = client.post(_url(objects, "programs:training_completion"), {f"pre-{enrollment.pk}": "²"})

    assert response.status_code == 400  # the page again, the row as typed beside its reason
    assert _errors(response) == ["1 baris belum tersimpan: perbaiki isian yang ditandai."]
    assert f'id="row-error-{enrollment.pk}">Nilai harus angka 0 sampai 100.</div>' in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.pre_score is None


@pytest.mark.parametrize("value", ["²", "abc", HUGE_PAGE, "-1"])
def test_attendance_with_a_bad_participant_is_refused(client, cast, objects, value):  # noqa: F811
    client.force_login(cast["dinas"])

    response = client.post(_url(objects, "programs:attendance"), {"present": value})

    assert response.status_code == 400
    assert "Daftar hadir tidak dikenali; periksa centang lalu simpan lagi." in response.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("value", ["²", "abc", HUGE_PAGE])
def test_verification_queue_with_a_bad_business_id_is_refused(client, cast, objects, value):  # noqa: F811
    client.force_login(cast["dinas"])
    business = make_pending(objects)

    response = client.post(reverse("registry:business_queue"), {"action": "verify", "business": value})

    assert response.status_code == 302
    assert _errors(response) == ["Pilih minimal satu usaha, lalu pilih Verifikasi atau Tolak."]
    business.refresh_from_db()
    assert business.verification == "menunggu"


def make_pending(objects):  # noqa: F811
    business = Business.objects.get(pk=objects["registry:business_detail"]["pk"])
    Business.objects.filter(pk=business.pk).update(verification="menunggu")
    return business


#
# Ids that are not numbers
#


@pytest.mark.parametrize(
    ("name", "role", "field", "message"),
    [
        ("programs:training_nominate", "coord_a", "business", "Pilih anggota yang akan dinominasikan."),
        ("programs:curationcall_submit", "coord_a", "product", "Pilih produk yang akan diajukan."),
        ("programs:mentoringvisit_overdue", "dinas", "visit", None),
    ],
)
@pytest.mark.parametrize("value", ["abc", "²", HUGE_PAGE, "1.5"])
def test_an_id_that_is_not_a_number_is_refused(client, cast, objects, name, role, field, message, value):  # noqa: F811
    client.force_login(cast[role])
    before = (Enrollment.objects.count(), CurationSubmission.objects.count(), MentoringVisit.objects.count())

    response = client.post(_url(objects, name), {field: value})

    if message is None:  # closing a follow-up: an unknown one is missing (404), as before
        assert response.status_code == 404
    else:
        assert response.status_code == 302
        assert _errors(response) == [message]
    assert (Enrollment.objects.count(), CurationSubmission.objects.count(), MentoringVisit.objects.count()) == before


#
# NUL and other control characters: refused at the edge
#


@pytest.mark.parametrize("value", ["a\x00b", "a\x01b", "a\x1bb", "a\x7fb"])
def test_a_control_character_in_a_filter_is_refused_with_a_readable_page(client, cast, value):  # noqa: F811
    client.force_login(cast["coord_a"])

    response = client.get(reverse("registry:business_list"), {"kecamatan": value})

    assert response.status_code == 400
    assert "karakter kendali" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_a_control_character_in_a_parameter_name_or_the_path_is_refused(client, cast, objects):  # noqa: F811
    client.force_login(cast["coord_a"])

    assert client.get(reverse("registry:business_list") + "?a%00b=1").status_code == 400
    assert client.get("/wilayah/kecamatan/35%0015/").status_code == 400


def test_tabs_and_line_breaks_are_ordinary_text(client, cast):  # noqa: F811
    client.force_login(cast["coord_a"])
    before = list(RegistrationDraft.objects.values_list("pk", flat=True))  # the matrix's draft

    response = client.post(reverse("registry:registrationdraft_save"), {"business-name": "Kue\tSri\r\nBaru"})

    assert response.status_code == 200
    assert RegistrationDraft.objects.exclude(pk__in=before).get().data == {"business-name": "Kue\tSri\r\nBaru"}


def test_a_registration_draft_with_nul_is_refused_and_not_stored(client, cast):  # noqa: F811
    client.force_login(cast["coord_a"])
    before = list(RegistrationDraft.objects.values("pk", "data"))  # the matrix's draft

    response = client.post(reverse("registry:registrationdraft_save"), {"business-name": "Kue\x00Sri"})

    assert response.status_code == 400
    assert list(RegistrationDraft.objects.values("pk", "data")) == before


def test_a_reveal_reason_with_nul_is_refused_and_not_logged(client, cast, objects):  # noqa: F811
    client.force_login(cast["dinas"])
    before = AccessLog.objects.count()

    response = client.post(_url(objects, "registry:owner_reveal_nik"), {"reason": "Verifikasi\x00data"})

    assert response.status_code == 400
    assert AccessLog.objects.count() == before


#
# Page numbers
#

LISTS = [
    ("registry:business_list", "coord_a"),
    ("registry:product_list", "coord_a"),
    ("registry:business_queue", "dinas"),
    ("registry:kecamatan_list", "coord_a"),
    ("programs:bankreferral_list", "coord_a"),
    ("programs:training_list", "coord_a"),
    ("programs:enrollment_list", "coord_a"),
    ("programs:curationcall_list", "coord_a"),
    ("programs:curationsubmission_list", "coord_a"),
    ("programs:mentoringvisit_list", "coord_a"),
    ("programs:mentoringvisit_overdue", "coord_a"),
    ("programs:placement_list", "coord_a"),
    ("programs:exportfacilitation_list", "coord_a"),
    ("reports:snapshot_list", "dinas"),
]


@pytest.mark.parametrize(("name", "role"), LISTS)
@pytest.mark.parametrize("number", [HUGE_PAGE, "5", "²", "-3", "abc", "1e3"])
def test_a_page_number_out_of_range_answers_a_page(client, cast, objects, name, role, number):  # noqa: F811
    client.force_login(cast[role])

    response = client.get(reverse(name), {"page": number})

    assert response.status_code == 200


def test_a_page_beyond_the_last_answers_the_last_page(client, cast, objects, kec_a):  # noqa: F811
    from tests.factories import make_business

    for number in range(30):
        make_business(kec_a, name=f"Usaha {number:02}")
    client.force_login(cast["coord_a"])

    for number in ("2", "3", "4", HUGE_PAGE):
        html = client.get(reverse("registry:business_list"), {"page": number}).content.decode()

        assert "Usaha 29" in html, number
        assert "Usaha 00" not in html, number


#
# Rupiah amounts beyond the column (max_digits=15)
#


@pytest.mark.parametrize(
    ("name", "role", "field", "model"),
    [
        ("registry:product_create", "coord_a", "price", Product),
        ("registry:yearlyfigure_record", "coord_a", "revenue", YearlyFigure),
        ("programs:exportfacilitation_create", "dinas", "value", ExportFacilitation),
        ("programs:bankreferral_create", "coord_a", "amount_requested", BankReferral),
    ],
)
def test_a_forty_digit_amount_is_refused_in_indonesian(client, cast, objects, name, role, field, model):  # noqa: F811
    client.force_login(cast[role])
    url = _url(objects, name)
    form = client.get(url).context["form"]
    data = {key: value for key, value in form.initial.items() if value is not None}
    before = model.objects.count()

    response = client.post(url, {**data, field: FORTY_DIGITS})

    assert response.status_code == 400
    assert "Terlalu besar: paling banyak 999.999.999.999.999 (15 digit)." in response.content.decode()
    assert model.objects.count() == before


@pytest.mark.parametrize("size", ["-2", "0", "100000000"])
def test_the_page_size_from_the_query_string_stays_in_bounds(client, cast, objects, size):  # noqa: F811
    client.force_login(cast["coord_a"])

    for name in ("registry:kecamatan_list", "registry:product_list", "programs:training_list"):
        response = client.get(reverse(name), {"per_page": size})

        assert response.status_code == 200, name
        assert 1 <= len(response.context["table"].page.object_list) <= 100, name


#
# Found by the generated test (tests/test_query_fuzzing.py, tests/test_form_fuzzing.py)
#


def test_a_next_that_looks_like_a_view_name_is_a_plain_address(client, cast):  # noqa: F811
    client.force_login(cast["coord_a"])

    response = client.get(reverse("second_factor"), {"next": "0"})

    assert response.status_code == 302
