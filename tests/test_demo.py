import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from programs.models import BankOfficer
from registry import roles
from registry.demo import DEMO_COORDINATORS, DEMO_DINAS, DEMO_PASSWORD, SOURCE_KABUPATEN
from registry.models import AreaAssignment, Kecamatan
from registry.services import load_regions


@pytest.fixture
def source_regions(db):
    load_regions(SOURCE_KABUPATEN)


def test_demo_data_makes_one_working_login_per_role(client, source_regions, capsys):
    call_command("load_demo_data", "--force", "--members", "2")

    out = capsys.readouterr().out
    User = get_user_model()
    for username in ["admin", "dinas.sidoarjo", "koordinator.balongbendo", "bank.bri"]:
        assert username in out
        assert client.login(username=username, password=DEMO_PASSWORD)
        client.logout()
    assert DEMO_PASSWORD in out
    assert roles.role_of(User.objects.get(username="dinas.sidoarjo")) == roles.DINAS
    assert BankOfficer.objects.get(user__username="bank.bri").bank.short_name == "BRI"


def test_demo_users_work_in_the_five_source_districts(source_regions):
    call_command("load_demo_data", "--force", "--members", "2")

    for username, code in DEMO_DINAS.items():
        assert AreaAssignment.objects.get(user__username=username).kabupaten_id == code
    for username, code in DEMO_COORDINATORS.items():
        assert AreaAssignment.objects.get(user__username=username).kecamatan_id == code
    balongbendo = get_user_model().objects.get(username="koordinator.balongbendo")
    assert list(Kecamatan.objects.within_areas_of(balongbendo).values_list("name", flat=True)) == ["Balongbendo"]


def test_demo_names_are_indonesian_and_stable(source_regions):
    call_command("load_demo_data", "--force", "--members", "2")
    first = list(get_user_model().objects.order_by("username").values_list("first_name", "last_name"))

    call_command("load_demo_data", "--force", "--members", "2")

    assert list(get_user_model().objects.order_by("username").values_list("first_name", "last_name")) == first
    assert all(first_name and last_name for first_name, last_name in first)


def test_demo_data_is_idempotent(source_regions):
    call_command("load_demo_data", "--force", "--members", "2")
    counts = (get_user_model().objects.count(), AreaAssignment.objects.count(), BankOfficer.objects.count())

    call_command("load_demo_data", "--force", "--members", "2")

    assert (get_user_model().objects.count(), AreaAssignment.objects.count(), BankOfficer.objects.count()) == counts


def test_demo_data_refuses_a_production_server(source_regions):
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("load_demo_data")

    assert not get_user_model().objects.exists()


def test_demo_data_needs_the_regions_first(db):
    with pytest.raises(CommandError, match="load_regions"):
        call_command("load_demo_data", "--force", "--members", "2")


def test_demo_dry_run_writes_nothing(source_regions):
    call_command("load_demo_data", "--force", "--dry-run", "--members", "2")

    assert not get_user_model().objects.exists()


def test_demo_members_are_realistic(source_regions):
    from registry.models import Business, Owner
    from registry.validators import normalize_nik

    call_command("load_demo_data", "--force", "--members", "2")

    assert Business.objects.count() == 11 + 5 * 2 + 2 * 10 // 3 + 4  # fill, Balongbendo group, Kabat clusters
    for owner in Owner.objects.select_related("kecamatan"):
        assert normalize_nik(owner.nik) == owner.nik
        assert owner.nik.startswith(owner.kecamatan.code.replace(".", ""))
    lumpia = Business.objects.get(name="Lumpia Bandeng Bu Ike")
    assert (lumpia.desa.name, lumpia.kecamatan.name) == ("Wonokupang", "Balongbendo")
    assert lumpia.products.get().photos.exists()
    assert lumpia.yearly_figures.count() == 3
    assert Business.objects.get(name="Mente Jelbudan Jaya").groups.get().name == "Kelompok mente Desa Jelbudan"
    assert Business.objects.filter(verification="terverifikasi").exists()


def test_blora_has_no_coordinator_and_its_dinas_registers_nominates_and_submits(client, source_regions):
    from programs.demo import DEMO_CATALOGUE_TITLE
    from programs.models import CurationCall, Training
    from registry.models import Business, Product

    call_command("load_demo_data", "--force", "--members", "2")
    dinas = get_user_model().objects.get(username="dinas.blora")
    assert not AreaAssignment.objects.filter(kecamatan__kabupaten="33.16").exists()  # no coordinator in Blora
    training = Training.objects.get(kabupaten="33.16")
    call = CurationCall.objects.exclude(title=DEMO_CATALOGUE_TITLE).get(kabupaten="33.16")  # not the catalogue's
    member = Business.objects.filter(kecamatan__kabupaten="33.16").order_by("pk").first()
    product = Product.objects.filter(business__kecamatan__kabupaten="33.16").order_by("pk").first()
    client.force_login(dinas)

    assert client.get(reverse("registry:business_register")).status_code == 200
    assert f'<option value="{member.pk}"' in client.get(training.get_absolute_url()).content.decode()
    client.post(reverse("programs:training_nominate", args=[training.pk]), {"business": member.pk})
    client.post(reverse("programs:curationcall_submit", args=[call.pk]), {"product": product.pk})

    assert training.enrollments.get().business == member
    assert call.submissions.get().product == product


def test_demo_banks_serve_their_areas_and_each_has_an_officer(source_regions):
    from programs.models import Bank, BankReferral

    call_command("load_demo_data", "--force", "--members", "2")

    assert not Bank.objects.exclude(officers__user__is_active=True).exists()
    blora = sorted(str(bank) for bank in Bank.objects.serving("33.16"))
    sidoarjo = sorted(str(bank) for bank in Bank.objects.serving("35.15"))
    assert blora == ["BPR BKK Blora", "BRI", "BSI", "Bank Jateng"]
    assert sidoarjo == ["BPR Delta Artha", "BRI", "BSI", "Bank Jatim"]
    assert Bank.objects.get(short_name="Bank Jateng").service_area() == "Provinsi Jawa Tengah"
    assert BankOfficer.objects.get(user__username="bank.bkkblora").kabupaten_id == "33.16"
    # Every demo referral went to a bank serving its business's kabupaten.
    for referral in BankReferral.objects.select_related("business__kecamatan"):
        assert Bank.objects.serving(referral.business.kecamatan.kabupaten_id).filter(pk=referral.bank_id).exists()


def test_demo_groups_have_group_coordinators_who_see_only_their_members(source_regions):
    from registry import roles
    from registry.models import Business, BusinessGroup

    call_command("load_demo_data", "--force", "--members", "30")

    balongbendo = BusinessGroup.objects.get(name="UMKM Kecamatan Balongbendo")
    assert balongbendo.businesses.count() > 100
    assert roles.role_of(balongbendo.coordinator) == roles.GROUP_COORDINATOR
    kabat = set(BusinessGroup.objects.filter(kecamatan="35.10.14").values_list("name", flat=True))
    assert {"Klaster batik Kabat", "Klaster souvenir Kabat", "Klaster kerajinan Kabat", "Klaster agro Kabat"} <= kabat
    batik = BusinessGroup.objects.get(name="Klaster batik Kabat")
    assert batik.coordinator.username == "klaster.kabat"
    seen = Business.objects.visible_to(batik.coordinator)
    assert set(seen) == set(batik.businesses.all())
    assert "Batik Gajah Oling Kabat" in {business.name for business in seen}


def test_demo_catalogue_lists_curated_products_of_consenting_businesses_in_every_district(source_regions):
    from programs.models import Listing, ListingConsent
    from registry.models import LegalDocument

    call_command("load_demo_data", "--force", "--members", "2")
    counts = (Listing.objects.count(), ListingConsent.objects.count(), LegalDocument.objects.count())

    public = Listing.objects.public()
    for code in SOURCE_KABUPATEN:
        assert public.filter(product__business__kecamatan__kabupaten=code).exists(), code
    lumpia = public.get(product__business__name="Lumpia Bandeng Bu Ike")
    assert lumpia.product.business.kecamatan.name == "Balongbendo"
    assert lumpia.product.photos.exists()
    tenun = public.get(product__business__name="Tenun Ikat Paciran")
    assert tenun.export_ready
    assert "ikat" in tenun.description_en
    assert public.filter(export_ready=True).count() >= 3
    assert not public.filter(product__business__name="Jenang Jagung Mbok Sri").exists()
    assert ListingConsent.objects.filter(business__name="Jenang Jagung Mbok Sri", withdrawn_at__isnull=False).exists()
    assert LegalDocument.objects.filter(
        business__name="Kerupuk Lele Balong", kind="halal", expires_on__lt=today()
    ).exists()

    call_command("load_demo_data", "--force", "--members", "2")

    assert (Listing.objects.count(), ListingConsent.objects.count(), LegalDocument.objects.count()) == counts


def today():
    from django.utils import timezone

    return timezone.localdate()


def test_demo_inquiries_stand_at_different_stages_in_balongbendo_and_lamongan(source_regions):
    from programs.models import Inquiry

    call_command("load_demo_data", "--force", "--members", "2")
    call_command("load_demo_data", "--force", "--members", "2")

    statuses = dict(Inquiry.objects.exclude(source="acara").values_list("buyer_organisation", "status"))
    assert statuses == {
        "Toko Oleh-oleh Sari Rasa": "baru",
        "Hotel Delta Sidoarjo": "dihubungi",
        "Bagian Umum Setda Sidoarjo": "pesanan",
        "Kain Nusantara Sdn Bhd": "penempatan",
        "Seoul Modest Wear": "sampel",
        "Galeri Batik Gresik": "ditutup",
    }
    exported = Inquiry.objects.get(buyer_organisation="Kain Nusantara Sdn Bhd")
    assert (exported.export.country, exported.business.kecamatan.kabupaten_id) == ("MY", "35.24")
    assert set(Inquiry.objects.exclude(source="acara").values_list("business__kecamatan__name", flat=True)) == {
        "Balongbendo",
        "Paciran",
    }  # the selling events' parcel orders are m4's demo
