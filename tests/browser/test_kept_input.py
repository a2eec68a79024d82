"""Forms never hide or drop what was typed (issue 18, item 6), in a real browser."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from programs.models import Enrollment, Training, TrainingSession
from registry.models import RegistrationDraft
from tests.browser.conftest import check_accessibility, log_in, screenshot
from tests.factories import make_business

pytestmark = pytest.mark.browser


def test_an_error_in_a_folded_section_opens_it_and_is_focused_on_a_phone(page, live_server, browser_cast):
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server, "koordinator.balongbendo")
    page.goto(f"{live_server.url}/usaha/daftar/")
    documents = page.locator("details", has=page.locator("#id_document-0-number"))
    expect(documents).not_to_have_attribute("open", "")
    page.locator("#id_owner-name").fill("Siti Aminah")
    page.locator("#id_owner-nik").fill("3515 1245 0785 0001")
    page.locator("#id_owner-sex").select_option("P")
    page.locator("#id_owner-birth_date").fill("1985-07-05")
    page.locator("#id_business-name").fill("Jenang Jagung Bu Siti")
    page.locator("#id_business-desa").select_option(label="Wonokupang (Balongbendo)")
    page.locator("#id_business-category").select_option("makanan")
    documents.locator("summary").click()
    page.locator("#id_document-0-kind").select_option("pirt")
    page.locator("#id_document-0-number").fill("12345")  # too short: refused in the folded section
    documents.locator("summary").click()  # folded again, as a coordinator scrolling on would leave it

    page.get_by_role("button", name="Simpan pendaftaran").click()

    number = page.locator("#id_document-0-number")
    expect(number).to_be_focused()
    expect(number).to_be_in_viewport()
    expect(number).to_have_value("12345")
    expect(page.get_by_text("Nomor P-IRT harus 15 atau 16 digit", exact=False).first).to_be_visible()
    check_accessibility(page)
    screenshot(page, "phone-registration-error-in-folded-section")


def test_without_javascript_the_section_with_an_error_is_sent_open(browser, live_server, browser_cast):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    log_in(page, live_server, "koordinator.balongbendo")
    page.goto(f"{live_server.url}/usaha/daftar/")
    page.locator("#id_owner-name").fill("Siti Aminah")
    page.locator("details", has=page.locator("#id_figure-revenue")).locator("summary").click()
    page.locator("#id_figure-revenue").fill("banyak sekali")

    page.get_by_role("button", name="Simpan pendaftaran").click()

    # The page sent back, not the one typed in (its section was opened by hand, its value typed there).
    expect(page.locator("#id_figure-revenue")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("details", has=page.locator("#id_figure-revenue"))).to_have_attribute("open", "")
    expect(page.locator("#id_figure-revenue")).to_have_value("banyak sekali")
    context.close()


def test_a_draft_is_discarded_after_a_confirmation(page, live_server, browser_cast):
    draft = RegistrationDraft.objects.create(
        user=browser_cast["coordinator"], data={"business-name": "Kerupuk Lele Draf"}
    )
    log_in(page, live_server, "koordinator.balongbendo")
    page.goto(f"{live_server.url}/usaha/daftar/?draft={draft.pk}")

    page.get_by_role("link", name="Buang draf", exact=True).click()
    expect(page.get_by_role("button", name="Ya, buang draf")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "draft-discard-confirmation")
    page.get_by_role("button", name="Ya, buang draf").click()

    expect(page.get_by_text("Draf Kerupuk Lele Draf dibuang.")).to_be_visible()
    assert not RegistrationDraft.objects.filter(pk=draft.pk).exists()


def test_a_refused_completion_row_keeps_its_scores(page, live_server, browser_cast):
    today = timezone.localdate()
    dinas = browser_cast["dinas"]
    training = Training.objects.create(
        kabupaten=browser_cast["kec_a"].kabupaten,
        organiser="Dinas Koperasi dan UMKM Sidoarjo",
        title="Kemasan dan Label",
        kind="kemasan",
        venue="Pendopo Balongbendo",
        start_on=today - datetime.timedelta(days=1),
        end_on=today,
        capacity=5,
        created_by=dinas,
    )
    TrainingSession.objects.create(training=training, on=today, topic="Desain kemasan")
    for name in ("Sinom Wuluh Hadir", "Jamu Absen"):
        Enrollment.objects.create(
            training=training,
            business=make_business(browser_cast["kec_a"], name=name),
            nominated_by=browser_cast["coordinator"],
            status=Enrollment.Status.CONFIRMED,
        )
    log_in(page, live_server, "dinas.sidoarjo")
    page.goto(f"{live_server.url}{training.get_absolute_url()}")
    page.get_by_role("link", name="Presensi").first.click()
    # The training's page names each participant in its score fields' labels: read on the attendance page only.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Presensi")
    page.get_by_label("Sinom Wuluh Hadir").check()
    page.get_by_role("button", name="Simpan presensi").click()
    page.get_by_label("Nilai post-test Sinom Wuluh Hadir").fill("88")
    page.get_by_label("Lulus Sinom Wuluh Hadir").check()
    page.get_by_label("Nilai pre-test Jamu Absen").fill("47")
    page.get_by_label("Nilai post-test Jamu Absen").fill("81")
    page.get_by_label("Lulus Jamu Absen").check()  # never present: refused

    page.get_by_role("button", name="Simpan nilai dan kelulusan").click()

    expect(page.get_by_text("1 baris belum tersimpan")).to_be_visible()
    expect(page.get_by_text("Jamu Absen belum pernah tercatat hadir.")).to_be_visible()
    expect(page.get_by_label("Nilai pre-test Jamu Absen")).to_have_value("47")
    expect(page.get_by_label("Nilai post-test Jamu Absen")).to_have_value("81")
    expect(page.get_by_label("Lulus Jamu Absen")).to_be_checked()
    expect(page.get_by_label("Nilai post-test Sinom Wuluh Hadir")).to_have_value("88")  # saved
    check_accessibility(page)
    screenshot(page, "dinas-completion-refused-row")


def test_admin_sees_duplicate_pairs_by_name_and_confirms_a_merge_seeing_what_moves(page, live_server, browser_cast):
    from registry.models import Business
    from tests.factories import make_product

    keep = make_business(browser_cast["kec_a"], name="Roti Bu Rina")
    extra = make_business(browser_cast["kec_a"], name="Roti Bu Rina Balongbendo", desa=keep.desa)
    make_product(extra, name="Roti Manis")
    log_in(page, live_server, "admin.uji")
    page.goto(f"{live_server.url}/admin/registry/business/duplikat/")

    expect(page.get_by_text(f"#{extra.pk} Roti Bu Rina Balongbendo")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "admin-duplicate-pairs")
    page.get_by_role("link", name="Bandingkan").first.click()
    page.get_by_role("button", name=f"Pertahankan #{keep.pk}").click()

    expect(page.locator("#moving")).to_contain_text("1 produk")
    check_accessibility(page)
    screenshot(page, "admin-duplicate-merge-confirmation")
    assert Business.all_objects.filter(pk=extra.pk).exists()
    page.get_by_role("button", name="Ya, gabungkan").click()

    expect(page.get_by_text(f"Digabungkan ke #{keep.pk}")).to_be_visible()
    assert not Business.all_objects.filter(pk=extra.pk).exists()
