from django.urls import reverse

from registry.models import Business, Owner, ProductPhoto, RegistrationDraft
from tests import hostile
from tests.factories import jpeg_upload, make_business, make_owner

REGISTER = reverse("registry:business_register")
DRAFT = reverse("registry:registrationdraft_save")
DUPLICATES = reverse("registry:business_duplicates")


def registration(desa, **overrides):
    """A complete POST of the registration page, as a coordinator's phone sends it."""
    data = {
        "owner-name": "Siti Aminah",
        "owner-nik": "3515 1245 0785 0001",
        "owner-sex": "P",
        "owner-birth_date": "1985-07-05",
        "owner-phone": "0812-3456-7890",
        "owner-desa": desa.pk,
        "owner-education": "sma",
        "business-name": "Sinom Wuluh Bu Siti",
        "business-desa": desa.pk,
        "business-category": "minuman",
        "business-kbli_code": "11040",
        "business-legal_form": "perorangan",
        "business-workers_male": "0",
        "business-workers_female": "2",
        "business-markets": ["lokal", "kabupaten"],
        "business-sales_channels": ["offline"],
        "product-TOTAL_FORMS": "2",
        "product-INITIAL_FORMS": "0",
        "product-MIN_NUM_FORMS": "0",
        "product-MAX_NUM_FORMS": "10",
        "product-0-name": "Sinom belimbing wuluh",
        "product-0-category": "minuman",
        "product-0-price": "Rp 8.000",
        "product-0-unit": "botol",
        "document-TOTAL_FORMS": "2",
        "document-INITIAL_FORMS": "0",
        "document-MIN_NUM_FORMS": "0",
        "document-MAX_NUM_FORMS": "10",
        "document-0-kind": "pirt",
        "document-0-number": "2063515010123-28",
        "figure-year": "2026",
        "figure-capital": "Rp 15.000.000",
        "figure-revenue": "120 juta",
        "figure-workers": "2",
        "export-TOTAL_FORMS": "1",
        "export-INITIAL_FORMS": "0",
        "export-MIN_NUM_FORMS": "0",
        "export-MAX_NUM_FORMS": "20",
    }
    return data | overrides


def test_coordinator_registers_a_member_with_a_photo(client, coordinator_a, kec_a):
    client.force_login(coordinator_a)
    desa = kec_a.desa_set.get(name="Wonokupang")

    response = client.post(REGISTER, registration(desa, **{"product-0-photos": jpeg_upload()}))

    business = Business.objects.get()
    assert response.status_code == 302
    assert response["Location"] == business.get_absolute_url()
    assert (business.kecamatan, business.registered_by, business.verification) == (kec_a, coordinator_a, "menunggu")
    assert business.owner.nik == "3515124507850001"
    assert business.owner.phone == "+6281234567890"
    assert business.markets == ["lokal", "kabupaten"]
    product = business.products.get()
    assert product.price == 8000
    assert product.photos.count() == 1
    assert business.documents.get().expires_on.year == 2028
    figure = business.yearly_figures.get()
    assert (figure.capital, figure.revenue, figure.size_class) == (15_000_000, 120_000_000, "mikro")


def test_bad_input_gives_indonesian_messages_and_writes_nothing(client, coordinator_a, kec_a):
    client.force_login(coordinator_a)
    desa = kec_a.desa_set.first()
    bad = registration(
        desa,
        **{
            "owner-nik": "3515",
            "owner-phone": "nomor saya",
            "business-nib": "12345",
            "business-start_year": "2999",
            "figure-revenue": "banyak",
            "document-0-number": "123",
        },
    )

    response = client.post(REGISTER, bad)

    html = response.content.decode()
    assert response.status_code == 400
    for message in [
        "NIK harus 16 digit",
        "Nomor telepon tidak dikenali",
        "NIB harus 13 digit",
        "Tahun mulai usaha",
        "Isi jumlah Rupiah",
        "Nomor P-IRT",
    ]:
        assert message in html
    assert not Business.objects.exists()
    assert not Owner.objects.exists()


def test_forged_desa_of_another_kecamatan_is_refused(client, coordinator_a, kec_a, kec_b):
    client.force_login(coordinator_a)
    other_desa = kec_b.desa_set.first()

    response = client.post(REGISTER, registration(other_desa))

    assert response.status_code == 400
    assert "Masukkan pilihan yang valid" in response.content.decode()
    assert not Business.objects.exists()


def test_likely_duplicate_is_shown_before_saving_and_needs_confirmation(client, coordinator_a, kec_a):
    desa = kec_a.desa_set.get(name="Wonokupang")
    existing = make_business(kec_a, name="Sinom Wuluh Bu Siti", desa=desa)
    client.force_login(coordinator_a)

    warned = client.post(REGISTER, registration(desa))
    confirmed = client.post(REGISTER, registration(desa, confirm_duplicates="yes"))

    assert warned.status_code == 409
    assert existing.get_absolute_url() in warned.content.decode()
    assert confirmed.status_code == 302
    assert Business.objects.count() == 2


def test_duplicate_in_another_area_is_named_without_a_link(client, coordinator_a, kec_a, kec_b):
    theirs = make_business(kec_b, nib="9120123456789")
    client.force_login(coordinator_a)

    response = client.post(DUPLICATES, {"business-nib": "9120123456789"})

    html = response.content.decode()
    assert "NIB sama" in html
    assert "wilayah lain" in html
    assert theirs.get_absolute_url() not in html
    assert theirs.name not in html


def test_the_live_duplicate_check_takes_the_nik_by_post_never_in_a_url(client, coordinator_a, kec_a):
    owner = make_owner(kec_a)
    business = make_business(kec_a, owner=owner)
    client.force_login(coordinator_a)

    page = client.get(REGISTER).content.decode()
    found = client.post(DUPLICATES, {"owner-nik": owner.nik, "business-desa": "bukan-angka"})
    in_url = client.get(DUPLICATES, {"owner-nik": owner.nik})

    assert f'hx-post="{DUPLICATES}"' in page
    assert f'hx-get="{DUPLICATES}"' not in page
    assert found.status_code == 200
    assert business.get_absolute_url() in found.content.decode()
    assert in_url.status_code == 405


def test_the_duplicate_check_needs_the_csrf_token(coordinator_a, kec_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator_a)

    assert client.post(DUPLICATES, {"owner-nik": make_owner(kec_a).nik}).status_code == 403


def test_same_nik_attaches_a_second_business_to_the_owner(client, coordinator_a, kec_a):
    owner = make_owner(kec_a)
    client.force_login(coordinator_a)
    desa = kec_a.desa_set.first()

    response = client.post(
        REGISTER,
        registration(desa, **{"owner-nik": owner.nik, "business-name": "Usaha Kedua", "confirm_duplicates": "yes"}),
    )

    assert response.status_code == 302
    assert Owner.objects.count() == 1
    assert Business.objects.get().owner == owner


def test_nik_disagreeing_with_sex_warns_after_saving(client, coordinator_a, kec_a):
    client.force_login(coordinator_a)

    response = client.post(REGISTER, registration(kec_a.desa_set.first(), **{"owner-sex": "L"}), follow=True)

    assert "Jenis kelamin yang diisi berbeda dengan NIK" in response.content.decode()
    assert Business.objects.exists()


def test_hostile_photo_is_refused_without_a_500(client, coordinator_a, kec_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(coordinator_a)
    svg = SimpleUploadedFile("x.jpg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')

    response = client.post(REGISTER, registration(kec_a.desa_set.first(), **{"product-0-photos": svg}))

    assert response.status_code == 400
    assert "bukan foto" in response.content.decode()
    assert not Business.objects.exists()
    assert not ProductPhoto.objects.exists()


def test_draft_is_kept_on_the_server_and_resumed(client, coordinator_a, kec_a):
    client.force_login(coordinator_a)
    data = {"owner-name": "Siti Aminah", "business-name": "Jenang Jagung"}

    client.post(DRAFT, data)
    draft = RegistrationDraft.objects.get()
    client.post(DRAFT, data | {"draft": draft.pk, "owner-nik": "3515124507850001"})
    page = client.get(REGISTER, {"draft": draft.pk}).content.decode()

    assert RegistrationDraft.objects.get().data["owner-nik"] == "3515124507850001"
    assert 'value="Jenang Jagung"' in page
    assert 'value="3515124507850001"' in page


def test_a_draft_is_private_to_its_author(client, coordinator_a, coordinator_b, kec_a):
    draft = RegistrationDraft.objects.create(user=coordinator_a, data={"owner-name": "Rahasia"})
    client.force_login(coordinator_b)

    assert client.get(REGISTER, {"draft": draft.pk}).status_code == 404
    assert client.post(DRAFT, {"draft": draft.pk, "owner-name": "Diubah"}).status_code == 204
    assert RegistrationDraft.objects.get().data == {"owner-name": "Rahasia"}


def test_saving_the_registration_removes_its_draft(client, coordinator_a, kec_a):
    client.force_login(coordinator_a)
    draft = RegistrationDraft.objects.create(user=coordinator_a, data={"owner-name": "Siti"})

    client.post(REGISTER, registration(kec_a.desa_set.first(), draft=draft.pk))

    assert not RegistrationDraft.objects.exists()


def test_bank_officers_do_not_register(client, bank_officer):
    # Coordinators and the dinas register (tests/test_dinas_member_work.py); a bank officer may not.
    client.force_login(bank_officer)

    assert client.get(REGISTER).status_code == 403
    assert client.post(DRAFT, {"owner-name": "x"}).status_code == 403


#
# Editing
#


def edit_data(business, **overrides):
    data = {
        "name": business.name,
        "desa": business.desa_id,
        "category": business.category,
        "legal_form": business.legal_form,
        "workers_male": "1",
        "workers_female": "1",
        "version": business.version,
    }
    return data | overrides


def test_coordinator_edits_own_member(client, coordinator_a, kec_a):
    business = make_business(kec_a)
    client.force_login(coordinator_a)

    response = client.post(
        reverse("registry:business_update", args=[business.pk]), edit_data(business, name="Nama Baru")
    )

    business.refresh_from_db()
    assert response.status_code == 302
    assert (business.name, business.version) == ("Nama Baru", 2)


def test_coordinator_cannot_edit_or_move_into_another_kecamatan(client, coordinator_a, kec_a, kec_b):
    mine, theirs = make_business(kec_a), make_business(kec_b)
    client.force_login(coordinator_a)

    moved = client.post(
        reverse("registry:business_update", args=[mine.pk]), edit_data(mine, desa=kec_b.desa_set.first().pk)
    )
    other = client.get(reverse("registry:business_update", args=[theirs.pk]))

    assert moved.status_code == 400
    assert other.status_code == 404
    assert Business.objects.get(pk=mine.pk).kecamatan == kec_a


def test_second_editor_is_refused_with_the_first_editors_name(client, coordinator_a, kec_a):
    business = make_business(kec_a)
    coordinator_a.first_name, coordinator_a.last_name = "Ike", "Retno"
    coordinator_a.save()
    client.force_login(coordinator_a)
    url = reverse("registry:business_update", args=[business.pk])
    client.post(url, edit_data(business, name="Perubahan Pertama"))

    stale = client.post(url, edit_data(business, name="Perubahan Kedua", version=1))

    assert stale.status_code == 409
    assert "sudah diubah oleh Ike Retno" in stale.content.decode()
    assert Business.objects.get(pk=business.pk).name == "Perubahan Pertama"


def test_another_kabupatens_dinas_may_not_edit(client, dinas_other, kec_a):
    # The dinas edits its own kabupaten's members (tests/test_dinas_member_work.py); another's answer 404.
    business = make_business(kec_a)
    client.force_login(dinas_other)

    assert client.get(reverse("registry:business_update", args=[business.pk])).status_code == 404


def test_registration_with_a_scan_and_export_values(client, coordinator_a, coordinator_b, kec_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(coordinator_a)
    pdf = SimpleUploadedFile("surat ijin ../../x.pdf", hostile.pdf(), content_type="application/pdf")
    data = registration(
        kec_a.desa_set.first(),
        **{
            "document-0-scan": pdf,
            "export-0-country": "MY",
            "export-0-value": "Rp 50 juta",
        },
    )

    response = client.post(REGISTER, data)

    business = Business.objects.get()
    document = business.documents.get()
    assert response.status_code == 302
    assert document.scan.name.startswith("documents/")
    assert document.scan.name.endswith(".pdf")
    assert ".." not in document.scan.name
    export = business.exports.get()
    assert (export.country, export.value, export.year, export.country_name) == ("MY", 50_000_000, 2026, "Malaysia")
    scan_url = reverse("registry:legaldocument_scan", args=[document.pk])
    assert client.get(scan_url)["Content-Type"] == "application/pdf"
    client.force_login(coordinator_b)
    assert client.get(scan_url).status_code == 404


def test_html_renamed_pdf_scan_is_refused(client, coordinator_a, kec_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(coordinator_a)
    fake = SimpleUploadedFile("nib.pdf", b"<html><script>alert(1)</script></html>")

    response = client.post(REGISTER, registration(kec_a.desa_set.first(), **{"document-0-scan": fake}))

    assert response.status_code == 400
    assert "bukan foto" in response.content.decode()
    assert not Business.objects.exists()


def test_late_autosave_after_saving_writes_nothing(client, coordinator_a, kec_a):
    client.force_login(coordinator_a)
    draft = RegistrationDraft.objects.create(user=coordinator_a, data={"owner-name": "Siti"})
    client.post(REGISTER, registration(kec_a.desa_set.first(), draft=draft.pk))

    late = client.post(DRAFT, {"draft": draft.pk, "owner-name": "Siti Aminah"})

    assert late.status_code == 204
    assert not RegistrationDraft.objects.exists()


def test_an_admins_correction_is_not_overwritten_by_a_form_opened_before_it(
    client, rf, coordinator_a, portal_admin, kec_a
):
    """Issue 17: an admin's edit did not move `version`, so a coordinator's stale form overwrote it."""
    from django.contrib import admin

    business = make_business(kec_a, name="Keripik Tempe")
    opened = Business.objects.get(pk=business.pk)  # the coordinator opens the edit form
    request = rf.post("/admin/")
    request.user = portal_admin
    corrected = Business.objects.get(pk=business.pk)
    corrected.name = "Keripik Tempe Bu Ani"
    admin.site._registry[Business].save_model(request, corrected, form=None, change=True)  # what the admin does
    client.force_login(coordinator_a)

    stale = client.post(
        reverse("registry:business_update", args=[business.pk]), edit_data(opened, name="Keripik Tempe Enak")
    )

    assert stale.status_code == 409
    assert "sudah diubah oleh" in stale.content.decode()
    assert Business.objects.get(pk=business.pk).name == "Keripik Tempe Bu Ani"


def test_every_save_of_a_business_or_an_owner_moves_its_version(kec_a):
    business = make_business(kec_a)
    business.name = "Nama Baru"
    business.save()
    business.owner.name = "Pemilik Baru"
    business.owner.save(update_fields=["name"])

    assert Business.objects.get(pk=business.pk).version == 2
    assert Owner.objects.get(pk=business.owner_id).version == 2


#
# Discarding a draft
#


def test_a_draft_is_discarded_after_a_confirmation(client, coordinator_a, kec_a):
    draft = RegistrationDraft.objects.create(user=coordinator_a, data={"business-name": "Jenang Jagung"})
    discard = reverse("registry:registrationdraft_delete", args=[draft.pk])
    client.force_login(coordinator_a)

    register_page = client.get(REGISTER, {"draft": draft.pk}).content.decode()
    confirmation = client.get(discard)

    assert f'href="{discard}"' in register_page
    assert confirmation.status_code == 200
    assert "Jenang Jagung" in confirmation.content.decode()
    assert RegistrationDraft.objects.filter(pk=draft.pk).exists()  # asking is not discarding
    response = client.post(discard, follow=True)
    assert not RegistrationDraft.objects.filter(pk=draft.pk).exists()
    assert response.redirect_chain[-1][0] == REGISTER
    assert "Draf Jenang Jagung dibuang." in response.content.decode()


def test_another_persons_draft_cannot_be_discarded(client, coordinator_a, coordinator_b, bank_officer, kec_a):
    draft = RegistrationDraft.objects.create(user=coordinator_a, data={"owner-name": "Rahasia"})
    discard = reverse("registry:registrationdraft_delete", args=[draft.pk])

    client.force_login(coordinator_b)
    assert client.get(discard).status_code == 404
    assert client.post(discard).status_code == 404
    client.force_login(bank_officer)  # may not register: a wrong role
    assert client.post(discard).status_code == 403
    assert RegistrationDraft.objects.filter(pk=draft.pk).exists()
