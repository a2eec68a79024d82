import pytest
from playwright.sync_api import expect

from programs.services import move_referral, refer_to_bank
from registry.models import Business
from tests.browser.conftest import check_accessibility, log_in, screenshot
from tests.factories import make_business

pytestmark = pytest.mark.browser


def test_bank_officer_approves_a_referral_sent_by_a_coordinator(page, live_server, browser_cast):
    from programs.models import Bank

    business = make_business(
        browser_cast["kec_a"], name="Kerupuk Lele Balong", verification=Business.Verification.VERIFIED
    )
    coordinator = browser_cast["coordinator"]
    referral = refer_to_bank(
        business,
        bank=Bank.objects.get(short_name="BRI"),
        credit_product="kur_mikro",
        amount=50_000_000,
        purpose="Mesin pengemas",
        by=coordinator,
    )
    move_referral(referral, to_status="dikirim", by=coordinator)
    log_in(page, live_server, "bank.bri")

    page.get_by_role("link", name="1 rujukan baru menunggu").click()
    page.get_by_role("link", name="Kerupuk Lele Balong").click()
    check_accessibility(page)
    page.get_by_role("button", name="Tandai sedang diproses").click()
    expect(page.get_by_text("Status rujukan: Diproses bank.")).to_be_visible()
    page.get_by_label("Jumlah (Rp)").fill("Rp 40.000.000")
    page.get_by_role("button", name="Setujui").click()

    expect(page.get_by_text("Status rujukan: Disetujui.")).to_be_visible()
    expect(page.get_by_text("Rp 40.000.000").first).to_be_visible()  # also in the change history below
    check_accessibility(page)
    screenshot(page, "bank-referral-approved")


def test_training_from_nomination_to_certificate(page, live_server, browser_cast):
    import datetime

    from django.utils import timezone

    from programs.models import Training, TrainingSession

    today = timezone.localdate()
    training = Training.objects.create(
        kabupaten=browser_cast["kec_a"].kabupaten,
        organiser="Dinas Koperasi dan UMKM Sidoarjo",
        title="Kemasan dan Label",
        kind="kemasan",
        venue="Pendopo Balongbendo",
        start_on=today,
        end_on=today + datetime.timedelta(days=1),
        capacity=5,
        created_by=browser_cast["dinas"],
    )
    TrainingSession.objects.create(training=training, on=today, topic="Desain kemasan")
    make_business(browser_cast["kec_a"], name="Sinom Wuluh Segar")
    log_in(page, live_server, "koordinator.balongbendo")

    page.get_by_role("link", name="Pelatihan", exact=True).click()
    page.get_by_role("link", name="Kemasan dan Label").click()
    page.get_by_label("Nominasikan anggota Anda").select_option(label="Sinom Wuluh Segar")
    page.get_by_role("button", name="Nominasikan", exact=True).click()
    expect(page.get_by_text("Sinom Wuluh Segar dinominasikan")).to_be_visible()
    check_accessibility(page)

    page.context.clear_cookies()
    log_in(page, live_server, "dinas.sidoarjo")
    page.goto(f"{live_server.url}{training.get_absolute_url()}")
    page.get_by_role("button", name="Konfirmasi").click()
    page.get_by_role("link", name="Presensi").click()
    check_accessibility(page)
    page.get_by_label("Sinom Wuluh Segar").check()
    page.get_by_role("button", name="Simpan presensi").click()
    expect(page.get_by_text("Presensi tersimpan: 1 hadir.")).to_be_visible()
    page.get_by_label("Nilai post-test Sinom Wuluh Segar").fill("88")
    page.get_by_label("Lulus Sinom Wuluh Segar").check()
    page.get_by_role("button", name="Simpan nilai dan kelulusan").click()

    expect(page.get_by_role("link", name="Sertifikat")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "dinas-training-completed")


def test_curation_feedback_reaches_the_coordinator(page, live_server, browser_cast):
    from django.utils import timezone

    from programs.models import CurationCall, CurationCriterion
    from programs.services import open_curation_call
    from tests.factories import make_product

    today = timezone.localdate()
    call = open_curation_call(
        CurationCall(
            kabupaten=browser_cast["kec_a"].kabupaten,
            organiser="Disperindag Sidoarjo",
            title="Kurasi Ritel Modern",
            channel="ritel_modern",
            partner="Indomaret",
            opens_on=today,
            closes_on=today,
            required_documents=["halal"],
        ),
        criteria=[CurationCriterion(name="Kemasan"), CurationCriterion(name="Mutu")],
        by=browser_cast["dinas"],
    )
    make_product(make_business(browser_cast["kec_a"], name="Kerupuk Lele Balong"), name="Kerupuk lele")
    log_in(page, live_server, "koordinator.balongbendo")
    page.goto(f"{live_server.url}{call.get_absolute_url()}")
    page.get_by_label("Ajukan produk anggota Anda").select_option(label="Kerupuk lele · Kerupuk Lele Balong")
    page.get_by_role("button", name="Ajukan", exact=True).click()
    expect(page.get_by_text("Dokumen wajib yang belum ada: Sertifikat halal.")).to_be_visible()
    submission_url = page.url

    page.context.clear_cookies()
    log_in(page, live_server, "dinas.sidoarjo")
    page.goto(submission_url)
    page.get_by_label("Kemasan").fill("4")
    page.get_by_label("Mutu").fill("5")
    page.get_by_role("button", name="Simpan nilai").click()
    page.get_by_label("Perlu perbaikan").check()
    page.get_by_label("Masukan untuk pelaku usaha").fill("Urus sertifikat halal lewat SEHATI, lalu ajukan lagi.")
    page.get_by_role("button", name="Simpan keputusan").click()
    check_accessibility(page)

    page.context.clear_cookies()
    log_in(page, live_server, "koordinator.balongbendo")
    page.goto(submission_url)
    expect(page.get_by_text("Urus sertifikat halal lewat SEHATI").first).to_be_visible()  # and in the history
    expect(page.get_by_text("Dokumen yang kurang: Sertifikat halal")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "coordinator-curation-feedback")
