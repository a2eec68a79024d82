"""Kabat, Banyuwangi (BeritaNasional.ID, 15/6/2021): the kecamatan runs its crafts in clusters (batik, souvenir,
kerajinan tangan, agro). The Kabat coordinator registers a batik maker into the batik cluster, and the dinas reads
each cluster's members apart from the others; the dinas sets up the batik cluster and names its coordinator,
who sees the cluster's members only."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from registry import roles
from registry.identifiers import build_nik
from registry.models import Business, BusinessGroup
from tests.browser.journeys import UNTRANSLATED
from tests.factories import make_business, make_region, make_user

pytestmark = pytest.mark.browser

CLUSTERS = {  # cluster: its members
    "Klaster Batik Kabat": ["Batik Gajah Oling Kabat", "Batik Tulis Using Macan"],  # set up in the walk
    "Klaster Souvenir Kabat": ["Souvenir Using Kabat"],
    "Klaster Kerajinan Tangan Kabat": ["Anyaman Bambu Pondoknongko"],
    "Klaster Agro Kabat": ["Kopi Robusta Kalirejo"],
}
NEW_MEMBER = "Batik Kangkung Setingkes"
BATIK = "Klaster Batik Kabat"


@pytest.fixture
def kabat(transactional_db):
    """Banyuwangi's dinas, the Kabat coordinator, the batik cluster's coordinator, Kabat's makers, and the
    souvenir, kerajinan and agro clusters the dinas set up before."""
    kecamatan = make_region("35.10.14")
    make_user(roles.COORDINATOR, kecamatan=kecamatan, username="koordinator.kabat", first_name="Susanto")
    make_user(roles.DINAS, kabupaten=kecamatan.kabupaten, username="dinas.banyuwangi", first_name="Ganda")
    make_user(
        roles.GROUP_COORDINATOR, kecamatan=kecamatan, username="klaster.batik", first_name="Wiwik", last_name="Batik"
    )
    desa = list(kecamatan.desa_set.order_by("code"))
    for index, (cluster, members) in enumerate(CLUSTERS.items()):
        group = None
        if cluster != BATIK:
            group = BusinessGroup.objects.create(kecamatan=kecamatan, name=cluster)
        for name in members:
            business = make_business(
                kecamatan, name=name, desa=desa[index], verification=Business.Verification.VERIFIED
            )
            if group:
                business.groups.add(group)
    return kecamatan


def test_kabat(walk, kabat):
    page, t = walk.page, walk.t
    born = datetime.date(1979, 3, 8)

    # The dinas sets up the batik cluster, names its coordinator and adds the batik makers.
    walk.enter("dinas.banyuwangi")
    walk.nav("Kelompok", "Groups")
    walk.heading(t("Kelompok dan klaster", UNTRANSLATED))
    page.get_by_role("link", name=t("Kelompok baru", UNTRANSLATED)).click()
    page.locator("#id_name").fill(BATIK)
    page.locator("#id_kecamatan").select_option("35.10.14")
    page.locator("#id_coordinator").select_option(label="Wiwik Batik")
    walk.seen("cluster-form")
    page.get_by_role("button", name=t("Simpan kelompok", UNTRANSLATED)).click()
    walk.flash("Kelompok %(name)s tersimpan.", UNTRANSLATED, name=BATIK)
    walk.heading(BATIK)
    page.get_by_role("link", name=t("Tambah anggota", UNTRANSLATED)).click()
    page.locator("#id_q").fill("batik")
    page.get_by_role("button", name=t("Cari", UNTRANSLATED), exact=True).click()
    expect(page).to_have_url(re.compile(r"q=batik"))  # unsearched, the page offers the whole kecamatan
    walk.seen("cluster-candidates")
    page.get_by_role("button", name=t("Tambahkan semua hasil pencarian", UNTRANSLATED)).click()
    walk.flash("%(count)s usaha ditambahkan ke kelompok.", UNTRANSLATED, number=2, count=2)

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
    page.get_by_label(BATIK).check()
    page.locator("#id_product-0-name").fill("Batik tulis kangkung setingkes")
    page.locator("#id_product-0-category").select_option("batik")
    page.locator("#id_product-0-price").fill("Rp 450.000")
    walk.seen("registration-form")
    page.get_by_role("button", name=t("Simpan pendaftaran", "Save registration")).click()
    walk.heading(NEW_MEMBER)
    walk.flash("%(name)s terdaftar dan menunggu verifikasi dinas.", UNTRANSLATED, name=NEW_MEMBER)
    expect(page.locator("dt", has_text=t("Kelompok", "Group")).locator("+ dd")).to_have_text(BATIK)
    walk.seen("member-registered")

    # The batik cluster's coordinator sees the batik makers, and no other cluster's members.
    walk.enter("klaster.batik")
    walk.nav("Usaha", "Businesses")
    for name in [*CLUSTERS[BATIK], NEW_MEMBER]:
        expect(page.get_by_role("link", name=name)).to_be_visible()
    for cluster in ("Klaster Souvenir Kabat", "Klaster Kerajinan Tangan Kabat", "Klaster Agro Kabat"):
        for name in CLUSTERS[cluster]:
            expect(page.get_by_role("link", name=name)).to_have_count(0)
    walk.seen("cluster-coordinator-members")

    # The dinas reads the clusters: their members counted, the batik cluster's page with its members and products.
    walk.enter("dinas.banyuwangi")
    walk.nav("Kelompok", "Groups")
    for cluster, members in CLUSTERS.items():
        expect(page.get_by_role("row", name=re.compile(cluster))).to_contain_text(
            str(len(members) + (cluster == BATIK))
        )
    walk.seen("clusters")
    page.get_by_role("link", name=BATIK).click()
    expect(page.locator('[data-figure="members"]')).to_have_text("3")
    expect(page.get_by_role("link", name="Batik tulis kangkung setingkes")).to_be_visible()
    walk.seen("batik-cluster-page")
    page.get_by_role("link", name=t("Buka di daftar usaha (saring, ekspor)", UNTRANSLATED)).click()
    expect(page).to_have_url(re.compile(r"/usaha/\?group=\d+"))  # the group's page lists the same members
    for name in [*CLUSTERS[BATIK], NEW_MEMBER]:
        expect(page.get_by_role("link", name=name)).to_be_visible()
    expect(page.get_by_role("link", name="Kopi Robusta Kalirejo")).to_have_count(0)
    walk.seen("batik-cluster-list")

    # The dashboard narrowed to the batik cluster from its filter bar (folded behind a button on a phone).
    walk.nav("Dasbor", "Dashboard")
    toggle = page.get_by_test_id("filter-toggle")
    if toggle.is_visible():
        toggle.click()
    page.get_by_label(t("Kelompok", "Group"), exact=True).select_option(label=BATIK)
    page.get_by_role("button", name=t("Terapkan", "Apply")).click()
    expect(page.locator(f'[data-figure="{t("Usaha terdaftar", "Registered businesses")}"]')).to_have_text("3")
    walk.seen("dashboard-batik-cluster")
