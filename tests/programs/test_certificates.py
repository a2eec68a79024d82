"""Certificates as a dinas prints them: the signatory, the kabupaten once, a code and QR a stranger can check."""

import datetime
import io
import os

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from programs.certificates import issuer_lines
from programs.models import Training
from programs.services import complete_enrollment, decide_enrollment, mark_attendance, nominate
from tests.factories import make_business, make_owner
from tests.programs.test_trainings import make_training


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def completed(dinas_sidoarjo, coordinator_a, kab_sidoarjo, kec_a):
    training = make_training(
        kab_sidoarjo,
        dinas_sidoarjo,
        organiser="Dinas Koperasi dan Usaha Mikro Kabupaten Sidoarjo",
        title="Kemasan dan Label",
        start_on=timezone.localdate(),
        end_on=timezone.localdate() + datetime.timedelta(days=1),
        signatory_name="Dra. Endang Sulistyowati, M.Si.",
        signatory_title="Kepala Dinas Koperasi dan Usaha Mikro",
        signatory_nip="196805121994032007",
    )
    owner = make_owner(kec_a, name="Sri Wahyuni", address="Jl. Melati 7")
    business = make_business(kec_a, name="Kue Lumpur Bu Sri", owner=owner)
    enrollment = decide_enrollment(nominate(training, business, by=coordinator_a), confirm=True, by=dinas_sidoarjo)
    mark_attendance(training.sessions.first(), present_ids=[enrollment.pk], by=dinas_sidoarjo)
    return complete_enrollment(enrollment, completed=True, post_score=90, by=dinas_sidoarjo)


def test_completion_gives_a_code_that_stays(completed, dinas_sidoarjo):
    code = completed.certificate_code

    complete_enrollment(completed, completed=False, by=dinas_sidoarjo)
    again = complete_enrollment(completed, completed=True, by=dinas_sidoarjo)

    assert len(code) == 14
    assert code.count("-") == 2
    assert again.certificate_code == code


def test_the_certificate_shows_the_signatory_the_code_and_the_kabupaten_once(client, completed, dinas_sidoarjo):
    client.force_login(dinas_sidoarjo)

    content = client.get(reverse("programs:enrollment_certificate", args=[completed.pk])).content
    folder = os.path.join(os.path.dirname(__file__), "..", "..", "test-results", "pdf")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "sertifikat.pdf"), "wb") as out:
        out.write(content)
    text = pdf_text(content)

    assert "Dra. Endang Sulistyowati, M.Si." in text
    assert "Kepala Dinas Koperasi dan Usaha Mikro" in text
    assert "NIP. 196805121994032007" in text
    assert completed.certificate_code in text
    assert f"/sertifikat/{completed.certificate_code}/" in text
    assert text.upper().count("SIDOARJO") == 1
    assert "Sri Wahyuni" in text
    assert "Kue Lumpur Bu Sri" in text


def test_the_kabupaten_is_printed_on_its_own_line_when_the_organiser_does_not_name_it(kab_sidoarjo):
    training = Training(kabupaten=kab_sidoarjo, organiser="Dinas Koperasi dan UMKM")

    assert issuer_lines(training) == ["DINAS KOPERASI DAN UMKM", "KABUPATEN SIDOARJO"]


def test_anyone_confirms_a_certificate_by_its_code_and_sees_nothing_personal(client, completed):
    response = client.get(reverse("programs:certificate_verify", args=[completed.certificate_code]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Sri Wahyuni" in html
    assert "Kue Lumpur Bu Sri" in html
    assert "Kemasan dan Label" in html
    assert timezone.localdate().strftime("%d-%m-%Y") in html
    owner = completed.business.owner
    for private in (owner.nik, owner.nik[-4:] + "</", owner.phone, "81234567890", "Jl. Melati"):
        assert private not in html, private


def test_an_unknown_or_withdrawn_code_answers_404(client, completed, dinas_sidoarjo):
    code = completed.certificate_code

    unknown = client.get(reverse("programs:certificate_verify", args=["AAAA-BBBB-CCCC"]))
    lower = client.get(reverse("programs:certificate_verify", args=[code.lower()]))
    complete_enrollment(completed, completed=False, by=dinas_sidoarjo)
    withdrawn = client.get(reverse("programs:certificate_verify", args=[code]))

    assert unknown.status_code == 404
    assert lower.status_code == 200
    assert withdrawn.status_code == 404
