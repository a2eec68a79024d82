"""The demo data of `make run`, loaded once for the module (the guards and the larger load: tests/test_demo.py)."""

import io
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from programs.models import BankOfficer
from registry import roles
from registry.demo import DEMO_COORDINATORS, DEMO_DINAS, DEMO_PASSWORD, SOURCE_KABUPATEN
from registry.models import AreaAssignment, Kecamatan
from registry.services import load_regions
from tests.once import made_once


@dataclass(frozen=True)
class Demo:
    output: str  # what the first load printed
    first: dict  # the counts after the first load (users' names included)
    second: dict  # and after the second


def _counts():
    from programs.models import Listing, ListingConsent
    from registry.models import Business, LegalDocument

    return {
        "names": list(get_user_model().objects.order_by("username").values_list("first_name", "last_name")),
        "areas": AreaAssignment.objects.count(),
        "officers": BankOfficer.objects.count(),
        "businesses": Business.objects.count(),
        "catalogue": (Listing.objects.count(), ListingConsent.objects.count(), LegalDocument.objects.count()),
    }


@pytest.fixture(scope="module")
def demo_twice(django_db_setup, django_db_blocker):
    """The demo data (`--members 2`) loaded twice, as `make run` does at every start, once for the whole module:
    it takes seconds (tests/once.py)."""
    with made_once(django_db_blocker):
        load_regions(SOURCE_KABUPATEN)
        output = io.StringIO()
        call_command("load_demo_data", "--force", "--members", "2", stdout=output)
        first = _counts()
        call_command("load_demo_data", "--force", "--members", "2", stdout=io.StringIO())
        yield Demo(output=output.getvalue(), first=first, second=_counts())


@pytest.fixture
def demo(demo_twice, db):
    return demo_twice


def test_demo_data_makes_one_working_login_per_role(client, demo):
    out = demo.output
    User = get_user_model()
    for username in ["admin", "dinas.sidoarjo", "koordinator.balongbendo", "bank.bri"]:
        assert username in out
        assert client.login(username=username, password=DEMO_PASSWORD)
        client.logout()
    assert DEMO_PASSWORD in out
    assert roles.role_of(User.objects.get(username="dinas.sidoarjo")) == roles.DINAS
    assert BankOfficer.objects.get(user__username="bank.bri").bank.short_name == "BRI"


def test_demo_users_work_in_the_five_source_districts(demo):
    for username, code in DEMO_DINAS.items():
        assert AreaAssignment.objects.get(user__username=username).kabupaten_id == code
    for username, code in DEMO_COORDINATORS.items():
        assert AreaAssignment.objects.get(user__username=username).kecamatan_id == code
    balongbendo = get_user_model().objects.get(username="koordinator.balongbendo")
    assert list(Kecamatan.objects.within_areas_of(balongbendo).values_list("name", flat=True)) == ["Balongbendo"]


def test_demo_names_are_indonesian_and_stable(demo):
    assert demo.second["names"] == demo.first["names"]
    assert all(first_name and last_name for first_name, last_name in demo.first["names"])


def test_demo_data_is_idempotent(demo):
    assert len(demo.first["names"]) > 10
    assert demo.second == demo.first


def test_demo_members_are_realistic(demo):
    from registry.models import Business, Owner
    from registry.validators import normalize_nik

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


def test_blora_has_no_coordinator_and_its_dinas_registers_nominates_and_submits(client, demo):
    from programs.demo import DEMO_CATALOGUE_TITLE
    from programs.models import CurationCall, Training
    from registry.models import Business, Product

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


def test_demo_banks_serve_their_areas_and_each_has_an_officer(demo):
    from programs.models import Bank, BankReferral

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


def test_demo_catalogue_lists_curated_products_of_consenting_businesses_in_every_district(demo):
    from programs.models import Listing, ListingConsent
    from registry.models import LegalDocument

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
    assert demo.second["catalogue"] == demo.first["catalogue"]


def today():
    from django.utils import timezone

    return timezone.localdate()


def test_demo_inquiries_stand_at_different_stages_in_balongbendo_and_lamongan(demo):
    from programs.models import Inquiry

    statuses = dict(Inquiry.objects.filter(event=None).values_list("buyer_organisation", "status"))
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
    assert set(Inquiry.objects.filter(event=None).values_list("business__kecamatan__name", flat=True)) == {
        "Balongbendo",
        "Paciran",
    }
    # Blora's buy-local day: offices' parcel orders, recorded as inquiries at the event (programs.demo).
    at_event = dict(Inquiry.objects.exclude(event=None).values_list("buyer_organisation", "status"))
    assert at_event == {"Sekretariat Daerah Kabupaten Blora": "pesanan", "Dinas Kesehatan Kabupaten Blora": "dihubungi"}
    assert set(Inquiry.objects.exclude(event=None).values_list("event__kind", "source").distinct()) == {
        ("belanja_lokal", "acara")
    }


def test_demo_selling_events_blora_buy_local_sumenep_held_lamongan_coming(demo):
    from programs.models import EventBooth, MarketEvent

    events = {event.kabupaten_id: event for event in MarketEvent.objects.all()}
    assert {code: event.kind for code, event in events.items()} == {
        "33.16": "belanja_lokal",
        "35.29": "pameran",
        "35.24": "pameran",
    }
    blora = EventBooth.objects.filter(event=events["33.16"])
    assert blora.filter(business__name="Kerajinan Jati Blora", sales__gt=0).exists()
    assert not blora.filter(sales=None).exists()
    assert EventBooth.objects.filter(event=events["35.29"], business__name="Mente Jelbudan Jaya", sales__gt=0).exists()
    assert not EventBooth.objects.filter(event=events["35.24"]).exclude(sales=None).exists()  # still to come
    assert events["35.24"].starts_on > events["35.29"].ends_on


def test_the_demo_owners_niks_do_not_move_with_the_day_and_an_older_demo_is_loaded_again(demo):
    """`make run` loads the demo at every start. The owners' NIKs came from Faker's date_of_birth, which counts
    from today: on the next day every member looked new, and the first one with a NIB was refused as another
    owner's (`make run` and `make bench` stopped there). A demo loaded before that fix, whose NIKs do not match
    today's, is recognised by its businesses."""
    import datetime

    from registry.identifiers import build_nik
    from registry.models import Owner

    for owner in Owner.all_objects.all():  # as if loaded on another day: other birth dates, other NIKs
        born = owner.birth_date - datetime.timedelta(days=1)
        region = f"{owner.nik[:2]}.{owner.nik[2:4]}.{owner.nik[4:6]}"
        nik = build_nik(region, born, female=owner.sex == "P", serial=int(owner.nik[12:]))
        Owner.all_objects.filter(pk=owner.pk).update(birth_date=born, nik=nik)

    call_command("load_demo_data", "--force", "--members", "2", stdout=io.StringIO())

    assert _counts() == demo.second
