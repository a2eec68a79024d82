import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from programs.models import ExportFacilitation
from programs.services import record_export
from tests.factories import make_business, make_product

YEAR = timezone.localdate().year


def export(**overrides):
    fields = {
        "year": YEAR,
        "country": "MY",
        "buyer": "Kain Nusantara",
        "value": 100_000_000,
        "organiser": "Disperindag",
    }
    return ExportFacilitation(**(fields | overrides))


def test_export_report_by_country_and_category_is_scoped(
    client, dinas_sidoarjo, dinas_other, kec_a, kec_other_kabupaten
):
    batik = make_business(kec_a, category="batik")
    record_export(batik, export(), by=dinas_sidoarjo)
    record_export(batik, export(country="KR", value=50_000_000), by=dinas_sidoarjo)
    record_export(make_business(kec_a, category="makanan"), export(value=25_000_000), by=dinas_sidoarjo)
    record_export(make_business(kec_other_kabupaten), export(country="SA"), by=dinas_other)
    client.force_login(dinas_sidoarjo)

    html = client.get(reverse("programs:export_report")).content.decode()

    assert "Rp 175 juta" in html  # the kabupaten's total, without Sumenep's
    assert "Malaysia" in html
    assert "Korea Selatan" in html
    assert "Arab Saudi" not in html
    assert "Batik dan tenun" in html


def test_export_guards(dinas_sidoarjo, kec_a, kec_b):
    mine, other = make_business(kec_a), make_business(kec_a)

    with pytest.raises(ValidationError, match="bukan milik"):
        record_export(mine, export(product=make_product(other)), by=dinas_sidoarjo)
    with pytest.raises(ValidationError, match="masa depan"):
        record_export(mine, export(year=YEAR + 1), by=dinas_sidoarjo)
    with pytest.raises(ValidationError):
        record_export(mine, export(country="XX"), by=dinas_sidoarjo)
    assert not ExportFacilitation.objects.exists()


def test_export_outside_the_area_is_refused(dinas_other, kec_a):
    with pytest.raises(PermissionDenied):
        record_export(make_business(kec_a), export(), by=dinas_other)


def test_export_form_and_ledger(client, dinas_sidoarjo, kec_a):
    business = make_business(kec_a)
    product = make_product(business, name="Batik tulis")
    client.force_login(dinas_sidoarjo)
    url = reverse("programs:exportfacilitation_create", args=[business.pk])

    bad = client.post(url, {"year": YEAR, "country": "ZZ", "buyer": "", "value": "banyak", "organiser": ""})
    good = client.post(
        url,
        {
            "year": YEAR,
            "country": "JP",
            "buyer": "Tokyo Craft",
            "product": product.pk,
            "value": "Rp 80 juta",
            "organiser": "Disperindag",
        },
    )

    assert bad.status_code == 400
    assert good.status_code == 302
    assert (
        "Batik tulis ke Jepang (Tokyo Craft)</a> · Disperindag"
        in client.get(reverse("programs:business_ledger", args=[business.pk])).content.decode()
    )


def test_coordinator_and_bank_may_not_record_exports(client, coordinator_a, bank_officer, kec_a):
    business = make_business(kec_a)
    for user in (coordinator_a, bank_officer):
        client.force_login(user)
        assert client.get(reverse("programs:exportfacilitation_create", args=[business.pk])).status_code == 403
