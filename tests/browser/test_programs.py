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
    expect(page.get_by_text("Rp 40.000.000")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "bank-referral-approved")
