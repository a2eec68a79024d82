"""Blora (Jateng Memanggil, 22/1/2024): Dindagkop UKM Blora works without kecamatan coordinators. Its staff refer
members for capital to a Blora BPR and to Bank Jateng, whose officers answer; a training already held is entered
afterwards (participants, attendance, scores) and its certificate is confirmed on the public verification page."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from programs.models import Bank, Enrollment
from registry import roles
from registry.models import Business
from tests.browser.journeys import UNTRANSLATED
from tests.factories import make_business, make_figure, make_region, make_user

pytestmark = pytest.mark.browser

PARCEL = "Parcel Lebaran Bu Ning"
TEAK = "Kerajinan Jati Blora"
TRAINING = "Kemasan Parcel dan Produk Lokal"


@pytest.fixture
def blora(transactional_db):
    """Blora's dinas (no coordinator accounts), two verified members, a Blora BPR and Bank Jateng with officers."""
    kecamatan = make_region("33.16.09")
    make_user(roles.DINAS, kabupaten=kecamatan.kabupaten, username="dinas.blora", first_name="Wisnu")
    for name, category in [(PARCEL, "perdagangan"), (TEAK, "kerajinan")]:
        business = make_business(kecamatan, name=name, category=category, verification=Business.Verification.VERIFIED)
        make_figure(business, year=2025, revenue=420_000_000)
    for short_name, name, officer in [
        ("BPR Blora Artha", "PT BPR Bank Blora Artha (Perseroda)", "bank.bpr.blora"),
        ("Bank Jateng", "PT Bank Pembangunan Daerah Jawa Tengah", "bank.jateng"),
    ]:
        make_user(roles.BANK, bank=Bank.objects.create(short_name=short_name, name=name), username=officer)
    return kecamatan


def test_blora(walk, blora):
    page, t = walk.page, walk.t
    today = timezone.localdate()
    held = today - datetime.timedelta(days=21)

    # The dinas refers the parcel maker to the Blora BPR and the teak workshop to Bank Jateng.
    walk.enter("dinas.blora")
    for business, bank, amount in [(PARCEL, "BPR Blora Artha", "Rp 25.000.000"), (TEAK, "Bank Jateng", "90 juta")]:
        walk.open_business(business, business.split()[0])
        page.get_by_role("link", name=t("Rujuk ke bank", "Refer to a bank")).click()
        page.locator("#id_bank").select_option(label=bank)
        page.locator("#id_credit_product").select_option("kur_mikro")
        page.locator("#id_amount_requested").fill(amount)
        page.locator("#id_purpose").fill("Tambahan modal bahan baku")
        page.get_by_role("button", name=t("Simpan draf rujukan", "Save referral draft")).click()
        page.get_by_role("button", name=t("Kirim ke bank", UNTRANSLATED)).click()
        walk.flash("Status rujukan: %(status)s.", UNTRANSLATED, status=t("Dikirim ke bank", UNTRANSLATED))
    walk.seen("referral-sent")

    # Each bank's officer sees only the referral sent to that bank, and answers it.
    for officer, business, other in [("bank.bpr.blora", PARCEL, TEAK), ("bank.jateng", TEAK, PARCEL)]:
        walk.enter(officer)
        page.get_by_role("link", name=t("1 rujukan baru menunggu", "1 new referral waiting")).click()
        expect(page.get_by_role("link", name=other)).to_have_count(0)
        page.get_by_role("link", name=business).click()
        page.get_by_role("button", name=t("Tandai sedang diproses", UNTRANSLATED)).click()
        page.locator("#amount-disetujui").fill("Rp 20.000.000")
        page.get_by_role("button", name=t("Setujui", UNTRANSLATED)).click()
        walk.flash("Status rujukan: %(status)s.", UNTRANSLATED, status=t("Disetujui", UNTRANSLATED))
        walk.seen(f"{officer.replace('.', '-')}-approved")

    # The dinas reads both answers.
    walk.enter("dinas.blora")
    walk.nav("Rujukan bank", "Bank referrals")
    for business in (PARCEL, TEAK):
        expect(page.get_by_role("row", name=re.compile(business))).to_contain_text(t("Disetujui", UNTRANSLATED))
    walk.seen("dinas-referrals")

    # A training held three weeks ago is entered now, with its sessions and signatory.
    walk.nav("Pelatihan", "Trainings")
    page.get_by_role("link", name=t("Pelatihan baru", "New training")).click()
    page.locator("#id_kabupaten").select_option("33.16")
    page.locator("#id_organiser").fill("Dindagkop UKM Kabupaten Blora")
    page.locator("#id_title").fill(TRAINING)
    page.locator("#id_kind").select_option("kemasan")
    page.locator("#id_venue").fill("Pendopo Kabupaten Blora")
    page.locator("#id_start_on").fill(held.isoformat())
    page.locator("#id_end_on").fill(held.isoformat())
    page.locator("#id_capacity").fill("20")
    page.locator("#id_signatory_name").fill("Kiswoyo, S.H., M.M.")
    page.locator("#id_signatory_title").fill("Kepala Dindagkop UKM Kabupaten Blora")
    page.locator("#id_signatory_nip").fill("196811121990031005")
    page.locator("#id_session-0-on").fill(held.isoformat())
    page.locator("#id_session-0-topic").fill("Kemasan parcel yang menarik")
    walk.seen("training-form")
    page.get_by_role("button", name=t("Simpan pelatihan", "Save training")).click()
    walk.heading(TRAINING)

    # Its participants, attendance and scores, after the fact.
    page.get_by_label(t("Cari usaha peserta", "Find participating businesses")).fill("parcel")
    page.get_by_role("button", name=t("Cari usaha peserta", "Find participating businesses")).click()
    page.get_by_label(PARCEL).check()
    page.get_by_role("button", name=t("Catat sebagai peserta", "Record as participants")).click()
    walk.flash(f"Tercatat sebagai peserta: {PARCEL}.", f"Recorded as participants: {PARCEL}.")
    page.get_by_role("link", name=t("Presensi", "Attendance")).click()
    page.get_by_label(PARCEL).check()
    walk.seen("attendance")
    page.get_by_role("button", name=t("Simpan presensi", "Save attendance")).click()
    walk.flash("Presensi tersimpan: %(count)d hadir.", UNTRANSLATED, count=1)
    page.get_by_label(f"{t('Nilai pre-test', 'Pre-test score')} {PARCEL}").fill("60")
    page.get_by_label(f"{t('Nilai post-test', 'Post-test score')} {PARCEL}").fill("88")
    page.get_by_label(f"{t('Lulus', 'Completed')} {PARCEL}").check()
    page.get_by_role("button", name=t("Simpan nilai dan kelulusan", "Save scores and completion")).click()
    walk.flash("Nilai dan kelulusan %(count)d peserta tersimpan.", UNTRANSLATED, count=1)
    expect(page.get_by_role("link", name=t("Sertifikat", "Certificate"))).to_be_visible()
    walk.seen("training-recorded")

    # Anyone holding the certificate confirms it on the public page its QR code opens.
    code = Enrollment.objects.get(business__name=PARCEL).certificate_code
    page.context.clear_cookies()
    walk.go(f"/sertifikat/{code}/")
    if walk.lang == "en":
        page.get_by_role("button", name="EN").click()
    walk.heading(t("Verifikasi sertifikat", "Certificate check"))
    expect(page.get_by_role("status")).to_contain_text(
        t(f"Sertifikat dengan kode {code} sah", f"The certificate with code {code} is genuine")
    )
    expect(page.get_by_text(PARCEL)).to_be_visible()
    expect(page.get_by_text(TRAINING)).to_be_visible()
    expect(page.get_by_text(f"{held:%d-%m-%Y}")).to_be_visible()
    walk.seen("certificate-verified")
