"""Banks by service area, banks and officers managed by the dinas, and a referral to a bank nobody reads."""

import csv
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programs.models import Bank, BankOfficer, BankReferral
from programs.services import add_bank_officer, move_referral, refer_to_bank, save_bank
from registry import roles
from registry.models import Business
from tests.factories import make_bank, make_business, make_region, make_user
from tests.worker import run_tasks

LIST = reverse("programs:bank_list")
CREATE = reverse("programs:bank_create")
REFERRALS = reverse("programs:bankreferral_list")


def verified_business(kecamatan, **overrides):
    return make_business(kecamatan, verification=Business.Verification.VERIFIED, **overrides)


def refer(business, bank, by, **overrides):
    fields = {"credit_product": "kur_mikro", "amount": 50_000_000, "purpose": "Modal bahan baku"} | overrides
    return refer_to_bank(business, bank=bank, by=by, **fields)


@pytest.fixture
def blora(db):
    """Kecamatan Blora in Kabupaten Blora (33.16), Jawa Tengah."""
    return make_region("33.16.01")


@pytest.fixture
def dinas_blora(blora):
    return make_user(roles.DINAS, kabupaten=blora.kabupaten, username="dinas.blora")


@pytest.fixture
def banks(bank, kab_sidoarjo, blora, kec_other_kabupaten):
    """A national bank (BRI), two provincial ones, and a BPR each for Sidoarjo and Sumenep."""
    jatim = kab_sidoarjo.provinsi
    return {
        "BRI": bank,
        "Bank Jatim": make_bank(short_name="Bank Jatim", serves=[jatim]),
        "Bank Jateng": make_bank(short_name="Bank Jateng", serves=[blora.kabupaten.provinsi]),
        "BPR Delta Artha": make_bank(short_name="BPR Delta Artha", serves=[kab_sidoarjo]),
        "BPR Sumenep": make_bank(short_name="BPR Sumenep", serves=[kec_other_kabupaten.kabupaten]),
    }


#
# Service area
#


def test_a_business_is_offered_only_the_banks_serving_its_kabupaten(banks, kec_a, blora):
    assert sorted(str(b) for b in Bank.objects.serving(kec_a.kabupaten)) == ["BPR Delta Artha", "BRI", "Bank Jatim"]
    assert sorted(str(b) for b in Bank.objects.serving(blora.kabupaten)) == ["BRI", "Bank Jateng"]


def test_the_referral_form_offers_only_banks_serving_the_kabupaten(client, banks, coordinator_a, kec_a):
    business = verified_business(kec_a)
    client.force_login(coordinator_a)

    html = client.get(reverse("programs:bankreferral_create", args=[business.pk])).content.decode()

    options = re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', html)
    assert sorted(o.split(" (")[0] for o in options) == ["BPR Delta Artha", "BRI", "Bank Jatim"]
    assert "Bank Jateng" not in html
    assert "BPR Sumenep" not in html


def test_the_service_refuses_a_bank_not_serving_the_kabupaten(banks, coordinator_a, kec_a):
    with pytest.raises(ValidationError) as refused:
        refer(verified_business(kec_a), banks["Bank Jateng"], coordinator_a)

    assert refused.value.message_dict["bank"] == ["Bank Jateng tidak melayani Kabupaten Sidoarjo."]
    assert not BankReferral.objects.exists()


def test_a_forged_bank_in_the_form_is_refused_without_writing(client, banks, coordinator_a, kec_a):
    business = verified_business(kec_a)
    client.force_login(coordinator_a)

    response = client.post(
        reverse("programs:bankreferral_create", args=[business.pk]),
        {"bank": banks["BPR Sumenep"].pk, "credit_product": "kur_mikro", "amount_requested": "50 juta", "purpose": "x"},
    )

    assert response.status_code == 400
    assert "Masukkan pilihan yang valid" in response.content.decode()
    assert not BankReferral.objects.exists()


#
# A bank with no officer for the kabupaten
#


def test_a_bank_without_an_officer_says_so_in_the_choice_and_on_submit(client, banks, coordinator_a, kec_a):
    make_user(roles.BANK, bank=banks["BRI"])
    business = verified_business(kec_a)
    url = reverse("programs:bankreferral_create", args=[business.pk])
    client.force_login(coordinator_a)
    data = {"bank": banks["Bank Jatim"].pk, "credit_product": "kur_mikro", "amount_requested": "50 juta"}

    form = client.get(url).content.decode()
    warned = client.post(url, {**data, "purpose": "Oven"})

    assert "Bank Jatim (belum ada petugas bank di portal)" in form
    assert ">BRI</option>" in form
    assert warned.status_code == 400
    assert "Bank Jatim belum punya petugas di portal untuk Kabupaten Sidoarjo" in warned.content.decode()
    assert re.search(r'<input type="checkbox" name="no_officer_ok"', warned.content.decode())
    assert not BankReferral.objects.exists()

    confirmed = client.post(url, {**data, "purpose": "Oven", "no_officer_ok": "on"})

    assert confirmed.status_code == 302
    assert BankReferral.objects.get().bank == banks["Bank Jatim"]


def test_a_referral_to_a_bank_nobody_reads_says_so_on_its_page_and_in_the_list(
    client, banks, coordinator_a, dinas_sidoarjo, kec_a
):
    make_user(roles.BANK, bank=banks["BRI"])
    unread = refer(verified_business(kec_a, name="Usaha Jatim"), banks["Bank Jatim"], coordinator_a)
    move_referral(unread, to_status="dikirim", by=coordinator_a)  # sent anyway: the page says who will read it
    refer(verified_business(kec_a, name="Usaha BRI"), banks["BRI"], coordinator_a)
    client.force_login(dinas_sidoarjo)

    detail = client.get(unread.get_absolute_url()).content.decode()
    rows = client.get(REFERRALS).content.decode().split("<tr")

    assert "Bank Jatim belum punya petugas di portal untuk Kabupaten Sidoarjo" in detail
    assert "belum ada petugas bank" in next(row for row in rows if "Usaha Jatim" in row)
    assert "belum ada petugas bank" not in next(row for row in rows if "Usaha BRI" in row)


def test_an_inactive_officer_is_no_officer(banks, coordinator_a, kec_a):
    officer = make_user(roles.BANK, bank=banks["Bank Jatim"])
    officer.is_active = False
    officer.save()

    assert not BankOfficer.objects.active().filter(bank=banks["Bank Jatim"]).covering(kec_a.kabupaten).exists()


#
# Kabupaten in the lists
#


def test_referral_list_and_csv_show_the_kabupaten(client, banks, coordinator_a, dinas_sidoarjo, kec_a):
    refer(verified_business(kec_a, name="Lumpia Bandeng"), banks["BRI"], coordinator_a)
    client.force_login(dinas_sidoarjo)

    html = client.get(REFERRALS).content.decode()
    response = client.get(reverse("programs:bankreferral_export"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))

    assert "Kabupaten/kota" in html
    assert "Kabupaten Sidoarjo" in html
    header = rows[0]
    row = dict(zip(header, rows[1], strict=True))
    assert (row["Usaha"], row["Kabupaten/kota"]) == ("Lumpia Bandeng", "Kabupaten Sidoarjo")
    assert row["Petugas bank di portal"] == "belum ada"


def test_a_branch_officer_reads_only_its_kabupatens_referrals(client, banks, kec_a, blora, coordinator_a):
    sidoarjo = refer(verified_business(kec_a, name="Usaha Sidoarjo"), banks["BRI"], coordinator_a)
    move_referral(sidoarjo, to_status="dikirim", by=coordinator_a)
    coordinator_blora = make_user(roles.COORDINATOR, kecamatan=blora)
    in_blora = refer(verified_business(blora, name="Usaha Blora"), banks["BRI"], coordinator_blora)
    move_referral(in_blora, to_status="dikirim", by=coordinator_blora)
    branch = make_user(roles.BANK, bank=banks["BRI"], branch=blora.kabupaten)
    head_office = make_user(roles.BANK, bank=banks["BRI"])

    client.force_login(branch)
    html = client.get(REFERRALS).content.decode()
    assert "Usaha Blora" in html
    assert "Usaha Sidoarjo" not in html
    assert "Blora" in html  # the kabupaten column, for the officer too
    assert client.get(sidoarjo.get_absolute_url()).status_code == 404
    with pytest.raises(ValidationError):
        move_referral(sidoarjo, to_status="diproses", by=branch)
    move_referral(in_blora, to_status="diproses", by=branch)

    client.force_login(head_office)
    html = client.get(REFERRALS).content.decode()
    assert "Usaha Blora" in html
    assert "Usaha Sidoarjo" in html


def test_an_officers_home_counts_what_waits_for_the_bank_and_links_each_queue(
    client, banks, kec_a, blora, coordinator_a, django_assert_num_queries
):
    """Before: the home counted the new referrals only; one being processed or approved and not yet disbursed
    waited for the bank too, and was reached only through the list's filter."""
    head_office = make_user(roles.BANK, bank=banks["BRI"])
    extra = {"disetujui": {"amount": 25_000_000}, "dicairkan": {"amount": 25_000_000, "on": timezone.localdate()}}
    for steps in [[], [], ["diproses"], ["diproses", "disetujui"], ["diproses", "disetujui", "dicairkan"]]:
        referral = refer(verified_business(kec_a), banks["BRI"], coordinator_a)
        move_referral(referral, to_status="dikirim", by=coordinator_a)
        for step in steps:
            move_referral(referral, to_status=step, by=head_office, **extra.get(step, {}))
    coordinator_blora = make_user(roles.COORDINATOR, kecamatan=blora)
    elsewhere = refer(verified_business(blora), banks["BRI"], coordinator_blora)
    move_referral(elsewhere, to_status="dikirim", by=coordinator_blora)
    branch = make_user(roles.BANK, bank=banks["BRI"], branch=kec_a.kabupaten)
    client.force_login(branch)
    client.get(reverse("home"))

    with django_assert_num_queries(6):  # session, user, groups and permissions, the officer, the queues
        html = client.get(reverse("home")).content.decode()

    for status, text in [
        ("dikirim", "2 rujukan baru menunggu"),
        ("diproses", "1 sedang diproses, menunggu keputusan"),
        ("disetujui", "1 disetujui, belum dicairkan"),
    ]:
        link = re.search(rf'href="{REFERRALS}\?status={status}">\s*([^<]*?)\s*</a>', html)
        assert link is not None, status
        assert link.group(1) == text
    assert f'href="{REFERRALS}">Semua rujukan</a>' in html


def test_the_officers_referral_list_costs_a_fixed_number_of_queries(
    client, banks, coordinator_a, kec_a, django_assert_num_queries
):
    officer = make_user(roles.BANK, bank=banks["BRI"], branch=kec_a.kabupaten)
    for _ in range(15):
        referral = refer(verified_business(kec_a), banks["BRI"], coordinator_a)
        move_referral(referral, to_status="dikirim", by=coordinator_a)
    client.force_login(officer)
    client.get(REFERRALS)

    with django_assert_num_queries(8):
        response = client.get(REFERRALS)

    assert response.status_code == 200


#
# Banks managed by the dinas
#


def test_dinas_adds_a_bpr_for_its_kabupaten(client, dinas_blora, blora):
    client.force_login(dinas_blora)
    form = client.get(CREATE).content.decode()

    response = client.post(
        CREATE,
        {"name": "PT BPR BKK Blora (Perseroda)", "short_name": "BPR BKK Blora", "kabupaten": [blora.kabupaten_id]},
    )

    bank = Bank.objects.get(short_name="BPR BKK Blora")
    assert response.status_code == 302
    assert "melayani seluruh Indonesia" not in form  # a national bank is the admin's
    assert (bank.nationwide, list(bank.kabupaten.all()), list(bank.provinces.all())) == (False, [blora.kabupaten], [])
    assert bank.service_area() == "Kabupaten Blora"


def test_dinas_cannot_make_a_national_bank_or_one_of_another_kabupaten(client, dinas_blora, blora, kab_sidoarjo):
    client.force_login(dinas_blora)

    forged = client.post(
        CREATE,
        {"name": "PT Bank Palsu", "short_name": "Palsu", "nationwide": "on", "kabupaten": [kab_sidoarjo.pk]},
    )
    empty = client.post(CREATE, {"name": "PT Bank Kosong", "short_name": "Kosong"})

    assert forged.status_code == empty.status_code == 400
    assert "Masukkan pilihan yang valid" in forged.content.decode()
    assert "Pilih wilayah yang dilayani bank ini." in empty.content.decode()
    assert not Bank.objects.exists()
    with pytest.raises(PermissionDenied):
        save_bank(Bank(name="PT Bank Nasional", short_name="Nasional"), nationwide=True, by=dinas_blora)


def test_dinas_edits_its_own_bpr_but_not_a_shared_bank(client, banks, dinas_sidoarjo, kab_sidoarjo):
    client.force_login(dinas_sidoarjo)
    bpr, jatim = banks["BPR Delta Artha"], banks["Bank Jatim"]

    changed = client.post(
        reverse("programs:bank_update", args=[bpr.pk]),
        {"name": "PT BPR Delta Artha", "short_name": "BPR Delta Artha", "kabupaten": [kab_sidoarjo.pk]},
    )
    shared = client.get(reverse("programs:bank_update", args=[jatim.pk]))
    national = client.post(reverse("programs:bank_update", args=[banks["BRI"].pk]), {"name": "x", "short_name": "x"})
    other = client.get(reverse("programs:bank_update", args=[banks["BPR Sumenep"].pk]))

    assert changed.status_code == 302
    assert Bank.objects.get(pk=bpr.pk).name == "PT BPR Delta Artha"
    assert (shared.status_code, national.status_code, other.status_code) == (403, 403, 404)
    assert Bank.objects.get(pk=banks["BRI"].pk).short_name == "BRI"


def test_the_bank_list_shows_the_banks_serving_the_kabupaten_and_their_officers(
    client, banks, dinas_sidoarjo, kab_sidoarjo, kec_other_kabupaten
):
    make_user(roles.BANK, bank=banks["BPR Delta Artha"], branch=kab_sidoarjo, username="bank.deltaartha")
    make_user(roles.BANK, bank=banks["BRI"], username="bank.bri")
    make_user(roles.BANK, bank=banks["Bank Jatim"], branch=kec_other_kabupaten.kabupaten, username="bank.jatim.smp")
    client.force_login(dinas_sidoarjo)

    html = client.get(LIST).content.decode()

    shown = re.findall(r'<h2 id="h-bank-\d+" class="h5 mb-1">([^<]*)</h2>', html)
    assert sorted(shown) == ["BPR Delta Artha", "BRI", "Bank Jatim"]
    assert "bank.deltaartha" in html
    assert "bank.bri" not in html  # the head office's officer is the admin's: only said to exist
    assert "Ada petugas untuk seluruh wilayah layanan bank" in html
    assert "bank.jatim.smp" not in html  # Sumenep's officer
    assert "seluruh Indonesia" in html
    assert "Provinsi Jawa Timur" in html


def test_the_bank_list_costs_a_fixed_number_of_queries(
    client, banks, dinas_sidoarjo, kab_sidoarjo, django_assert_num_queries
):
    for n in range(10):
        bank = make_bank(short_name=f"BPR {n}", serves=[kab_sidoarjo])
        make_user(roles.BANK, bank=bank, branch=kab_sidoarjo)
    client.force_login(dinas_sidoarjo)
    client.get(LIST)

    with django_assert_num_queries(11):
        response = client.get(LIST)

    assert response.status_code == 200


#
# Officers' accounts
#


def officer_form(**overrides):
    return {
        "username": "bank.bkkblora.budi",
        "first_name": "Budi",
        "last_name": "Santoso",
        "email": "budi@bkkblora.co.id",
    } | overrides


def test_dinas_adds_an_officer_who_sets_the_password_through_the_mailed_link(client, dinas_blora, blora):
    bpr = make_bank(short_name="BPR BKK Blora", serves=[blora.kabupaten])
    client.force_login(dinas_blora)

    response = client.post(
        reverse("programs:bankofficer_create", args=[bpr.pk]),
        officer_form(kabupaten=blora.kabupaten_id),
        follow=True,
    )
    run_tasks()

    officer = BankOfficer.objects.get(user__username="bank.bkkblora.budi")
    assert (officer.bank, officer.kabupaten, officer.created_by) == (bpr, blora.kabupaten, dinas_blora)
    assert roles.role_of(officer.user) == roles.BANK
    assert "Tautan untuk membuat kata sandi dikirim ke budi@bkkblora.co.id" in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["budi@bkkblora.co.id"]
    assert message.subject == "Akun UMKM Portal Anda"
    assert "akun UMKM Portal untuk Anda sudah dibuat" in message.body
    link = re.search(r"https?://[^/\s]+(/kata-sandi/atur/\S+/)", message.body).group(1)

    officer_client = Client()
    form = officer_client.get(link, follow=True)
    new_password = "Kayu-jati-tebang-4711"
    done = officer_client.post(
        form.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert done.status_code == 302
    assert Client().login(username="bank.bkkblora.budi", password=new_password)


def test_the_officer_form_refuses_a_taken_username_or_address_without_writing(
    client, dinas_blora, blora, coordinator_a
):
    coordinator_a.email = "ike@contoh.go.id"
    coordinator_a.save()
    bpr = make_bank(short_name="BPR BKK Blora", serves=[blora.kabupaten])
    url = reverse("programs:bankofficer_create", args=[bpr.pk])
    client.force_login(dinas_blora)
    users = get_user_model().objects.count()

    taken = client.post(url, officer_form(username="Koordinator.Balongbendo", kabupaten=blora.kabupaten_id))
    address = client.post(url, officer_form(email="IKE@contoh.go.id", kabupaten=blora.kabupaten_id))
    other_kabupaten = client.post(url, officer_form(kabupaten="35.15"))

    assert (taken.status_code, address.status_code, other_kabupaten.status_code) == (400, 400, 400)
    assert "Nama pengguna ini sudah dipakai." in taken.content.decode()
    assert "Alamat e-mail ini sudah dipakai akun lain." in address.content.decode()
    assert get_user_model().objects.count() == users
    assert mail.outbox == []


def test_dinas_adds_its_own_branch_officer_to_a_national_bank_only_for_its_kabupaten(banks, dinas_blora, blora):
    officer = add_bank_officer(
        banks["BRI"],
        username="bank.bri.blora",
        first_name="Sri",
        last_name="",
        email="sri@bri.co.id",
        kabupaten=blora.kabupaten,
        by=dinas_blora,
    )
    assert officer.kabupaten == blora.kabupaten

    with pytest.raises(PermissionDenied):  # the whole service area is the admin's choice
        add_bank_officer(
            banks["BRI"], username="x", first_name="X", last_name="", email="x@bri.co", kabupaten=None, by=dinas_blora
        )
    with pytest.raises(PermissionDenied):  # a bank that does not serve Blora is not theirs to staff
        add_bank_officer(
            banks["Bank Jatim"],
            username="y",
            first_name="Y",
            last_name="",
            email="y@jatim.co.id",
            kabupaten=blora.kabupaten,
            by=dinas_blora,
        )


def test_dinas_changes_and_deactivates_its_officer_but_another_kabupatens_answers_404(
    client, banks, dinas_sidoarjo, dinas_other, kab_sidoarjo
):
    user = make_user(roles.BANK, bank=banks["BRI"], branch=kab_sidoarjo, email="lama@bri.co.id")
    url = reverse("programs:bankofficer_update", args=[user.bank_officer.pk])
    client.force_login(dinas_other)
    assert client.get(url).status_code == 404
    assert client.post(url, {"first_name": "X", "email": "x@bri.co.id"}).status_code == 404

    client.force_login(dinas_sidoarjo)
    response = client.post(url, {"first_name": "Dewi", "last_name": "Lestari", "email": "dewi@bri.co.id"})

    user.refresh_from_db()
    assert response.status_code == 302
    assert (user.first_name, user.email, user.is_active) == ("Dewi", "dewi@bri.co.id", False)


def test_dinas_sends_a_new_link_to_its_officer(client, banks, dinas_sidoarjo, kab_sidoarjo):
    user = make_user(roles.BANK, bank=banks["BRI"], branch=kab_sidoarjo, email="dewi@bri.co.id")
    client.force_login(dinas_sidoarjo)

    response = client.post(
        reverse("programs:bankofficer_update", args=[user.bank_officer.pk]), {"send_link": "1"}, follow=True
    )
    run_tasks()

    assert "Tautan untuk membuat kata sandi dikirim ke dewi@bri.co.id" in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["dewi@bri.co.id"]
    assert "kata-sandi/atur" in message.body
    assert "Atur ulang kata sandi" in message.subject


@pytest.mark.parametrize("who", ["coordinator_a", "bank_officer"])
def test_other_roles_may_not_manage_banks(request, client, banks, kab_sidoarjo, who):
    officer = make_user(roles.BANK, bank=banks["BPR Delta Artha"], branch=kab_sidoarjo)
    client.force_login(request.getfixturevalue(who))

    for url in [
        LIST,
        CREATE,
        reverse("programs:bank_update", args=[banks["BPR Delta Artha"].pk]),
        reverse("programs:bankofficer_create", args=[banks["BPR Delta Artha"].pk]),
        reverse("programs:bankofficer_update", args=[officer.bank_officer.pk]),
    ]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
