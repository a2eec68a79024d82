import datetime

import pytest
from django.utils import timezone

from programs.models import (
    Attendance,
    BankReferral,
    BankReferralEvent,
    CurationCall,
    CurationSubmission,
    Enrollment,
    Placement,
    Training,
    TrainingSession,
)
from registry.measures import months_ahead
from registry.models import Business, BusinessGroup, ExportValue, LegalDocument
from tests.factories import make_business, make_document, make_figure, make_owner, make_product
from tests.worker import run_tasks


def _referral(business, bank, status, by, *, requested, approved=None, disbursed=None, sent=True):
    referral = BankReferral.objects.create(
        business=business,
        bank=bank,
        credit_product="kur_mikro",
        amount_requested=requested,
        purpose="Modal kerja",
        status=status,
        amount_approved=approved,
        amount_disbursed=disbursed,
        disbursed_on=timezone.localdate() if disbursed else None,
        decision_note="Agunan kurang" if status == "ditolak" else "",
        referred_by=by,
    )
    BankReferralEvent.objects.create(referral=referral, to_status="draft", by=by)
    if sent:
        BankReferralEvent.objects.create(referral=referral, from_status="draft", to_status="dikirim", by=by)
    return referral


@pytest.fixture
def world(kab_sidoarjo, kec_a, kec_b, kec_other_kabupaten, coordinator_a, coordinator_b, dinas_sidoarjo, bank):
    """Varied members in Balongbendo (A) and Krian (B) of Sidoarjo, and in Dasuk of another kabupaten,
    with documents, yearly figures, exports and one record at every step of every program funnel."""
    group = BusinessGroup.objects.create(name="Kelompok Kue", kecamatan=kec_a, coordinator=coordinator_a)
    a1 = make_business(
        kec_a,
        name="Kue Lumpur Bu Sri",
        category="makanan",
        kbli_code="10794",
        verification=Business.Verification.VERIFIED,
        guided_by="Dinas Koperasi",
        is_flagship=True,
        nib="1234567890123",
        owner=make_owner(kec_a, female=True),
    )
    a1.groups.add(group)
    make_document(
        a1,
        kind=LegalDocument.Kind.PIRT,
        number="2061515010123" + str(timezone.localdate().year % 100 + 1)[-2:],
        expires_on=months_ahead(timezone.localdate(), 3),
    )
    make_document(a1, kind=LegalDocument.Kind.HALAL, expires_on=timezone.localdate() + datetime.timedelta(days=900))
    make_figure(a1, year=2024, revenue=1_500_000_000)
    make_figure(a1, year=2025, revenue=3_000_000_000)  # mikro -> kecil: naik kelas in 2025
    ExportValue.objects.create(business=a1, year=2025, country="MY", value=250_000_000)
    a2 = make_business(kec_a, name="Es Dawet Pak Tono", category="minuman", owner=make_owner(kec_a, female=False))
    make_figure(a2, year=2025, revenue=80_000_000)
    a3 = make_business(
        kec_a,
        name="Anyaman Bambu",
        category="kerajinan",
        kbli_code="16291",
        verification=Business.Verification.VERIFIED,
        owner=make_owner(kec_a, female=True),
    )
    make_product(a3)
    ExportValue.objects.create(business=a3, year=2024, country="SG", value=90_000_000)
    b1 = make_business(
        kec_b,
        name="Bandeng Presto Krian",
        category="agro",
        kbli_code="10213",
        kbli_version="2025",
        verification=Business.Verification.VERIFIED,
        owner=make_owner(kec_b, female=True),
    )
    make_document(b1, kind=LegalDocument.Kind.HALAL, expires_on=timezone.localdate() - datetime.timedelta(days=10))
    make_figure(b1, year=2024, revenue=2_500_000_000)
    make_figure(b1, year=2025, revenue=1_000_000_000)  # fell: not naik kelas
    b2 = make_business(kec_b, name="Krupuk Udang Krian", category="makanan", owner=make_owner(kec_b, female=False))
    elsewhere = [
        make_business(
            kec_other_kabupaten,
            name="Batik Dasuk",
            category="batik",
            verification=Business.Verification.VERIFIED,
            guided_by="Dinas Sumenep",
            owner=make_owner(kec_other_kabupaten),
        ),
        make_business(
            kec_other_kabupaten, name="Keripik Dasuk", category="makanan", owner=make_owner(kec_other_kabupaten)
        ),
    ]
    make_figure(elsewhere[0], year=2024, revenue=100_000_000)
    make_figure(elsewhere[0], year=2025, revenue=2_100_000_000)
    ExportValue.objects.create(business=elsewhere[0], year=2025, country="MY", value=999_000_000)
    # A year ago, so a period filter has something on either side.
    Business.objects.filter(pk=a3.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))

    training = Training.objects.create(
        kabupaten=kab_sidoarjo,
        organiser="Dinas",
        title="Kemasan",
        kind="kemasan",
        venue="Aula",
        start_on=timezone.localdate(),
        end_on=timezone.localdate(),
        capacity=10,
        created_by=dinas_sidoarjo,
    )
    session = TrainingSession.objects.create(training=training, on=timezone.localdate(), topic="Kemasan")
    done = Enrollment.objects.create(
        training=training, business=a1, nominated_by=coordinator_a, status="dikonfirmasi", completed_at=timezone.now()
    )
    Attendance.objects.create(enrollment=done, session=session, present=True, marked_by=dinas_sidoarjo)
    came = Enrollment.objects.create(training=training, business=a3, nominated_by=coordinator_a, status="dikonfirmasi")
    Attendance.objects.create(enrollment=came, session=session, present=True, marked_by=dinas_sidoarjo)
    Enrollment.objects.create(training=training, business=b2, nominated_by=coordinator_b)

    call = CurationCall.objects.create(
        kabupaten=kab_sidoarjo,
        organiser="Dinas",
        title="Ritel modern",
        channel="ritel_modern",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
        created_by=dinas_sidoarjo,
    )
    passed = CurationSubmission.objects.create(
        call=call, product=make_product(a1), submitted_by=coordinator_a, decision="lolos"
    )
    Placement.objects.create(
        submission=passed,
        channel="ritel_modern",
        retailer="Indomaret",
        partner="Indomaret",
        starts_on=timezone.localdate(),
        created_by=dinas_sidoarjo,
    )
    CurationSubmission.objects.create(
        call=call,
        product=make_product(a2),
        submitted_by=coordinator_a,
        decision="tidak_lolos",
        feedback="Label belum ada",
    )
    CurationSubmission.objects.create(call=call, product=make_product(b1), submitted_by=coordinator_b)

    _referral(a1, bank, "dicairkan", coordinator_a, requested=50_000_000, approved=40_000_000, disbursed=40_000_000)
    _referral(a3, bank, "disetujui", coordinator_a, requested=30_000_000, approved=25_000_000)
    _referral(b1, bank, "ditolak", coordinator_b, requested=80_000_000)
    _referral(a2, bank, "draft", coordinator_a, requested=10_000_000, sent=False)
    run_tasks()  # the worker recounts the dashboard's summary, as it does within seconds of a write
    return {
        "a": [a1, a2, a3],
        "b": [b1, b2],
        "elsewhere": elsewhere,
        "group": group,
        "training": training,
        "call": call,
    }
