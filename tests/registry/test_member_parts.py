import datetime

import pytest
from django.urls import reverse

from registry.models import Business, LegalDocument, Owner, YearlyFigure
from tests.factories import jpeg_upload, make_business, make_figure, make_product


def url(name, business):
    return reverse(f"registry:{name}", args=[business.pk])


def test_coordinator_adds_a_product_with_photos(client, coordinator_a, kec_a):
    business = make_business(kec_a)
    client.force_login(coordinator_a)

    response = client.post(
        url("product_create", business),
        {
            "name": "Kerupuk lele",
            "category": "makanan",
            "price": "Rp 15.000",
            "unit": "pak",
            "photos": [jpeg_upload(), jpeg_upload()],
        },
    )

    assert response.status_code == 302
    product = business.products.get()
    assert (product.name, product.price, product.photos.count()) == ("Kerupuk lele", 15000, 2)


def test_bad_product_input_writes_nothing(client, coordinator_a, kec_a):
    business = make_business(kec_a)
    client.force_login(coordinator_a)

    response = client.post(url("product_create", business), {"name": "", "category": "makanan", "price": "mahal"})

    assert response.status_code == 400
    assert "Isi jumlah Rupiah" in response.content.decode()
    assert not business.products.exists()


def test_coordinator_adds_a_document_for_one_product(client, coordinator_a, kec_a):
    business = make_business(kec_a)
    product = make_product(business)
    client.force_login(coordinator_a)

    response = client.post(
        url("legaldocument_create", business),
        {"kind": "bpom_md", "number": "BPOM RI MD 224510001234", "product": product.pk},
    )

    assert response.status_code == 302
    document = LegalDocument.objects.get()
    assert (document.number, document.product) == ("MD224510001234", product)


def test_a_document_cannot_point_at_another_business_product(client, coordinator_a, kec_a):
    business, other = make_business(kec_a), make_business(kec_a)
    foreign = make_product(other)
    client.force_login(coordinator_a)

    response = client.post(
        url("legaldocument_create", business), {"kind": "sni", "number": "SNI 01", "product": foreign.pk}
    )

    assert response.status_code == 400
    assert not LegalDocument.objects.exists()


@pytest.mark.parametrize("data", [{}, {"kind": "sni"}, {"number": "SNI 01"}, {"kind": "nib", "number": "  "}])
def test_a_document_without_kind_or_number_is_refused_with_a_message(client, coordinator_a, kec_a, data):
    business = make_business(kec_a)
    client.force_login(coordinator_a)

    response = client.post(url("legaldocument_create", business), data)

    assert response.status_code == 400
    assert "Bidang ini tidak boleh kosong" in response.content.decode()
    assert not LegalDocument.objects.exists()


def test_duplicate_document_number_is_explained(client, coordinator_a, kec_a):
    business = make_business(kec_a)
    LegalDocument.objects.create(business=make_business(kec_a), kind="halal", number="ID35150000012345")
    client.force_login(coordinator_a)

    response = client.post(url("legaldocument_create", business), {"kind": "halal", "number": "ID35150000012345"})

    assert response.status_code == 400
    assert "sudah terdaftar" in response.content.decode()


def test_yearly_figures_are_recorded_and_replaced_per_year(client, coordinator_a, kec_a):
    business = make_business(kec_a)
    make_figure(business, year=2025, revenue=100_000_000)
    client.force_login(coordinator_a)

    response = client.post(url("yearlyfigure_record", business), {"year": "2025", "revenue": "3 miliar", "capital": ""})

    assert response.status_code == 302
    figure = YearlyFigure.objects.get(business=business)
    assert (figure.revenue, figure.size_class) == (3_000_000_000, "kecil")
    assert Business.objects.get(pk=business.pk).size_class == "kecil"


def test_future_year_is_refused(client, coordinator_a, kec_a):
    business = make_business(kec_a)
    client.force_login(coordinator_a)

    response = client.post(url("yearlyfigure_record", business), {"year": "2999", "revenue": "1000000"})

    assert response.status_code == 400
    assert not YearlyFigure.objects.exists()


def test_owner_update_with_optimistic_lock(client, coordinator_a, kec_a):
    business = make_business(kec_a)
    owner = business.owner
    data = {
        "name": "Nama Terkoreksi",
        "nik": owner.nik,
        "sex": owner.sex,
        "birth_date": owner.birth_date.isoformat(),
        "phone": "0813 1111 2222",
        "desa": owner.desa_id,
        "version": "1",
    }
    client.force_login(coordinator_a)

    first = client.post(url("owner_update", business), data)
    stale = client.post(url("owner_update", business), data | {"name": "Nama Lain"})

    owner.refresh_from_db()
    assert first.status_code == 302
    assert stale.status_code == 400
    assert "sudah diubah oleh" in stale.content.decode()
    assert (owner.name, owner.phone, owner.version) == ("Nama Terkoreksi", "+6281311112222", 2)


def test_owner_edit_form_never_shows_the_full_nik_and_keeps_it_when_left_empty(client, coordinator_a, kec_a):
    business = make_business(kec_a)
    owner = business.owner
    client.force_login(coordinator_a)

    page = client.get(url("owner_update", business)).content.decode()
    response = client.post(
        url("owner_update", business),
        {
            "name": "Nama Baru",
            "nik": "",
            "sex": owner.sex,
            "birth_date": owner.birth_date.isoformat(),
            "desa": owner.desa_id,
            "version": "1",
        },
    )

    assert owner.nik not in page
    assert owner.masked_nik in page
    assert response.status_code == 302
    owner.refresh_from_db()
    assert (owner.name, owner.nik) == ("Nama Baru", Owner.objects.get(pk=owner.pk).nik)
    assert owner.nik == business.owner.nik


def test_owner_nik_cannot_take_another_persons_nik(client, coordinator_a, kec_a):
    business, other = make_business(kec_a), make_business(kec_a)
    owner = business.owner
    data = {
        "name": owner.name,
        "nik": other.owner.nik,
        "sex": owner.sex,
        "birth_date": owner.birth_date.isoformat(),
        "desa": owner.desa_id,
        "version": "1",
    }
    client.force_login(coordinator_a)

    response = client.post(url("owner_update", business), data)

    assert response.status_code == 400
    assert "NIK ini sudah terdaftar" in response.content.decode()
    assert Owner.objects.get(pk=owner.pk).nik == owner.nik


def test_dinas_sets_guidance_and_flagship(client, dinas_sidoarjo, kec_a):
    business = make_business(kec_a)
    client.force_login(dinas_sidoarjo)

    response = client.post(
        url("business_guidance", business),
        {"guided_by": "Dinas Koperasi dan UMKM Sidoarjo", "guided_since": "2024-01-15", "is_flagship": "on"},
    )

    business.refresh_from_db()
    assert response.status_code == 302
    assert (business.guided_by, business.guided_since, business.is_flagship) == (
        "Dinas Koperasi dan UMKM Sidoarjo",
        datetime.date(2024, 1, 15),
        True,
    )


def test_guidance_date_without_a_dinas_is_refused(client, dinas_sidoarjo, kec_a):
    business = make_business(kec_a)
    client.force_login(dinas_sidoarjo)

    response = client.post(url("business_guidance", business), {"guided_by": "", "guided_since": "2024-01-15"})

    assert response.status_code == 400
    assert "Isi nama dinas pembina" in response.content.decode()


@pytest.mark.parametrize("name", ["product_create", "legaldocument_create", "yearlyfigure_record", "owner_update"])
def test_parts_of_another_kecamatan_answer_404(client, coordinator_a, kec_b, name):
    theirs = make_business(kec_b)
    client.force_login(coordinator_a)

    assert client.get(url(name, theirs)).status_code == 404
    assert client.post(url(name, theirs), {}).status_code == 404


@pytest.mark.parametrize(
    ("who", "name"),
    [
        ("bank_officer", "product_create"),  # the dinas may now (issue 18 item 3)
        ("bank_officer", "owner_update"),
        ("coordinator_a", "business_guidance"),
        ("bank_officer", "yearlyfigure_record"),
    ],
)
def test_wrong_role_gets_403(request, client, kec_a, who, name):
    business = make_business(kec_a)
    client.force_login(request.getfixturevalue(who))

    assert client.get(url(name, business)).status_code == 403


def test_detail_history_shows_changes_to_parts_with_who_and_old_and_new(client, coordinator_a, kec_a):
    business = make_business(kec_a)
    coordinator_a.first_name = "Ike"
    coordinator_a.save()
    client.force_login(coordinator_a)
    client.post(url("yearlyfigure_record", business), {"year": "2024", "revenue": "100 juta"})
    client.post(url("yearlyfigure_record", business), {"year": "2024", "revenue": "3 miliar"})

    html = client.get(reverse("registry:business_history", args=[business.pk])).content.decode()

    assert "data tahunan diubah" in html
    assert "<del>Rp 100.000.000</del> → Rp 3.000.000.000" in html
    assert "Ike" in html


def test_the_history_says_a_scan_was_attached_or_replaced_not_its_stored_name(client, coordinator_a, kec_a):
    """A scan's stored name is random (documents/<uuid>.pdf): the history showed it, and once its hex held
    sixteen digits in a row, which read as a NIK."""
    from django.core.files.base import ContentFile

    from tests.factories import make_document

    business = make_business(kec_a)
    document = make_document(business, kind=LegalDocument.Kind.PIRT)
    document.scan.save("pirt.jpg", ContentFile(jpeg_upload().read()), save=True)
    first = document.scan.name
    document.scan.save("pirt-baru.jpg", ContentFile(jpeg_upload().read()), save=True)
    client.force_login(coordinator_a)

    html = client.get(reverse("registry:business_history", args=[business.pk])).content.decode()

    assert "pindaian: <del>(kosong)</del> → berkas terlampir" in html
    assert "pindaian: <del>berkas lama</del> → berkas baru" in html
    assert first not in html
    assert document.scan.name not in html


def test_the_detail_page_and_the_list_filter_agree_on_what_expires_soon(client, coordinator_a, kec_a):
    """Issue 17: the detail page flagged 183 days while the filter and the dashboard count six months."""
    from django.utils import timezone

    from registry.models import months_ahead
    from tests.factories import make_document

    today = timezone.localdate()
    edge = make_business(kec_a, name="Tepat Enam Bulan")
    make_document(edge, kind=LegalDocument.Kind.PIRT, expires_on=months_ahead(today, 6))
    after = make_business(kec_a, name="Sehari Sesudahnya")
    make_document(after, kind=LegalDocument.Kind.PIRT, expires_on=months_ahead(today, 6) + datetime.timedelta(days=1))
    client.force_login(coordinator_a)

    listed = client.get(reverse("registry:business_list"), {"expiring": "pirt"}).content.decode()
    pages = {b.name: client.get(b.get_absolute_url()).content.decode() for b in (edge, after)}

    assert "Tepat Enam Bulan" in listed
    assert "Sehari Sesudahnya" not in listed
    assert "habis dalam 6 bulan" in pages["Tepat Enam Bulan"]
    assert "habis dalam 6 bulan" not in pages["Sehari Sesudahnya"]
