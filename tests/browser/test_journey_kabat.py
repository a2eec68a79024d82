"""Kabat, Banyuwangi (BeritaNasional.ID, 15/6/2021): the kecamatan runs its crafts in clusters (batik, souvenir,
kerajinan tangan, agro). The Kabat coordinator registers a batik maker into the batik cluster, and the dinas reads
each cluster's members apart from the others."""

import datetime

import pytest
from playwright.sync_api import expect

from registry import roles
from registry.identifiers import build_nik
from registry.models import Business, BusinessGroup
from tests.browser.journeys import UNTRANSLATED
from tests.factories import make_business, make_region, make_user

pytestmark = pytest.mark.browser

CLUSTERS = {  # cluster: its members
    "Klaster Batik Kabat": ["Batik Gajah Oling Kabat", "Batik Tulis Using Macan"],
    "Klaster Souvenir Kabat": ["Souvenir Using Kabat"],
    "Klaster Kerajinan Tangan Kabat": ["Anyaman Bambu Pondoknongko"],
    "Klaster Agro Kabat": ["Kopi Robusta Kalirejo"],
}
NEW_MEMBER = "Batik Kangkung Setingkes"


@pytest.fixture
def kabat(transactional_db):
    """Banyuwangi's dinas, the Kabat coordinator, and Kabat's four clusters with their members."""
    kecamatan = make_region("35.10.14")
    coordinator = make_user(roles.COORDINATOR, kecamatan=kecamatan, username="koordinator.kabat", first_name="Susanto")
    make_user(roles.DINAS, kabupaten=kecamatan.kabupaten, username="dinas.banyuwangi", first_name="Ganda")
    desa = list(kecamatan.desa_set.order_by("code"))
    for index, (cluster, members) in enumerate(CLUSTERS.items()):
        group = BusinessGroup.objects.create(kecamatan=kecamatan, name=cluster, coordinator=coordinator)
        for name in members:
            business = make_business(
                kecamatan, name=name, desa=desa[index], verification=Business.Verification.VERIFIED
            )
            business.groups.add(group)
    return kecamatan


def test_kabat(walk, kabat):
    page, t = walk.page, walk.t
    born = datetime.date(1979, 3, 8)

    # The coordinator registers a batik maker into the batik cluster.
    walk.enter("koordinator.kabat")
    page.get_by_role("link", name=t("Daftarkan anggota baru", "Register a new member")).click()
    page.locator("#id_owner-name").fill("Siti Maryam")
    page.locator("#id_owner-nik").fill(build_nik("35.10.14", born, female=True, serial=17))
    page.locator("#id_owner-sex").select_option("P")
    page.locator("#id_owner-birth_date").fill(born.isoformat())
    page.locator("#id_business-name").fill(NEW_MEMBER)
    page.locator("#id_business-desa").select_option(index=1)
    page.locator("#id_business-category").select_option("batik")
    page.get_by_label("Klaster Batik Kabat").check()
    page.locator("#id_product-0-name").fill("Batik tulis kangkung setingkes")
    page.locator("#id_product-0-category").select_option("batik")
    page.locator("#id_product-0-price").fill("Rp 450.000")
    walk.seen("registration-form")
    page.get_by_role("button", name=t("Simpan pendaftaran", "Save registration")).click()
    walk.heading(NEW_MEMBER)
    walk.flash(f"{NEW_MEMBER} terdaftar dan menunggu verifikasi dinas.", UNTRANSLATED)
    expect(page.locator("dt", has_text=t("Kelompok", "Group")).locator("+ dd")).to_have_text("Klaster Batik Kabat")
    walk.seen("member-registered")

    # The dinas reads each cluster's members apart: the batik cluster holds the three batik makers only.
    walk.enter("dinas.banyuwangi")
    walk.nav("Usaha", "Business")
    page.get_by_text(t("Cari dan saring", "Search and filter")).click()
    page.get_by_text(t("Saringan lanjutan", "More filters"), exact=True).click()
    page.get_by_label(t("Kelompok", "Group"), exact=True).select_option(label="Klaster Batik Kabat")
    page.get_by_role("button", name=t("Terapkan", "Apply")).click()
    for name in [*CLUSTERS["Klaster Batik Kabat"], NEW_MEMBER]:
        expect(page.get_by_role("link", name=name)).to_be_visible()
    for cluster in ("Klaster Souvenir Kabat", "Klaster Kerajinan Tangan Kabat", "Klaster Agro Kabat"):
        for name in CLUSTERS[cluster]:
            expect(page.get_by_role("link", name=name)).to_have_count(0)
    walk.seen("batik-cluster")
    page.get_by_label(t("Kelompok", "Group"), exact=True).select_option(label="Klaster Agro Kabat")
    page.get_by_role("button", name=t("Terapkan", "Apply")).click()
    expect(page.get_by_role("link", name="Kopi Robusta Kalirejo")).to_be_visible()
    expect(page.get_by_role("link", name=NEW_MEMBER)).to_have_count(0)
    walk.seen("agro-cluster")
