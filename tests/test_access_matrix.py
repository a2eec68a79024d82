"""Every URL of the project, as every role, with GET and POST: one table of expected statuses.

A URL pattern missing from the table fails the test, so a new view cannot be added without saying
who may use it. Objects live in Balongbendo (kecamatan A of Sidoarjo): coordinator B (Krian) and the
dinas of another kabupaten must get 404 for them, with the same page as for an object that does not
exist. Every answer also carries the security headers.
"""

import datetime
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from programs.models import (
    BankReferral,
    BankReferralEvent,
    CurationCall,
    CurationCriterion,
    CurationSubmission,
    Enrollment,
    EventBooth,
    ExportFacilitation,
    Inquiry,
    Listing,
    ListingConsent,
    MarketEvent,
    MentoringVisit,
    Training,
    TrainingSession,
)
from registry import roles
from registry.import_jobs import run_check
from registry.models import BusinessGroup, ImportBatch, LegalDocument, Product, RegistrationDraft
from registry.services import add_product_photo
from reports.models import ReportJob, Snapshot
from reports.snapshots import snapshot_figures
from tests.factories import (
    jpeg_upload,
    make_bank,
    make_business,
    make_document,
    make_listing,
    make_product,
    make_region,
    make_user,
)

ROLES = ["anon", "coord_a", "coord_b", "dinas", "dinas_other", "bank", "admin"]
MISSING = 999_999_999

# name: (GET statuses, POST statuses), each in ROLES order. Reading a row: anonymous users are sent to
# log in (302); the roles with the permission get 200 (or 302 after a POST that does something);
# other roles 403; users of another area 404. 405 = the method is not offered.
MATRIX = {
    # portal
    "healthz": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "home": ("302 200 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "login": ("200 302 302 302 302 302 302", "200 302 302 302 302 302 302"),
    "logout": ("405 405 405 405 405 405 405", "200 200 200 200 200 200 200"),
    "password_change": ("302 200 200 200 200 200 200", "302 200 200 200 200 200 200"),
    "password_change_done": ("302 200 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "password_reset": ("200 200 200 200 200 200 200", "200 200 200 200 200 200 200"),
    "password_reset_done": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "password_reset_confirm": ("200 200 200 200 200 200 200", "200 200 200 200 200 200 200"),
    "second_factor": ("302 302 302 200 200 302 200", "302 302 302 200 200 302 200"),
    "set_language": ("302 302 302 302 302 302 302", "302 302 302 302 302 302 302"),
    # programs
    "programs:attendance": ("302 403 403 200 404 403 200", "302 403 403 302 404 403 302"),
    "programs:bank_create": ("302 403 403 200 200 403 200", "302 403 403 400 400 403 400"),
    "programs:bank_list": ("302 403 403 200 200 403 200", "302 403 403 405 405 403 405"),
    "programs:bank_update": ("302 403 403 200 404 403 200", "302 403 403 400 404 403 400"),
    "programs:bankofficer_create": ("302 403 403 200 404 403 200", "302 403 403 400 404 403 400"),
    "programs:bankofficer_update": ("302 403 403 200 404 403 200", "302 403 403 400 404 403 400"),
    "programs:bankreferral_create": ("302 200 404 200 404 403 200", "302 400 404 400 404 403 400"),
    "programs:bankreferral_detail": ("302 200 404 200 404 200 200", "302 405 405 405 405 405 405"),
    "programs:bankreferral_export": ("302 200 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "programs:bankreferral_list": ("302 200 200 200 200 200 200", "302 405 405 405 405 405 405"),
    "programs:bankreferral_step": ("302 405 405 405 405 405 405", "302 302 404 302 404 302 302"),
    "programs:catalogue_inquiry": ("200 200 200 200 200 200 200", "400 400 400 400 400 400 400"),
    "programs:catalogue_inquiry_sent": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    # a kabupaten with a catalogue: the file is queued for the worker (202, "being prepared"), for everyone
    "programs:catalogue_csv": ("202 202 202 202 202 202 202", "405 405 405 405 405 405 405"),
    "programs:catalogue_pdf": ("202 202 202 202 202 202 202", "405 405 405 405 405 405 405"),
    "programs:catalogue_sheet": ("202 202 202 202 202 202 202", "405 405 405 405 405 405 405"),
    "programs:certificate_verify": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "programs:consent_record": ("302 200 404 200 404 403 200", "302 400 404 400 404 403 400"),
    "programs:consent_withdraw": ("302 200 404 200 404 403 200", "302 400 404 400 404 403 400"),
    # the public catalogue: the same page for everyone, signed in or not; nothing to POST
    "programs:catalogue_home": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "programs:catalogue": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "programs:catalogue_product": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "programs:catalogue_business": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "programs:catalogue_photo": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "programs:sitemap": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "programs:sitemap_section": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "programs:robots": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "programs:curationcall_cancel": ("302 403 403 200 404 403 200", "302 403 403 400 404 403 400"),
    "programs:curationcall_create": ("302 403 403 200 200 403 200", "302 403 403 400 400 403 400"),
    "programs:curationcall_detail": ("302 200 200 200 404 403 200", "302 405 405 405 405 403 405"),
    "programs:curationcall_list": ("302 200 200 200 200 403 200", "302 405 405 405 405 403 405"),
    "programs:curationcall_reschedule": ("302 403 403 200 404 403 200", "302 403 403 400 404 403 400"),
    "programs:curationcall_submit": ("302 405 405 405 405 403 405", "302 302 302 302 404 403 302"),
    "programs:curationcall_update": ("302 403 403 200 404 403 200", "302 403 403 400 404 403 400"),
    "programs:curationsubmission_action": ("302 403 403 405 405 403 405", "302 403 403 302 404 403 302"),
    "programs:curationsubmission_detail": ("302 200 404 200 404 403 200", "302 405 405 405 405 403 405"),
    "programs:curationsubmission_list": ("302 200 200 200 200 403 200", "302 405 405 405 405 403 405"),
    "programs:enrollment_certificate": ("302 200 404 200 404 403 200", "302 405 405 405 405 403 405"),
    "programs:enrollment_decide": ("302 403 403 405 405 403 405", "302 403 403 302 404 403 302"),
    "programs:enrollment_list": ("302 200 200 200 200 403 200", "302 405 405 405 405 403 405"),
    "programs:event_add_booths": ("302 405 405 405 405 403 405", "302 302 302 302 404 403 302"),
    "programs:event_cancel": ("302 403 403 200 404 403 200", "302 403 403 400 404 403 400"),
    "programs:event_create": ("302 403 403 200 200 403 200", "302 403 403 400 400 403 400"),
    "programs:event_detail": ("302 200 200 200 404 403 200", "302 405 405 405 405 403 405"),
    "programs:event_export": ("302 200 200 200 404 403 200", "302 405 405 405 405 403 405"),
    "programs:event_list": ("302 200 200 200 200 403 200", "302 405 405 405 405 403 405"),
    "programs:event_sales": ("302 405 405 405 405 403 405", "302 302 302 302 404 403 302"),
    "programs:event_update": ("302 403 403 200 404 403 200", "302 403 403 400 404 403 400"),
    "programs:eventbooth_remove": ("302 405 405 405 405 403 405", "302 302 404 302 404 403 302"),
    "programs:export_report": ("302 200 200 200 200 403 200", "302 405 405 405 405 403 405"),
    "programs:exportfacilitation_create": ("302 403 403 200 404 403 200", "302 403 403 400 404 403 400"),
    "programs:exportfacilitation_detail": ("302 200 404 200 404 403 200", "302 405 405 405 405 403 405"),
    "programs:exportfacilitation_list": ("302 200 200 200 200 403 200", "302 405 405 405 405 403 405"),
    "programs:inquiry_create": ("302 404 404 404 404 403 404", "302 404 404 404 404 403 404"),
    "programs:inquiry_detail": ("302 200 404 200 404 403 200", "302 400 404 400 404 403 400"),
    "programs:inquiry_list": ("302 200 200 200 200 403 200", "302 405 405 405 405 403 405"),
    "programs:inquiry_status": ("200 200 200 200 200 200 200", "405 405 405 405 405 405 405"),
    "programs:listing_edit": ("302 200 404 200 404 403 200", "302 400 404 400 404 403 400"),
    "programs:listing_list": ("302 200 200 200 200 403 200", "302 405 405 405 405 403 405"),
    "programs:listing_unlist": ("302 200 404 200 404 403 200", "302 400 404 400 404 403 400"),
    "programs:mentoringvisit_create": ("302 200 404 200 404 403 200", "302 400 404 400 404 403 400"),
    "programs:business_ledger": ("302 200 404 200 404 403 200", "302 405 405 405 405 403 405"),
    "programs:mentoringvisit_detail": ("302 200 404 200 404 403 200", "302 405 405 405 405 403 405"),
    "programs:mentoringvisit_list": ("302 200 200 200 200 403 200", "302 405 405 405 405 403 405"),
    "programs:mentoringvisit_overdue": ("302 200 200 200 200 403 200", "302 403 403 404 404 403 404"),
    "programs:placement_list": ("302 200 200 200 200 403 200", "302 405 405 405 405 403 405"),
    "programs:training_cancel": ("302 403 403 200 404 403 200", "302 403 403 400 404 403 400"),
    "programs:training_completion": ("302 403 403 405 405 403 405", "302 403 403 302 404 403 302"),
    "programs:training_create": ("302 403 403 200 200 403 200", "302 403 403 400 400 403 400"),
    "programs:training_detail": ("302 200 200 200 404 403 200", "302 405 405 405 405 403 405"),
    "programs:training_list": ("302 200 200 200 200 403 200", "302 405 405 405 405 403 405"),
    "programs:training_nominate": ("302 405 405 405 405 403 405", "302 302 302 302 404 403 302"),
    "programs:training_record": ("302 403 403 405 405 403 405", "302 403 403 302 404 403 302"),
    "programs:training_reschedule": ("302 403 403 200 404 403 200", "302 403 403 400 404 403 400"),
    "programs:training_update": ("302 403 403 200 404 403 200", "302 403 403 400 404 403 400"),
    # registry
    "registry:business_decide": ("302 403 403 405 405 403 405", "302 403 403 302 404 403 302"),
    "registry:business_delete": ("302 403 403 405 405 403 405", "302 403 403 302 404 403 302"),
    "registry:business_detail": ("302 200 404 200 404 403 200", "302 405 405 405 405 403 405"),
    "registry:business_duplicates": ("302 405 405 405 405 403 405", "302 200 200 200 200 403 200"),
    "registry:business_export": ("302 200 200 200 200 403 200", "302 405 405 405 405 403 405"),
    "registry:sidt_export": ("302 403 403 200 200 403 200", "302 403 403 200 200 403 200"),
    "registry:business_guidance": ("302 403 403 200 404 403 200", "302 403 403 302 404 403 302"),
    "registry:business_list": ("302 200 200 200 200 403 200", "302 405 405 405 405 403 405"),
    "registry:business_queue": ("302 403 403 200 200 403 200", "302 403 403 302 302 403 302"),
    "registry:business_register": ("302 200 200 200 200 403 200", "302 400 400 400 400 403 400"),
    "registry:business_history": ("302 200 404 200 404 403 200", "302 405 405 405 405 403 405"),
    "registry:business_update": ("302 200 404 200 404 403 200", "302 400 404 400 404 403 400"),
    "registry:group_create": ("302 403 403 200 200 403 200", "302 403 403 400 400 403 400"),
    "registry:group_detail": ("302 200 404 200 404 403 200", "302 405 405 405 405 403 405"),
    "registry:group_list": ("302 200 200 200 200 403 200", "302 405 405 405 405 403 405"),
    "registry:group_members": ("302 403 403 200 404 403 200", "302 403 403 302 404 403 302"),
    "registry:group_update": ("302 403 403 200 404 403 200", "302 403 403 400 404 403 400"),
    "registry:import_mapping": ("302 200 404 404 404 403 404", "302 400 404 404 404 403 404"),
    "registry:import_preview": ("302 200 404 404 404 403 404", "302 302 404 404 404 403 404"),
    "registry:import_upload": ("302 200 200 200 200 403 200", "302 400 400 400 400 403 400"),
    "registry:kecamatan_detail": ("302 200 404 200 404 403 200", "302 405 405 405 405 403 405"),
    "registry:kecamatan_list": ("302 200 200 200 200 403 200", "302 405 405 405 405 403 405"),
    "registry:legaldocument_create": ("302 200 404 200 404 403 200", "302 400 404 400 404 403 400"),
    "registry:legaldocument_scan": ("302 200 404 200 404 403 200", "302 405 405 405 405 403 405"),
    "registry:owner_reveal_nik": ("302 405 405 405 405 403 405", "302 302 404 302 404 403 302"),
    "registry:owner_update": ("302 200 404 200 404 403 200", "302 400 404 400 404 403 400"),
    "registry:product_create": ("302 200 404 200 404 403 200", "302 400 404 400 404 403 400"),
    "registry:product_list": ("302 200 200 200 200 403 200", "302 405 405 405 405 403 405"),
    "registry:productphoto_image": ("302 200 404 200 404 403 200", "302 405 405 405 405 403 405"),
    "registry:productphoto_thumbnail": ("302 200 404 200 404 403 200", "302 405 405 405 405 403 405"),
    "registry:registrationdraft_delete": ("302 200 404 404 404 403 404", "302 302 404 404 404 403 404"),
    "registry:registrationdraft_save": ("302 405 405 405 405 403 405", "302 200 200 200 200 403 200"),
    "registry:yearlyfigure_record": ("302 200 404 200 404 403 200", "302 400 404 400 404 403 400"),
    # reports
    "reports:business_export_job": ("302 405 405 405 405 403 405", "302 302 302 302 302 403 302"),
    "reports:coordinator": ("302 200 200 403 403 403 200", "302 405 405 403 403 403 405"),
    "reports:curation_impact": ("302 200 200 200 404 403 200", "302 405 405 405 405 403 405"),
    "reports:dashboard": ("302 200 200 200 200 403 200", "302 405 405 405 405 403 405"),
    "reports:job_detail": ("302 200 404 404 404 404 404", "302 405 405 405 405 405 405"),
    "reports:job_download": ("302 200 404 404 404 404 404", "302 405 405 405 405 405 405"),
    "reports:national": ("302 200 200 200 200 403 200", "302 405 405 405 405 403 405"),
    "reports:officialcount_upload": ("302 403 403 200 200 403 200", "302 403 403 400 400 403 400"),
    "reports:snapshot_create": ("302 403 403 405 405 403 405", "302 403 403 400 400 403 400"),
    "reports:snapshot_detail": ("302 403 403 200 404 403 200", "302 403 403 405 405 403 405"),
    "reports:snapshot_list": ("302 403 403 200 200 403 200", "302 403 403 405 405 403 405"),
    "reports:summary_pdf": ("302 200 200 200 200 403 200", "302 405 405 405 405 403 405"),
    "reports:summary_xlsx": ("302 200 200 200 200 403 200", "302 405 405 405 405 403 405"),
    "reports:training_impact": ("302 200 200 200 404 403 200", "302 405 405 405 405 403 405"),
}


def all_patterns(patterns=None, namespace=None):
    """(name, pattern) of every named URL outside Django admin (admin is checked by its own rule)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern) == "admin/":
                continue
            yield from all_patterns(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def make_matrix():
    """The cast, one user per role (as tests/conftest.py's fixtures make them), and one object of every kind in
    kecamatan A with the URL arguments that reach it: (cast, objects)."""
    kec_a, kec_b, kec_other = make_region("35.15.12"), make_region("35.15.11"), make_region("35.29.14")
    bank = make_bank(short_name="BRI", name="PT Bank Rakyat Indonesia (Persero) Tbk")
    cast = {
        "anon": None,
        "coord_a": make_user(roles.COORDINATOR, kecamatan=kec_a, username="koordinator.balongbendo"),
        "coord_b": make_user(roles.COORDINATOR, kecamatan=kec_b, username="koordinator.krian"),
        "dinas": make_user(roles.DINAS, kabupaten=kec_a.kabupaten, username="dinas.sidoarjo"),
        "dinas_other": make_user(roles.DINAS, kabupaten=kec_other.kabupaten, username="dinas.sumenep"),
        "bank": make_user(roles.BANK, bank=bank, username="bank.bri"),
        "admin": make_user(roles.ADMIN, username="admin.uji"),
    }
    return cast, _make_objects(cast, bank, kec_a, kec_a.kabupaten)


@pytest.fixture
def matrix(db):
    """(cast, objects) for one test. A module whose every test takes them may make them once (tests/once.py):
    tests/test_hostile_input.py."""
    return make_matrix()


@pytest.fixture
def cast(matrix):
    return matrix[0]


@pytest.fixture
def objects(matrix):
    return matrix[1]


def _make_objects(cast, bank, kec_a, kab_sidoarjo):
    today = timezone.localdate()
    coordinator, dinas = cast["coord_a"], cast["dinas"]
    business = make_business(kec_a, name="Usaha Matriks", verification="terverifikasi")
    product = make_product(business)
    photo = add_product_photo(product, upload=jpeg_upload(), by=coordinator)
    document = make_document(business, kind=LegalDocument.Kind.NIB, number="1234567890123")
    document.scan.save("scan.jpg", ContentFile(jpeg_upload().read()), save=True)
    referral = BankReferral.objects.create(
        business=business,
        bank=bank,
        credit_product="kur_mikro",
        amount_requested=50_000_000,
        purpose="Modal",
        status="dikirim",
        referred_by=coordinator,
    )
    BankReferralEvent.objects.create(referral=referral, to_status="dikirim", by=coordinator)
    local_bank = make_bank(serves=[kab_sidoarjo], short_name="BPR Delta Artha")
    branch_officer = make_user(roles.BANK, bank=local_bank, branch=kab_sidoarjo, username="bank.deltaartha")
    training = Training.objects.create(
        kabupaten=kab_sidoarjo,
        organiser="Dinas",
        title="Kemasan",
        kind="kemasan",
        venue="Aula",
        start_on=today,
        end_on=today,
        capacity=5,
        created_by=dinas,
    )
    session = TrainingSession.objects.create(training=training, on=today, topic="Kemasan")
    enrollment = Enrollment.objects.create(
        training=training,
        business=business,
        nominated_by=coordinator,
        status="dikonfirmasi",
        completed_at=timezone.now(),
        certificate_code="ABCD-EFGH-JKLM",
    )
    call = CurationCall.objects.create(
        kabupaten=kab_sidoarjo,
        organiser="Dinas",
        title="Ritel",
        channel="ritel_modern",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=5),
        created_by=dinas,
    )
    CurationCriterion.objects.create(call=call, name="Kemasan")
    submission = CurationSubmission.objects.create(call=call, product=product, submitted_by=coordinator)
    visit = MentoringVisit.objects.create(
        business=business, organiser="Dinas", visited_on=today, topic="Kemasan", created_by=coordinator
    )
    export = ExportFacilitation.objects.create(
        business=business,
        year=today.year,
        country="MY",
        buyer="KL",
        value=1_000_000,
        organiser="Dinas",
        created_by=dinas,
    )
    snapshot = Snapshot.objects.create(
        kabupaten=kab_sidoarjo,
        as_of=today,
        title="Jumlah UMKM",
        figures=snapshot_figures(kab_sidoarjo, today),
        created_by=dinas,
    )
    sheet = b"Nama pemilik;NIK;Nama usaha;Kecamatan;Desa\nSri;3515125705840012;Kue Sri;Balongbendo;Wonokupang\n"
    batch = ImportBatch(
        user=coordinator,
        filename="data.csv",
        headers=["Nama pemilik", "NIK", "Nama usaha", "Kecamatan", "Desa"],
        mapping={"0": "owner_name", "1": "nik", "2": "business_name", "3": "kecamatan", "4": "desa"},
    )
    batch.file.save("data.csv", ContentFile(sheet), save=True)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.CHECKING)
    run_check(batch)  # as a worker checks it: the preview has rows to show
    group = BusinessGroup.objects.create(name="Kelompok Matriks", kecamatan=kec_a)
    business.groups.add(group)
    event = MarketEvent.objects.create(
        name="Bazar Matriks",
        kind="bazar",
        kabupaten=kab_sidoarjo,
        place="Alun-alun",
        starts_on=today,
        ends_on=today,
        created_by=dinas,
    )
    # Its sales are recorded, so the removal POST is refused and the booth stays for the next role.
    booth = EventBooth.objects.create(event=event, business=business, booth="A1", sales=100_000, transactions=3)
    job = ReportJob.objects.create(user=coordinator, kind="business_xlsx", status="selesai")
    job.file.save("usaha.xlsx", ContentFile(b"PK"), save=True)
    assert Product.objects.filter(pk=product.pk).exists()
    draft = RegistrationDraft.objects.create(user=coordinator, data={"business-name": "Draf Matriks"})
    consent = ListingConsent.objects.create(business=business, evidence="Formulir", recorded_by=coordinator)
    Listing.objects.create(product=product, listed_by=coordinator)
    listing = make_listing(make_product(business, name="Produk Katalog Matriks"), by=dinas)
    listed_photo = add_product_photo(listing.product, upload=jpeg_upload(), by=coordinator)
    listed = listing.product  # a buyer's inquiry about it
    inquiry = Inquiry(
        business=business, product=listed, buyer_name="Pembeli", buyer_kind="toko", quantity=5, destination="Surabaya"
    )
    inquiry_token = inquiry.new_token()
    inquiry.save()
    return {
        "registry:kecamatan_detail": {"pk": kec_a.pk},
        "registry:business_detail": {"pk": business.pk},
        "registry:registrationdraft_delete": {"pk": draft.pk},
        "registry:business_history": {"pk": business.pk},
        "registry:business_update": {"pk": business.pk},
        "registry:owner_update": {"pk": business.pk},
        "registry:owner_reveal_nik": {"pk": business.pk},
        "registry:product_create": {"pk": business.pk},
        "registry:legaldocument_create": {"pk": business.pk},
        "registry:yearlyfigure_record": {"pk": business.pk},
        "registry:business_guidance": {"pk": business.pk},
        "registry:business_decide": {"pk": business.pk},
        "registry:business_delete": {"pk": business.pk},
        "registry:legaldocument_scan": {"pk": document.pk},
        "registry:group_detail": {"pk": group.pk},
        "registry:group_update": {"pk": group.pk},
        "registry:group_members": {"pk": group.pk},
        "registry:productphoto_image": {"pk": photo.pk},
        "registry:productphoto_thumbnail": {"pk": photo.pk},
        "programs:bank_update": {"pk": local_bank.pk},
        "programs:bankofficer_create": {"pk": local_bank.pk},
        "programs:bankofficer_update": {"pk": branch_officer.bank_officer.pk},
        "programs:bankreferral_detail": {"pk": referral.pk},
        "programs:bankreferral_step": {"pk": referral.pk},
        "programs:bankreferral_create": {"pk": business.pk},
        "programs:mentoringvisit_create": {"pk": business.pk},
        "programs:business_ledger": {"pk": business.pk},
        "programs:curationcall_detail": {"pk": call.pk},
        "programs:curationcall_submit": {"pk": call.pk},
        "programs:curationcall_update": {"pk": call.pk},
        "programs:curationcall_reschedule": {"pk": call.pk},
        "programs:curationcall_cancel": {"pk": call.pk},
        "programs:curationsubmission_detail": {"pk": submission.pk},
        "programs:curationsubmission_action": {"pk": submission.pk, "action": "nilai"},
        "programs:exportfacilitation_create": {"pk": business.pk},
        "programs:consent_record": {"pk": business.pk},
        "programs:consent_withdraw": {"pk": consent.pk},
        "programs:listing_edit": {"pk": product.pk},
        "programs:listing_unlist": {"pk": product.pk},
        "programs:mentoringvisit_detail": {"pk": visit.pk},
        "programs:exportfacilitation_detail": {"pk": export.pk},
        "programs:event_detail": {"pk": event.pk},
        "programs:event_update": {"pk": event.pk},
        "programs:event_cancel": {"pk": event.pk},
        "programs:event_add_booths": {"pk": event.pk},
        "programs:event_sales": {"pk": event.pk},
        "programs:event_export": {"pk": event.pk},
        "programs:eventbooth_remove": {"pk": booth.pk},
        "programs:training_detail": {"pk": training.pk},
        "programs:training_nominate": {"pk": training.pk},
        "programs:training_completion": {"pk": training.pk},
        "programs:training_update": {"pk": training.pk},
        "programs:training_reschedule": {"pk": training.pk},
        "programs:training_cancel": {"pk": training.pk},
        "programs:training_record": {"pk": training.pk},
        "programs:certificate_verify": {"code": "ABCD-EFGH-JKLM"},
        "programs:catalogue_inquiry": {"pk": listed.pk},
        "programs:catalogue_inquiry_sent": {"pk": listed.pk},
        "programs:inquiry_detail": {"pk": inquiry.pk},
        "programs:inquiry_status": {"token": inquiry_token},
        "programs:attendance": {"pk": session.pk},
        "programs:enrollment_decide": {"pk": enrollment.pk},
        "programs:enrollment_certificate": {"pk": enrollment.pk},
        "reports:training_impact": {"pk": training.pk},
        "reports:curation_impact": {"pk": call.pk},
        "reports:snapshot_detail": {"pk": snapshot.pk},
        "reports:job_detail": {"token": job.token},
        "registry:import_mapping": {"pk": batch.pk},
        "registry:import_preview": {"pk": batch.pk},
        "reports:job_download": {"token": job.token},
        # Public, no login: the same for every role (the matrix lists a product: its file is being prepared, 202).
        "programs:catalogue_pdf": {"code": kab_sidoarjo.pk},
        "programs:catalogue_sheet": {"code": kab_sidoarjo.pk},
        "programs:catalogue_csv": {"code": kab_sidoarjo.pk},
        "password_reset_confirm": {"uidb64": "MQ", "token": "bukan-token"},
        "programs:catalogue": {"code": kab_sidoarjo.code},
        "programs:catalogue_product": {"pk": listing.product_id},
        "programs:catalogue_business": {"pk": business.pk},
        "programs:catalogue_photo": {"pk": listed_photo.pk, "size": "kecil"},
        "programs:sitemap_section": {"section": "produk"},
    }


class Logins:
    """A client per user, logged in once rather than before every request: a login writes the session and the
    lockout's records, and costs more than most pages. A request that ended the session (logging out) is
    followed by a new login; an anonymous request gets a new client, with no cookies."""

    def __init__(self):
        self.clients = {}

    def client(self, user):
        if user is None:
            return Client()
        client = self.clients.setdefault(user.pk, Client())
        if client.session.get(SESSION_KEY) != str(user.pk):
            client.force_login(user)
        return client

    def request(self, user, method, url):
        client = self.client(user)
        return client.get(url) if method == "GET" else client.post(url, {})


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _check_headers(response, where):
    for header, value in SECURITY_HEADERS.items():
        assert response.get(header) == value, (where, header, response.get(header))
    if response.get("Content-Type", "").startswith("text/html"):
        policy = response.get("Content-Security-Policy", "")
        assert "script-src 'self'" in policy, (where, policy)
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0], (where, policy)


def _strip_token(html):
    """The page without its CSRF tokens (new on every response) and its own URL (the language switch's next)."""
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'name="next" value="[^"]*"', "", html)


def test_every_url_answers_every_role_as_the_table_says(cast, objects, settings):
    settings.PUBLIC_INQUIRY_RATE = "1000/h"  # the matrix posts to the public inquiry form from one address
    names = dict(all_patterns())
    assert sorted(set(names) - set(MATRIX)) == [], "URL patterns missing from the access matrix"
    assert sorted(set(MATRIX) - set(names)) == [], "the matrix names URLs that no longer exist"
    actual, deviations, logins = {}, [], Logins()
    for name in sorted(names):
        url = reverse(name, kwargs=objects.get(name, {}))
        got = []
        for method in ("GET", "POST"):
            statuses = []
            for role in ROLES:
                response = logins.request(cast[role], method, url)
                _check_headers(response, (name, method, role))
                statuses.append(str(response.status_code))
            got.append(" ".join(statuses))
        actual[name] = tuple(got)
        if actual[name] != MATRIX[name]:
            deviations.append(f"{name!r}: {actual[name]!r},  # expected {MATRIX[name]!r}")
    assert deviations == [], "\n" + "\n".join(deviations)


@pytest.mark.parametrize("role", ["coord_b", "dinas_other"])
def test_another_areas_object_looks_exactly_like_a_missing_one(client, cast, objects, role):
    """Another kecamatan's coordinator, and another kabupaten's dinas (which now writes what a coordinator
    writes), get for each object the page of an object that does not exist."""
    client.force_login(cast[role])
    for name, kwargs in objects.items():
        if name in ("reports:job_detail", "reports:job_download", "registry:kecamatan_detail"):
            continue  # not looked up by number
        if "pk" not in kwargs:
            continue  # a public file of a kabupaten (programs:catalogue_pdf): no object of an area
        other = client.get(reverse(name, kwargs=kwargs))
        if other.status_code != 404:
            continue  # a page the role may not open at all (403), checked by the matrix
        missing = client.get(reverse(name, kwargs={**kwargs, "pk": MISSING}))
        assert missing.status_code == 404, name
        assert _strip_token(other.content.decode()) == _strip_token(missing.content.decode()), name


def test_django_admin_is_only_for_admins(cast):
    from django.contrib import admin

    logins = Logins()
    urls = [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") for model in admin.site._registry
    ]
    for role in ROLES:
        for url in urls:
            response = logins.request(cast[role], "GET", url)
            expected = 200 if role == "admin" else 302
            assert response.status_code == expected, (role, url, response.status_code)


# The access log, the database cache, the public pages' rate-limit counts (umkm_portal.limits: what
# django-ratelimit wrote to the database cache before), and a public catalogue file's build queued by the GET
# that first asks for it (programs.catalogue_files.queue: the row and its task, on the primary).
GET_MAY_WRITE = (
    '"registry_accesslog"',
    '"umkm_cache"',
    "portal_ratecount",
    '"programs_cataloguefile"',
    '"django_tasks_database_dbtaskresult"',
)


def test_no_get_writes_to_the_database_but_the_access_log(cast, objects):
    """Any GET may read a replica (umkm_portal.routers): none may write, except the access log of personal
    data reads (AccessLog.objects.record, on the primary) and the database cache (without CACHE_URL the
    shared cache is a table: on the primary, as the router keeps it; with Redis it writes nothing here)."""
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    from umkm_portal.routers import _writes

    writes, logins = {}, Logins()
    for name in sorted(dict(all_patterns())):
        url = reverse(name, kwargs=objects.get(name, {}))
        for role in ("coord_a", "dinas", "admin"):
            client = logins.client(cast[role])
            captures = [CaptureQueriesContext(connection) for connection in connections.all()]
            for capture in captures:
                capture.__enter__()
            try:
                response = client.get(url)
                if response.streaming:
                    b"".join(response.streaming_content)
            finally:
                for capture in captures:
                    capture.__exit__(None, None, None)
            for capture in captures:
                for query in capture.captured_queries:
                    sql = query["sql"]
                    if _writes(sql) and not any(table in sql for table in GET_MAY_WRITE):
                        writes.setdefault(name, set()).add(sql[:60])
    assert writes == {}, sorted((name, sorted(sqls)) for name, sqls in writes.items())


# The group coordinator (issue 18, item 3): a coordinator for the members of their group, with another
# group's member looking like another area's. "gc_in" coordinates the group that holds the matrix's
# business; "gc_out" coordinates another group of the same kecamatan. Each answers as coordinator A
# ("gc_in") or coordinator B ("gc_out") does, except for these (GET, POST) statuses of theirs:
GROUP_COORDINATOR_EXCEPTIONS = {
    # no imports: an imported row joins no group, so it would drop out of their sight
    "registry:import_upload": {"gc_in": ("403", "403"), "gc_out": ("403", "403")},
    "registry:import_mapping": {"gc_in": ("403", "403"), "gc_out": ("403", "403")},
    "registry:import_preview": {"gc_in": ("403", "403"), "gc_out": ("403", "403")},
    # the matrix's export job and registration draft are coordinator A's own
    "reports:job_detail": {"gc_in": ("404", "405")},
    "registry:registrationdraft_delete": {"gc_in": ("404", "404")},
    "reports:job_download": {"gc_in": ("404", "405")},
    # gc_out works in kecamatan A too: its kecamatan page opens, the other group does not
    "registry:kecamatan_detail": {"gc_out": ("200", "405")},
}


def test_a_group_coordinator_answers_as_a_coordinator_of_their_group_only(cast, objects, kec_a):
    from registry import roles
    from tests.factories import make_user

    gc_in = make_user(roles.GROUP_COORDINATOR, kecamatan=kec_a, username="kelompok.matriks")
    gc_out = make_user(roles.GROUP_COORDINATOR, kecamatan=kec_a, username="kelompok.lain")
    BusinessGroup.objects.filter(name="Kelompok Matriks").update(coordinator=gc_in)
    BusinessGroup.objects.create(name="Kelompok Lain", kecamatan=kec_a, coordinator=gc_out)
    deviations, logins = [], Logins()
    for name in sorted(dict(all_patterns())):
        url = reverse(name, kwargs=objects.get(name, {}))
        for key, user, like in (("gc_in", gc_in, "coord_a"), ("gc_out", gc_out, "coord_b")):
            column = ROLES.index(like)
            expected = tuple(MATRIX[name][i].split()[column] for i in (0, 1))
            expected = GROUP_COORDINATOR_EXCEPTIONS.get(name, {}).get(key, expected)
            got = tuple(str(logins.request(user, method, url).status_code) for method in ("GET", "POST"))
            if got != expected:
                deviations.append(f"{name} as {key}: got {got}, expected {expected}")
    assert deviations == [], "\n" + "\n".join(deviations)
