"""Balongbendo, Sidoarjo (jatimnow.com, 22/7/2023): Ike Retno Watik, the kecamatan's UMKM coordinator, registers
members from her phone into the group of more than 100 members she runs; a member is referred to BRI and BRI's
officer answers; the portal's admin merges a member registered twice."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from registry import roles
from registry.identifiers import build_nik
from registry.models import Business, BusinessGroup, Owner
from tests.browser.journeys import UNTRANSLATED
from tests.factories import make_bank, make_business, make_owner, make_region, make_user

pytestmark = pytest.mark.browser

MEMBER = "Lumpia Bandeng Bu Siti"


@pytest.fixture
def balongbendo(transactional_db):
    """Sidoarjo's people, the coordinator's group of 100 members, and one business registered twice."""
    kecamatan = make_region("35.15.12")
    ike = make_user(
        roles.COORDINATOR, kecamatan=kecamatan, username="koordinator.balongbendo", first_name="Ike", last_name="Retno"
    )
    make_user(roles.DINAS, kabupaten=kecamatan.kabupaten, username="dinas.sidoarjo", first_name="Agus")
    make_user(roles.ADMIN, username="admin", first_name="Sri", last_name="Wahyuni")
    bri = make_bank(short_name="BRI", name="PT Bank Rakyat Indonesia (Persero) Tbk")  # serving all of Indonesia
    make_user(roles.BANK, bank=bri, username="bank.bri", first_name="Dewi")
    group = BusinessGroup.objects.create(kecamatan=kecamatan, name="UMKM Kecamatan Balongbendo", coordinator=ike)
    desa = list(kecamatan.desa_set.order_by("code"))
    owners = Owner.objects.bulk_create(
        Owner(
            name=f"Anggota {n}",
            nik=build_nik(
                kecamatan.code, datetime.date(1970, 1, 1) + datetime.timedelta(days=97 * n), female=False, serial=n + 1
            ),
            sex="L",
            birth_date=datetime.date(1970, 1, 1) + datetime.timedelta(days=97 * n),
            desa=desa[n // 5 % len(desa)],  # five to a desa, each making something else: no similar names
            kecamatan=kecamatan,
        )
        for n in range(100)
    )
    products = ["Kerupuk Mujair", "Onde-onde Semut", "Jeha Gulali", "Tart Karakter", "Herbal Scangku"]
    members = Business.objects.bulk_create(
        Business(
            name=f"{products[n % 5]} {n:03d}",  # the list of possible duplicates stays for the real one
            owner=owner,
            desa=owner.desa,
            kecamatan=kecamatan,
            category="makanan",
            verification=Business.Verification.VERIFIED,
        )
        for n, owner in enumerate(owners)
    )
    Business.groups.through.objects.bulk_create(
        Business.groups.through(business=member, businessgroup=group) for member in members
    )
    twice = make_owner(kecamatan, name="Nur Hasanah")
    first = make_business(kecamatan, owner=twice, name="Kerupuk Lele Balong", nib="1234567890123")
    second = make_business(kecamatan, owner=twice, name="Krupuk Lele Balong")
    return {"kecamatan": kecamatan, "group": group, "duplicates": (first, second)}


def test_balongbendo(walk, balongbendo):
    page, t = walk.page, walk.t

    # Ike registers a member of her group from her phone.
    walk.enter("koordinator.balongbendo")
    page.get_by_role("link", name=t("Daftarkan anggota baru", "Register a new member")).click()
    walk.heading(t("Daftarkan anggota", "Register a member"))
    page.locator("#id_owner-name").fill("Siti Aminah")
    page.locator("#id_owner-nik").fill("3515 1245 0785 0001")
    page.locator("#id_owner-sex").select_option("P")
    page.locator("#id_owner-birth_date").fill("1985-07-05")
    page.locator("#id_owner-phone").fill("0812-3456-7890")
    page.locator("#id_business-name").fill(MEMBER)
    page.locator("#id_business-desa").select_option(label="Wonokupang (Balongbendo)")
    page.locator("#id_business-category").select_option("makanan")
    page.get_by_label("UMKM Kecamatan Balongbendo").check()
    page.locator("#id_product-0-name").fill("Lumpia bandeng")
    page.locator("#id_product-0-category").select_option("makanan")
    page.locator("#id_product-0-price").fill("Rp 25.000")
    walk.seen("registration-form")
    page.get_by_role("button", name=t("Simpan pendaftaran", "Save registration")).click()
    walk.heading(MEMBER)
    walk.flash("%(name)s terdaftar dan menunggu verifikasi dinas.", UNTRANSLATED, name=MEMBER)
    expect(page.locator("dt", has_text=t("Kelompok", "Group")).locator("+ dd")).to_have_text(
        "UMKM Kecamatan Balongbendo"
    )
    walk.seen("member-registered")

    # The group: its members are found on the business list, among them the new one.
    walk.nav("Usaha", "Businesses")
    page.get_by_text(t("Cari dan saring", "Search and filter")).click()
    page.get_by_label(t("Cari usaha, pemilik, NIB, produk", "Search business, owner, NIB, product")).fill("lumpia")
    page.get_by_text(t("Saringan lanjutan", "More filters"), exact=True).click()
    page.get_by_label(t("Kelompok", "Group"), exact=True).select_option(label="UMKM Kecamatan Balongbendo")
    page.get_by_role("button", name=t("Terapkan", "Apply")).click()
    expect(page.get_by_role("link", name=MEMBER)).to_be_visible()
    walk.seen("group-members")

    # The group's own page counts its members: the hundred of before and the new one.
    walk.nav("Kelompok", "Groups")
    page.get_by_role("link", name="UMKM Kecamatan Balongbendo").click()
    walk.heading("UMKM Kecamatan Balongbendo")
    expect(page.locator('[data-figure="members"]')).to_have_text("101")
    walk.seen("group-page")

    # The dinas verifies the registration.
    walk.enter("dinas.sidoarjo")
    walk.nav("Verifikasi", "Verification")
    page.get_by_role("row", name=re.compile(MEMBER)).get_by_role("checkbox").check()
    walk.seen("verification-queue")
    page.get_by_role("button", name=t("Verifikasi yang dipilih", "Verify selected")).click()
    walk.flash("%(done)s usaha diverifikasi.", UNTRANSLATED, number=1, done=1)

    # Ike refers the member to BRI for a KUR Mikro and sends it.
    walk.enter("koordinator.balongbendo")
    walk.open_business(MEMBER, "lumpia bandeng")
    page.get_by_role("link", name=t("Rujuk ke bank", "Refer to a bank")).click()
    page.locator("#id_bank").select_option(label="BRI")
    page.locator("#id_credit_product").select_option("kur_mikro")
    page.locator("#id_amount_requested").fill("Rp 50.000.000")
    page.locator("#id_purpose").fill("Mesin pengemas lumpia")
    walk.seen("referral-form")
    page.get_by_role("button", name=t("Simpan draf rujukan", "Save referral draft")).click()
    page.get_by_role("button", name=t("Kirim ke bank", UNTRANSLATED)).click()
    walk.flash("Status rujukan: %(status)s.", UNTRANSLATED, status=t("Dikirim ke bank", UNTRANSLATED))
    walk.seen("referral-sent")

    # BRI's officer takes it up and approves a smaller amount.
    walk.enter("bank.bri")
    page.get_by_role("link", name=t("1 rujukan baru menunggu", "1 new referral waiting")).click()
    page.get_by_role("link", name=MEMBER).click()
    expect(page.get_by_role("button", name=t("Tandai sedang diproses", UNTRANSLATED))).to_be_visible()
    walk.seen("bank-referral")
    page.get_by_role("button", name=t("Tandai sedang diproses", UNTRANSLATED)).click()
    walk.flash("Status rujukan: %(status)s.", UNTRANSLATED, status=t("Diproses bank", UNTRANSLATED))
    page.locator("#amount-disetujui").fill("Rp 40.000.000")
    page.get_by_role("button", name=t("Setujui", UNTRANSLATED)).click()
    walk.flash("Status rujukan: %(status)s.", UNTRANSLATED, status=t("Disetujui", UNTRANSLATED))
    walk.seen("bank-approved")

    # Ike reads the bank's answer on her referral list.
    walk.enter("koordinator.balongbendo")
    walk.nav("Rujukan bank", "Bank referrals")
    expect(page.get_by_role("row", name=re.compile(MEMBER))).to_contain_text(t("Disetujui", UNTRANSLATED))
    walk.seen("coordinator-referrals")
    page.get_by_role("link", name=MEMBER).click()
    expect(page.locator("dt", has_text=t("Plafon disetujui", "Amount approved")).locator("+ dd")).to_have_text(
        "Rp 40.000.000"
    )
    walk.seen("coordinator-reads-answer")

    # The admin merges the member registered twice, after reading what will move.
    first, second = balongbendo["duplicates"]
    walk.enter("admin")
    walk.go("/admin/registry/business/duplikat/")
    pair = page.get_by_role("row").filter(has_text=f"#{first.pk} {first.name}").filter(has_text=f"#{second.pk}")
    pair.get_by_role("link", name=t("Bandingkan", UNTRANSLATED)).click()
    keep_first = page.get_by_role("button", name=re.compile(f"#{first.pk}\\D.*#{second.pk}\\D"))
    expect(keep_first).to_be_visible()
    walk.seen("admin-compare")
    keep_first.click()
    expect(page.get_by_role("heading", name=re.compile(f"#{second.pk} Krupuk Lele Balong"))).to_be_visible()
    walk.seen("admin-confirm-merge")
    page.get_by_role("button", name=t("Ya, gabungkan", UNTRANSLATED)).click()
    expect(page.locator(".messagelist")).to_contain_text(f"#{first.pk}")
    walk.seen("admin-merged")
    assert not Business.objects.filter(pk=second.pk).exists()
