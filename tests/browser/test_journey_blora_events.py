"""Blora's "belanja produk lokal" (issue 20 item 4): the dinas, which works without kecamatan coordinators, enters
the buy-local day it held for civil servants and offices, adds the businesses that had a stand (one by name, a
parcel group at once), records what each sold afterwards in one form, and reads the sales on the dashboard; a bazaar
planned for next month is called off, with its reason on its page and in the list."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from programs import events
from programs.models import MarketEvent
from registry import roles
from registry.models import Business, BusinessGroup
from tests.factories import make_business, make_region, make_user
from tests.worker import run_tasks

pytestmark = pytest.mark.browser

TEAK = "Kerajinan Jati Blora"
PARCEL = "Parcel Lebaran Bu Ning"
SNACK = "Keripik Singkong Bu Sri"
EVENT = "Belanja Produk Lokal ASN Blora"
BAZAAR = "Bazar UMKM Hari Jadi Blora"


@pytest.fixture
def blora(transactional_db):
    kecamatan = make_region("33.16.09")
    dinas = make_user(roles.DINAS, kabupaten=kecamatan.kabupaten, username="dinas.blora", first_name="Wisnu")
    members = {
        name: make_business(kecamatan, name=name, category=category, verification=Business.Verification.VERIFIED)
        for name, category in [(TEAK, "kerajinan"), (PARCEL, "perdagangan"), (SNACK, "makanan")]
    }
    group = BusinessGroup.objects.create(name="Kelompok parsel Blora", kecamatan=kecamatan)
    group.businesses.add(members[PARCEL], members[SNACK])
    coming = timezone.localdate() + datetime.timedelta(days=30)
    bazaar = MarketEvent(
        name=BAZAAR,
        kind="bazar",
        kabupaten=kecamatan.kabupaten,
        place="Alun-alun Blora",
        starts_on=coming,
        ends_on=coming,
    )
    events.create_event(bazaar, by=dinas)
    return kecamatan


def test_blora_events(walk, blora):
    page, t = walk.page, walk.t
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    walk.enter("dinas.blora")
    walk.nav("Acara", "Events")
    walk.heading(t("Acara pemasaran", "Selling events"))
    page.get_by_role("link", name=t("Acara baru", "New event")).click()
    walk.heading(t("Acara baru", "New event"))  # the list's filter bar has a "Cari nama acara" and a "Jenis" too
    page.get_by_label(t("Nama acara", "Event name")).fill(EVENT)
    page.get_by_label(t("Jenis", "Kind")).select_option("belanja_lokal")
    page.get_by_label(t("Tempat", "Venue")).fill("Halaman Kantor Bupati Blora")
    page.get_by_label(t("Mulai", "Start")).fill(yesterday.isoformat())
    page.get_by_label(t("Sampai", "Until")).fill(yesterday.isoformat())
    walk.seen("event-form")
    page.get_by_role("button", name=t("Simpan acara", "Save event")).click()
    walk.flash(
        "Acara tersimpan. Tambahkan usaha peserta di halaman ini.",
        "Event saved. Add the taking-part businesses on this page.",
    )
    walk.heading(EVENT)

    # One business found by name, then a whole parcel group at once.
    page.get_by_label(t("Cari usaha peserta", "Find participating businesses")).fill("jati")
    page.get_by_role("button", name=t("Cari usaha", "Search business")).click()
    expect(page).to_have_url(re.compile(r"cari=jati"))  # unsearched, the page offers every business (a few) as well
    page.get_by_label(re.compile(TEAK)).check()
    page.get_by_role("button", name=t("Tambahkan sebagai peserta", "Add as participants")).click()
    walk.flash(
        "Peserta ditambahkan: %(names)s. Isi nomor stan dan penjualannya di daftar peserta.",
        "Participants added: %(names)s. Fill in their booth numbers and sales in the participant list.",
        names=TEAK,
    )
    page.get_by_label(
        t(
            "Atau tambahkan semua anggota aktif sebuah kelompok atau klaster",
            "Or add every active member of a group or cluster",
        )
    ).select_option(index=1)
    page.get_by_role("button", name=t("Tambahkan anggotanya", "Add its members")).click()
    for name in (TEAK, PARCEL, SNACK):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    walk.seen("event-participants")

    # After the day: booths and sales of every stand in one go; a typo comes back as typed, the rest saved.
    booths = page.get_by_role("region", name=t("Peserta, stan dan penjualan", "Participants, booths and sales"))
    for number, (name, sales, count) in enumerate(
        [(TEAK, "Rp 18.500.000", "12"), (PARCEL, "7,25 juta", "85"), (SNACK, "50-60 ribu", "30")], start=1
    ):
        booths.get_by_label(f"{t('Stan', 'Booth')} {name}").fill(f"A{number}")
        booths.get_by_label(f"{t('Penjualan (Rp)', 'Sales (Rp)')} {name}").fill(sales)
        booths.get_by_label(f"{t('Transaksi', 'Transactions')} {name}").fill(count)
    page.get_by_role("button", name=t("Simpan stan dan penjualan", "Save booths and sales")).click()
    expect(page.locator(".invalid-feedback")).to_have_count(1)
    expect(booths.get_by_label(f"{t('Penjualan (Rp)', 'Sales (Rp)')} {SNACK}")).to_have_value("50-60 ribu")
    walk.seen("event-sales-refused-row")
    booths.get_by_label(f"{t('Penjualan (Rp)', 'Sales (Rp)')} {SNACK}").fill("2.450.000")
    page.get_by_role("button", name=t("Simpan stan dan penjualan", "Save booths and sales")).click()
    walk.flash(
        "Stan dan penjualan %(count)d peserta tersimpan.", "Booth and sales of %(count)d participant saved.", count=1
    )
    expect(page.locator("[data-figure=peserta]")).to_have_text("3")
    expect(page.locator("[data-figure=penjualan]")).to_have_text("Rp 28.200.000")
    walk.seen("event-sales")

    # The dashboard counts the event, its three businesses and their sales once the worker has recounted.
    run_tasks()
    walk.nav("Dasbor", "Dashboard")
    figures = page.get_by_test_id("event-figures")
    figures.scroll_into_view_if_needed()
    expect(figures.locator(f"[data-figure='{t('Usaha peserta acara', 'Businesses at events')}']")).to_have_text("3")
    expect(figures.locator(f"[data-figure='{t('Penjualan di acara', 'Sales at events')}']")).to_have_text(
        re.compile(r"^Rp 28,2 (juta|million)\s*$")
    )
    walk.seen("dashboard-events")
    by_year = page.get_by_role("region", name=t("Tabel: Acara pemasaran per tahun", "Table: Selling events per year"))
    by_year.scroll_into_view_if_needed()
    expect(by_year.get_by_role("row", name=re.compile(str(yesterday.year)))).to_contain_text("1")
    by_year.get_by_role("link", name="1").click()
    expect(page.get_by_role("link", name=EVENT)).to_be_visible()
    walk.seen("events-of-the-year")

    # The bazaar planned for next month is called off: cancelled with its reason, which its page and the list show.
    # It is found in the list of all events (next month may be next year, outside the list of yesterday's year).
    walk.nav("Acara", "Events")
    page.get_by_role("link", name=BAZAAR).click()
    page.get_by_role("link", name=t("Batalkan acara", "Cancel the event")).click()
    reason = "Alun-alun dipakai upacara Hari Jadi; bazar pindah ke tahun depan."
    page.get_by_label(t("Alasan pembatalan", "Reason for cancelling")).fill(reason)
    walk.seen("event-cancel-form")
    page.get_by_role("button", name=t("Batalkan acara", "Cancel the event")).click()
    walk.flash(
        "Acara dibatalkan; koordinator melihat alasannya di halaman acara.",
        "Event cancelled; coordinators see the reason on the event's page.",
    )
    expect(page.get_by_role("status").filter(has_text=reason)).to_be_visible()
    expect(page.get_by_role("link", name=t("Ubah acara", "Edit event"))).to_have_count(0)
    walk.seen("event-cancelled")
    walk.nav("Acara", "Events")
    expect(page.get_by_role("row", name=re.compile(BAZAAR))).to_contain_text(t("Dibatalkan", "Cancelled"))
