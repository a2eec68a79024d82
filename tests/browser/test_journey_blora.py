"""Blora (Jateng Memanggil, 22/1/2024): Dindagkop UKM Blora works without kecamatan coordinators. Its staff register
members themselves and refer
members for capital to a Blora BPR and to Bank Jateng, whose officers answer; a training already held is entered
afterwards (participants, attendance, scores) and its certificate is confirmed on the public verification page."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from programs.models import Enrollment
from registry import roles
from registry.identifiers import build_nik
from registry.models import Business
from tests.browser.journeys import UNTRANSLATED
from tests.factories import make_bank, make_business, make_figure, make_region, make_user

pytestmark = pytest.mark.browser

PARCEL = "Parcel Lebaran Bu Ning"
TEAK = "Kerajinan Jati Blora"
TRAINING = "Kemasan Parcel dan Produk Lokal"
NEW_MEMBER = "Keripik Singkong Bu Sri"


@pytest.fixture
def blora(transactional_db):
    """Blora's dinas (no coordinator accounts), two verified members, a Blora BPR and Bank Jateng with officers."""
    kecamatan = make_region("33.16.09")
    make_user(roles.DINAS, kabupaten=kecamatan.kabupaten, username="dinas.blora", first_name="Wisnu")
    for name, category in [(PARCEL, "perdagangan"), (TEAK, "kerajinan")]:
        business = make_business(kecamatan, name=name, category=category, verification=Business.Verification.VERIFIED)
        make_figure(business, year=2025, revenue=420_000_000)
    for short_name, name, serves, officer in [
        ("BPR Blora Artha", "PT BPR Bank Blora Artha (Perseroda)", kecamatan.kabupaten, "bank.bpr.blora"),
        ("Bank Jateng", "PT Bank Pembangunan Daerah Jawa Tengah", kecamatan.kabupaten.provinsi, "bank.jateng"),
    ]:
        make_user(roles.BANK, bank=make_bank(short_name=short_name, name=name, serves=[serves]), username=officer)
    make_bank(short_name="BPR Delta Artha", name="PT BPR Delta Artha Sidoarjo", serves=[make_region("35.15")])
    return kecamatan


def test_blora(walk, blora):
    page, t = walk.page, walk.t
    today = timezone.localdate()
    held = today - datetime.timedelta(days=21)

    # No coordinator in Blora: the dinas registers a new member itself.
    walk.enter("dinas.blora")
    born = datetime.date(1983, 5, 14)
    page.get_by_role("link", name=t("Daftarkan anggota baru", "Register a new member")).click()
    page.locator("#id_owner-name").fill("Sri Lestari")
    page.locator("#id_owner-nik").fill(build_nik("33.16.09", born, female=True, serial=41))
    page.locator("#id_owner-sex").select_option("P")
    page.locator("#id_owner-birth_date").fill(born.isoformat())
    page.locator("#id_business-name").fill(NEW_MEMBER)
    page.locator("#id_business-desa").select_option(index=1)
    page.locator("#id_business-category").select_option("makanan")
    page.locator("#id_product-0-name").fill("Keripik singkong balado")
    page.locator("#id_product-0-category").select_option("makanan")
    walk.seen("dinas-registers")
    page.get_by_role("button", name=t("Simpan pendaftaran", "Save registration")).click()
    walk.heading(NEW_MEMBER)
    walk.flash(
        "%(name)s terdaftar dan menunggu verifikasi; periksa datanya, lalu verifikasi di halaman ini.",
        UNTRANSLATED,
        name=NEW_MEMBER,
    )

    # The dinas refers the parcel maker to the Blora BPR and the teak workshop to Bank Jateng (a Sidoarjo BPR is
    # not offered: it does not serve Blora).
    for business, bank, amount in [(PARCEL, "BPR Blora Artha", "Rp 25.000.000"), (TEAK, "Bank Jateng", "90 juta")]:
        walk.open_business(business, business.split()[0])
        page.get_by_role("link", name=t("Rujuk ke bank", "Refer to a bank")).click()
        expect(page.locator("#id_bank option", has_text=bank)).to_have_count(1)  # the form, before what it lacks
        expect(page.locator("#id_bank option", has_text="BPR Delta Artha")).to_have_count(0)
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
        expect(page.get_by_role("link", name=business)).to_be_visible()  # the list, before what it lacks
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
    # The training's page names PARCEL in its score fields' labels: the label is read on the attendance page only.
    walk.heading(t("Presensi", "Attendance"))
    page.get_by_label(PARCEL).check()
    walk.seen("attendance")
    page.get_by_role("button", name=t("Simpan presensi", "Save attendance")).click()
    walk.flash("Presensi tersimpan: %(count)d hadir.", UNTRANSLATED, count=1)
    page.get_by_label(f"{t('Nilai pre-test', 'Pre-test score')} {PARCEL}").fill("60")
    page.get_by_label(f"{t('Nilai post-test', 'Post-test score')} {PARCEL}").fill("88")
    page.get_by_label(f"{t('Lulus', 'Completed')} {PARCEL}").check()
    page.get_by_role("button", name=t("Simpan nilai dan kelulusan", "Save scores and completion")).click()
    walk.flash(
        "Nilai dan kelulusan %(count)d peserta tersimpan.",
        "Score and completion of %(count)d participant saved.",
        count=1,
    )
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
