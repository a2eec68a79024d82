import pytest
from playwright.sync_api import expect

from programs.services import move_referral, refer_to_bank
from registry.models import Business
from tests.browser.conftest import check_accessibility, follow_nav, log_in, screenshot
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
    expect(page.get_by_role("button", name="Tandai sedang diproses")).to_be_visible()
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

    follow_nav(page, "Pelatihan")
    page.get_by_role("link", name="Kemasan dan Label").click()
    page.get_by_label("Nominasikan anggota Anda").select_option(label="Sinom Wuluh Segar")
    page.get_by_role("button", name="Nominasikan", exact=True).click()
    expect(page.get_by_text("Sinom Wuluh Segar dinominasikan")).to_be_visible()
    check_accessibility(page)

    page.context.clear_cookies()
    log_in(page, live_server, "dinas.sidoarjo")
    page.goto(f"{live_server.url}{training.get_absolute_url()}")
    page.get_by_role("button", name="Konfirmasi").click()
    # The page before the confirmation has the same link: followed from there, the confirmation could be cut short.
    expect(page.get_by_role("row", name="Sinom Wuluh Segar")).to_contain_text("Dikonfirmasi")
    page.get_by_role("link", name="Presensi").click()
    # The training's page names her in its score fields' labels: the label is read on the attendance page only.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Presensi")
    expect(page.get_by_label("Sinom Wuluh Segar")).to_be_visible()
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
    expect(page.get_by_text("Dokumen wajib belum lengkap: Sertifikat halal.")).to_be_visible()
    submission_url = page.url

    page.context.clear_cookies()
    log_in(page, live_server, "dinas.sidoarjo")
    page.goto(submission_url)
    page.get_by_label("Kemasan").fill("4")
    page.get_by_label("Mutu").fill("5")
    page.get_by_role("button", name="Simpan nilai").click()
    expect(page.get_by_text("Nilai tersimpan.")).to_be_visible()
    page.get_by_label("Perlu perbaikan").check()
    page.get_by_label("Masukan untuk pelaku usaha").fill("Urus sertifikat halal lewat SEHATI, lalu ajukan lagi.")
    page.get_by_role("button", name="Simpan keputusan").click()
    expect(page.get_by_text("Keputusan kurasi tersimpan; koordinator dapat membaca masukannya.")).to_be_visible()
    check_accessibility(page)

    page.context.clear_cookies()
    log_in(page, live_server, "koordinator.balongbendo")
    page.goto(submission_url)
    expect(page.get_by_text("Urus sertifikat halal lewat SEHATI").first).to_be_visible()  # and in the history
    expect(page.get_by_text("Dokumen yang kurang: Sertifikat halal")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "coordinator-curation-feedback")


def test_dinas_reschedules_and_cancels_a_training_and_records_a_past_one(page, live_server, browser_cast):
    import datetime

    from django.utils import timezone

    from programs.models import Training, TrainingSession
    from programs.services import create_training

    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    dinas, kabupaten = browser_cast["dinas"], browser_cast["kec_a"].kabupaten

    def planned(title, start, end, sessions):
        training = Training(
            kabupaten=kabupaten,
            organiser="Dinas Koperasi dan UMKM Kabupaten Sidoarjo",
            title=title,
            kind="kemasan",
            venue="Pendopo Balongbendo",
            start_on=start,
            end_on=end,
            capacity=10,
        )
        return create_training(training, sessions=[TrainingSession(on=on, topic=t) for on, t in sessions], by=dinas)

    moved = planned("Desain Kemasan", today + 7 * day, today + 8 * day, [(today + 7 * day, "Desain")])
    dropped = planned("Foto Produk", today + 10 * day, today + 10 * day, [])
    past = planned("Pembukuan Sederhana", today - 14 * day, today - 14 * day, [(today - 14 * day, "Buku kas")])
    make_business(browser_cast["kec_a"], name="Tempe Mendoan Bu Sri")
    log_in(page, live_server, "dinas.sidoarjo")

    # Rescheduled: the new dates and the reason are on the training's page.
    page.goto(f"{live_server.url}{moved.get_absolute_url()}")
    page.get_by_role("link", name="Jadwalkan ulang").click()
    new_start = today + 21 * day
    page.get_by_label("Tanggal mulai baru").fill(new_start.isoformat())
    page.get_by_label("Tanggal selesai baru").fill((new_start + day).isoformat())
    page.get_by_label("Alasan jadwal ulang").fill("Pendopo dipakai untuk pemilihan kepala desa.")
    page.get_by_role("button", name="Simpan jadwal baru").click()
    expect(page.get_by_text("Jadwal baru tersimpan")).to_be_visible()
    expect(page.get_by_text("Pendopo dipakai untuk pemilihan kepala desa.").first).to_be_visible()
    expect(page.get_by_text(new_start.strftime("%d-%m-%Y")).first).to_be_visible()
    check_accessibility(page)
    screenshot(page, "dinas-training-rescheduled")

    # Cancelled: a reason is required, then every next step says why it is closed.
    page.goto(f"{live_server.url}{dropped.get_absolute_url()}")
    page.get_by_role("link", name="Batalkan pelatihan").click()
    page.get_by_role("button", name="Batalkan pelatihan").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    page.get_by_label("Alasan pembatalan").fill("Anggaran dialihkan ke penanganan banjir.")
    page.get_by_role("button", name="Batalkan pelatihan").click()
    expect(page.get_by_text("Pelatihan dibatalkan;")).to_be_visible()
    expect(page.get_by_text("Anggaran dialihkan ke penanganan banjir.").first).to_be_visible()
    expect(page.get_by_text("Pelatihan ini sudah dibatalkan; datanya tidak dapat diubah lagi.")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "dinas-training-cancelled")

    # Held two weeks ago, entered now: participants, attendance and scores after the fact.
    page.goto(f"{live_server.url}{past.get_absolute_url()}")
    page.get_by_label("Cari usaha peserta").fill("Mendoan")
    page.get_by_role("button", name="Cari usaha peserta").click()
    page.get_by_label("Tempe Mendoan Bu Sri").check()
    page.get_by_role("button", name="Catat sebagai peserta").click()
    expect(page.get_by_text("Tercatat sebagai peserta: Tempe Mendoan Bu Sri.")).to_be_visible()
    page.get_by_role("link", name="Presensi").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Presensi")  # the training's page names her too
    page.get_by_label("Tempe Mendoan Bu Sri").check()
    page.get_by_role("button", name="Simpan presensi").click()
    expect(page.get_by_text("Presensi tersimpan: 1 hadir.")).to_be_visible()
    page.get_by_label("Nilai pre-test Tempe Mendoan Bu Sri").fill("55")
    page.get_by_label("Nilai post-test Tempe Mendoan Bu Sri").fill("85")
    page.get_by_label("Lulus Tempe Mendoan Bu Sri").check()
    page.get_by_role("button", name="Simpan nilai dan kelulusan").click()
    expect(page.get_by_role("link", name="Sertifikat")).to_be_visible()
    expect(
        page.get_by_text(f"Nominasi ditutup karena pelatihan sudah selesai pada {past.end_on:%d-%m-%Y}")
    ).to_be_visible()  # the dinas nominates too, so it reads why the nomination form is gone
    check_accessibility(page)
    screenshot(page, "dinas-training-recorded-after-the-fact")

    # The coordinator reads why nomination is closed, and the cancellation on their worklist.
    page.context.clear_cookies()
    log_in(page, live_server, "koordinator.balongbendo")
    page.goto(f"{live_server.url}{past.get_absolute_url()}")
    expect(
        page.get_by_text(f"Nominasi ditutup karena pelatihan sudah selesai pada {past.end_on:%d-%m-%Y}")
    ).to_be_visible()
    page.goto(f"{live_server.url}/dasbor/kecamatan/")
    expect(page.get_by_text("Anggaran dialihkan ke penanganan banjir.").first).to_be_visible()
    check_accessibility(page)
    screenshot(page, "coordinator-sees-cancellation")
