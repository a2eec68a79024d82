import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from programs.models import CurationCall, CurationCriterion, CurationSubmission, Placement, PlacementSalesNote
from programs.services import (
    add_sales_note,
    decide_submission,
    open_curation_call,
    place_product,
    score_submission,
    submit_to_curation,
)
from registry.models import LegalDocument
from tests.factories import make_business, make_document, make_product


@pytest.fixture
def call(dinas_sidoarjo, kab_sidoarjo):
    return open_curation_call(
        CurationCall(
            kabupaten=kab_sidoarjo,
            organiser="Disperindag Sidoarjo",
            title="Kurasi Ritel Modern",
            channel="ritel_modern",
            partner="Indomaret dan Alfamart",
            opens_on=timezone.localdate() - datetime.timedelta(days=1),
            closes_on=timezone.localdate() + datetime.timedelta(days=10),
            required_documents=["pirt", "halal"],
        ),
        criteria=[CurationCriterion(name="Kemasan", weight=1), CurationCriterion(name="Mutu", weight=3)],
        by=dinas_sidoarjo,
    )


def scores(call, value):
    return {c.pk: value for c in call.criteria.all()}


def test_submission_scoring_and_weighted_total(call, coordinator_a, dinas_sidoarjo, kec_a):
    submission = submit_to_curation(call, make_product(make_business(kec_a)), by=coordinator_a)
    kemasan, mutu = call.criteria.all()

    score_submission(submission, scores={kemasan.pk: 5, mutu.pk: 3}, by=dinas_sidoarjo)

    submission.refresh_from_db()
    assert float(submission.total_score) == 70.0  # (5/5*1 + 3/5*3) / 4 * 100


def test_pass_needs_scores_and_documents_and_missing_ones_are_named(call, coordinator_a, dinas_sidoarjo, kec_a):
    business = make_business(kec_a)
    product = make_product(business)
    make_document(business, kind="pirt", number="206351501012399")
    submission = submit_to_curation(call, product, by=coordinator_a)

    with pytest.raises(ValidationError, match="Nilai semua kriteria"):
        decide_submission(submission, decision="lolos", feedback="", by=dinas_sidoarjo)
    score_submission(submission, scores=scores(call, 4), by=dinas_sidoarjo)
    with pytest.raises(ValidationError, match="Dokumen wajib belum lengkap: Sertifikat halal"):
        decide_submission(submission, decision="lolos", feedback="", by=dinas_sidoarjo)
    decide_submission(submission, decision="perbaikan", feedback="Urus sertifikat halal (SEHATI).", by=dinas_sidoarjo)

    submission.refresh_from_db()
    assert submission.missing_documents == ["halal"]
    assert submission.get_missing_documents_display() == "Sertifikat halal"


def test_an_expired_document_blocks_a_pass_named_expired_not_missing(call, coordinator_a, dinas_sidoarjo, kec_a):
    business = make_business(kec_a)
    make_document(business, kind="pirt", number="206351501012320")  # expired end of 2020
    make_document(business, kind="halal", expires_on=timezone.localdate() + datetime.timedelta(days=300))
    submission = submit_to_curation(call, make_product(business), by=coordinator_a)
    score_submission(submission, scores=scores(call, 5), by=dinas_sidoarjo)

    with pytest.raises(ValidationError, match=r"Dokumen wajib belum lengkap: P-IRT kedaluwarsa\."):
        decide_submission(submission, decision="lolos", feedback="", by=dinas_sidoarjo)


def test_failing_needs_feedback_and_decisions_are_final(call, coordinator_a, dinas_sidoarjo, kec_a):
    submission = submit_to_curation(call, make_product(make_business(kec_a)), by=coordinator_a)

    with pytest.raises(ValidationError, match="Tuliskan masukan"):
        decide_submission(submission, decision="tidak_lolos", feedback=" ", by=dinas_sidoarjo)
    decide_submission(submission, decision="tidak_lolos", feedback="Harga terlalu tinggi.", by=dinas_sidoarjo)
    with pytest.raises(ValidationError, match="sudah diputuskan"):
        score_submission(submission, scores=scores(call, 5), by=dinas_sidoarjo)


def test_submission_guards(call, coordinator_a, dinas_sidoarjo, kec_a, kec_b, kab_sidoarjo):
    product = make_product(make_business(kec_a))
    submit_to_curation(call, product, by=coordinator_a)

    with pytest.raises(ValidationError, match="sudah diajukan"):
        submit_to_curation(call, product, by=coordinator_a)
    with pytest.raises(PermissionDenied):
        submit_to_curation(call, make_product(make_business(kec_b)), by=coordinator_a)
    closed = open_curation_call(
        CurationCall(
            kabupaten=kab_sidoarjo,
            organiser="D",
            title="Lama",
            channel="oleh_oleh",
            opens_on=timezone.localdate() - datetime.timedelta(days=30),
            closes_on=timezone.localdate() - datetime.timedelta(days=1),
        ),
        criteria=[CurationCriterion(name="Kemasan")],
        by=dinas_sidoarjo,
    )
    with pytest.raises(ValidationError, match="sudah ditutup pada"):
        submit_to_curation(closed, make_product(make_business(kec_a)), by=coordinator_a)


def test_score_out_of_range_is_refused(call, coordinator_a, dinas_sidoarjo, kec_a):
    submission = submit_to_curation(call, make_product(make_business(kec_a)), by=coordinator_a)

    with pytest.raises(ValidationError, match="0 sampai 5"):
        score_submission(submission, scores=scores(call, 6), by=dinas_sidoarjo)


def test_only_a_passed_product_is_placed_and_sales_are_noted_per_month(call, coordinator_a, dinas_sidoarjo, kec_a):
    business = make_business(kec_a)
    for kind, number in (("pirt", "206351501012399"), ("halal", "ID351500000999")):
        LegalDocument.objects.create(business=business, kind=kind, number=number)
    submission = submit_to_curation(call, make_product(business), by=coordinator_a)
    with pytest.raises(ValidationError, match="lolos kurasi"):
        place_product(
            submission,
            channel="ritel_modern",
            retailer="Indomaret",
            partner="Indomaret",
            starts_on=timezone.localdate(),
            by=dinas_sidoarjo,
        )
    score_submission(submission, scores=scores(call, 4), by=dinas_sidoarjo)
    decide_submission(submission, decision="lolos", feedback="", by=dinas_sidoarjo)

    placement = place_product(
        submission,
        channel="ritel_modern",
        retailer="Indomaret",
        partner="Indomaret Krian",
        starts_on=timezone.localdate(),
        by=dinas_sidoarjo,
    )
    add_sales_note(
        placement, PlacementSalesNote(month=timezone.localdate(), units=40, value=1_000_000), by=dinas_sidoarjo
    )
    add_sales_note(
        placement,
        PlacementSalesNote(month=timezone.localdate().replace(day=1), units=55, value=1_375_000),
        by=dinas_sidoarjo,
    )

    note = PlacementSalesNote.objects.get()
    assert (note.units, note.month.day) == (55, 1)
    with pytest.raises(ValidationError, match="sudah tercatat"):
        place_product(
            submission,
            channel="ritel_modern",
            retailer="Indomaret",
            partner="Alfamart",
            starts_on=timezone.localdate(),
            by=dinas_sidoarjo,
        )


def test_coordinator_reads_feedback_and_sees_only_own_submissions(
    client, call, coordinator_a, coordinator_b, dinas_sidoarjo, kec_a, kec_b
):
    mine = submit_to_curation(call, make_product(make_business(kec_a), name="Sinom Wuluh"), by=coordinator_a)
    submit_to_curation(call, make_product(make_business(kec_b), name="Kerupuk Udang"), by=coordinator_b)
    decide_submission(mine, decision="perbaikan", feedback="Label belum ada tanggal kedaluwarsa.", by=dinas_sidoarjo)
    client.force_login(coordinator_a)

    call_html = client.get(call.get_absolute_url()).content.decode()
    detail_html = client.get(mine.get_absolute_url()).content.decode()

    assert "Sinom Wuluh" in call_html
    assert "Kerupuk Udang" not in call_html
    assert "Label belum ada tanggal kedaluwarsa." in detail_html
    assert "P-IRT, Sertifikat halal" in detail_html


def test_curation_pages_end_to_end(client, call, coordinator_a, dinas_sidoarjo, kec_a):
    product = make_product(make_business(kec_a), name="Jenang Jagung")
    client.force_login(coordinator_a)
    client.post(reverse("programs:curationcall_submit", args=[call.pk]), {"product": product.pk})
    submission = CurationSubmission.objects.get()
    client.force_login(dinas_sidoarjo)
    action = lambda name: reverse("programs:curationsubmission_action", args=[submission.pk, name])  # noqa: E731

    client.post(action("nilai"), {f"score-{c.pk}": "4" for c in call.criteria.all()} | {"version": 1})
    bad = client.post(action("nilai"), {f"score-{call.criteria.first().pk}": "empat", "version": 2}, follow=True)
    client.post(action("putuskan"), {"decision": "tidak_lolos", "feedback": "Kemasan mudah bocor.", "version": 2})

    submission.refresh_from_db()
    assert "Nilai harus angka bulat" in bad.content.decode()
    assert (submission.decision, float(submission.total_score)) == ("tidak_lolos", 80.0)


def test_coordinator_may_not_curate_and_other_kabupaten_gets_404(client, call, coordinator_a, dinas_other, kec_a):
    submission = submit_to_curation(call, make_product(make_business(kec_a)), by=coordinator_a)
    client.force_login(coordinator_a)
    assert (
        client.post(reverse("programs:curationsubmission_action", args=[submission.pk, "putuskan"]), {}).status_code
        == 403
    )
    client.force_login(dinas_other)
    assert client.get(call.get_absolute_url()).status_code == 404
    assert client.get(submission.get_absolute_url()).status_code == 404


def test_dinas_opens_a_call_with_the_default_rubric(client, dinas_sidoarjo, kab_sidoarjo):
    client.force_login(dinas_sidoarjo)
    page = client.get(reverse("programs:curationcall_create")).content.decode()
    data = {
        "kabupaten": kab_sidoarjo.pk,
        "organiser": "Disperindag",
        "title": "Kurasi Oleh-oleh",
        "channel": "oleh_oleh",
        "opens_on": timezone.localdate().isoformat(),
        "closes_on": timezone.localdate().isoformat(),
        "required_documents": ["pirt"],
        "criterion-TOTAL_FORMS": "2",
        "criterion-INITIAL_FORMS": "0",
        "criterion-0-name": "Kemasan",
        "criterion-0-weight": "2",
        "criterion-0-max_score": "5",
        "criterion-1-name": "Rasa",
        "criterion-1-weight": "3",
        "criterion-1-max_score": "5",
    }

    response = client.post(reverse("programs:curationcall_create"), data)

    assert 'value="Kapasitas produksi"' in page
    assert response.status_code == 302
    call = CurationCall.objects.get()
    assert [c.name for c in call.criteria.all()] == ["Kemasan", "Rasa"]
    assert call.required_documents == ["pirt"]


def test_ledger_on_the_business_page_shows_curation_and_placement(client, call, coordinator_a, dinas_sidoarjo, kec_a):
    business = make_business(kec_a)
    for kind, number in (("pirt", "206351501012398"), ("halal", "ID351500000998")):
        LegalDocument.objects.create(business=business, kind=kind, number=number)
    submission = submit_to_curation(call, make_product(business, name="Lumpia"), by=coordinator_a)
    score_submission(submission, scores=scores(call, 5), by=dinas_sidoarjo)
    decide_submission(submission, decision="lolos", feedback="", by=dinas_sidoarjo)
    place_product(
        submission,
        channel="ritel_modern",
        retailer="Indomaret",
        partner="Alfamart Balongbendo",
        starts_on=timezone.localdate(),
        by=dinas_sidoarjo,
    )
    client.force_login(coordinator_a)

    html = client.get(reverse("programs:business_ledger", args=[business.pk])).content.decode()

    assert "Lumpia · Kurasi Ritel Modern: Lolos, ditempatkan di Alfamart Balongbendo" in html
    assert Placement.objects.count() == 1


def test_a_placement_is_ended_once_within_its_dates(call, coordinator_a, dinas_sidoarjo, kec_a):
    from programs.services import end_placement

    business = make_business(kec_a)
    for kind, number in (("pirt", "206351501012397"), ("halal", "ID351500000997")):
        LegalDocument.objects.create(business=business, kind=kind, number=number)
    submission = submit_to_curation(call, make_product(business), by=coordinator_a)
    score_submission(submission, scores=scores(call, 5), by=dinas_sidoarjo)
    decide_submission(submission, decision="lolos", feedback="", by=dinas_sidoarjo)
    placement = place_product(
        submission,
        channel="ritel_modern",
        retailer="Alfamart",
        partner="Alfamart",
        starts_on=timezone.localdate() - datetime.timedelta(days=30),
        by=dinas_sidoarjo,
    )

    with pytest.raises(ValidationError, match="antara tanggal mulai"):
        end_placement(placement, ends_on=timezone.localdate() - datetime.timedelta(days=60), by=dinas_sidoarjo)
    end_placement(placement, ends_on=timezone.localdate(), by=dinas_sidoarjo)
    with pytest.raises(ValidationError, match="sudah berakhir"):
        end_placement(placement, ends_on=timezone.localdate(), by=dinas_sidoarjo)

    placement.refresh_from_db()
    assert (placement.status, placement.ends_on) == ("berakhir", timezone.localdate())
