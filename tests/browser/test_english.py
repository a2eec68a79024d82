"""The language switch turns whole pages English, not only the chrome (issue 18, item 8): the dashboard, a
business's page and a training's page, on a phone and a desktop, hold no Indonesian text of the catalogue."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from programs.models import Training, TrainingSession
from registry.models import LegalDocument, YearlyFigure
from tests.browser.conftest import check_accessibility, log_in, screenshot
from tests.factories import make_business, make_document, make_product
from tests.test_english import indonesian_left, indonesian_phrases
from tests.worker import run_tasks

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def test_dashboard_business_and_training_read_english(page, live_server, browser_cast):
    today = timezone.localdate()
    kec_a, dinas = browser_cast["kec_a"], browser_cast["dinas"]
    business = make_business(kec_a, name="Sinom Wuluh Segar", verification="terverifikasi", category="minuman")
    make_product(business)
    make_document(business, kind=LegalDocument.Kind.PIRT, number="2063515010123-28")
    YearlyFigure.objects.create(business=business, year=today.year - 1, revenue=180_000_000, workers=3)
    training = Training.objects.create(
        kabupaten=kec_a.kabupaten,
        organiser="Dinas Koperasi dan UMKM Sidoarjo",
        title="Kemasan dan Label",
        kind="kemasan",
        venue="Pendopo Balongbendo",
        start_on=today,
        end_on=today + datetime.timedelta(days=1),
        capacity=5,
        created_by=dinas,
    )
    TrainingSession.objects.create(training=training, on=today, topic="Desain kemasan")
    run_tasks()  # the dashboard's recount
    log_in(page, live_server, "dinas.sidoarjo")
    page.locator('button[name="language"][value="en"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    phrases = indonesian_phrases()
    # Each page on a phone and on a desktop (what is shown differs: folded filters, hidden columns), one login.
    for screen, viewport in [("phone", PHONE), ("desktop", DESKTOP)]:
        page.set_viewport_size(viewport)
        for name, url in [
            ("dashboard", reverse("reports:dashboard")),
            ("business", reverse("registry:business_detail", kwargs={"pk": business.pk})),
            ("training", reverse("programs:training_detail", kwargs={"pk": training.pk})),
        ]:
            page.goto(f"{live_server.url}{url}")
            expect(page.locator("html")).to_have_attribute("lang", "en")
            text = page.locator("body").inner_text()
            assert indonesian_left(text, phrases, context=True) == [], (name, screen)
            check_accessibility(page)
            screenshot(page, f"english-{name}-{screen}")
