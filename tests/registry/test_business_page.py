"""The business page's one-statement read (registry.business_page) against the ORM's prefetches."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from registry import business_page
from registry.models import AccessLog, Business, BusinessGroup, ExportValue, LegalDocument
from registry.services import add_product_photo
from registry.views import BusinessDetailView
from tests.factories import jpeg_upload, make_business, make_document, make_figure, make_product


def _page(client, business):
    html = client.get(reverse("registry:business_detail", args=[business.pk])).content.decode()
    # Each response masks the CSRF token afresh and carries its own CSP nonce.
    html = re.sub(r"csrfmiddlewaretoken\" value=\"[^\"]+|X-CSRFToken\": \"[^\"]+", "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


@pytest.fixture
def full_business(kec_a, dinas_sidoarjo):
    """A business with every part the page shows, several of each, in an order the queries must restore."""
    business = make_business(kec_a, nib="9120123456789", registered_by=dinas_sidoarjo, address="Jl. Raya 1")
    zebra = make_product(business, name="Zebra kerupuk", price=Decimal("12500"))
    apple = make_product(business, name="Apel malang", packaging="kardus")
    make_product(business, name="Bandeng presto", price=None)
    add_product_photo(apple, upload=jpeg_upload(name="a.jpg"), by=dinas_sidoarjo)
    add_product_photo(apple, upload=jpeg_upload(name="b.jpg"), by=dinas_sidoarjo)
    today = timezone.localdate()
    make_document(business, kind=LegalDocument.Kind.PIRT, number="206351501012324")
    make_document(business, product=zebra, expires_on=today + datetime.timedelta(days=30))
    make_document(
        business,
        product=apple,
        expires_on=today - datetime.timedelta(days=1),
        issued_on=today - datetime.timedelta(days=400),
    )
    make_figure(business, year=2025, revenue=300_000_000, capital=Decimal("50000000"))
    make_figure(business, year=2023, revenue=None, workers=None)
    for name in ("Kelompok Tempe", "Kelompok Batik"):
        business.groups.add(BusinessGroup.objects.create(name=name, kecamatan=kec_a))
    ExportValue.objects.create(business=business, year=2024, country="SG", value=Decimal("150000000"))
    ExportValue.objects.create(business=business, year=2025, country="MY", value=Decimal("90000000"))
    ExportValue.objects.create(business=business, year=2025, country="JP", value=Decimal("1000"))
    return business


def test_one_statement_reads_what_the_prefetches_read(full_business, dinas_sidoarjo):
    queryset = Business.objects.visible_to(dinas_sidoarjo).filter(pk=full_business.pk)
    plain, fast = business_page.plain(queryset), business_page.one_statement(queryset)

    def parts(business):
        return {
            "business": [(f.attname, getattr(business, f.attname)) for f in Business._meta.concrete_fields],
            "owner": business.owner.name,
            "place": (business.desa.name, business.kecamatan.name, business.kecamatan.kabupaten.name),
            "registered_by": business.registered_by.username,
            "products": [
                (p.pk, p.name, p.price, p.created_at, [(ph.pk, ph.image.name, ph.width) for ph in p.photos.all()])
                for p in business.products.all()
            ],
            "documents": [
                (d.pk, d.kind, d.issued_on, d.expires_on, d.product and d.product.name)
                for d in business.documents.all()
            ],
            "figures": [(f.year, f.capital, f.revenue, f.workers, f.size_class) for f in business.yearly_figures.all()],
            "groups": [g.name for g in business.groups.all()],
            "exports": [(e.year, e.country, e.value) for e in business.exports.all()],
        }

    assert parts(fast) == parts(plain)
    assert [e.country for e in fast.exports.all()] == ["JP", "MY", "SG"]
    assert [p.name for p in fast.products.all()] == ["Apel malang", "Bandeng presto", "Zebra kerupuk"]
    assert fast.products.all()[2].price == Decimal("12500")


def test_the_page_renders_exactly_what_the_plain_path_renders(client, full_business, dinas_sidoarjo, monkeypatch):
    client.force_login(dinas_sidoarjo)
    fast = _page(client, full_business)

    monkeypatch.setattr(BusinessDetailView, "load", staticmethod(business_page.plain))
    plain = _page(client, full_business)

    assert fast == plain
    for shown in (
        "Zebra kerupuk",
        "Kelompok Batik, Kelompok Tempe",
        "kedaluwarsa",
        "Singapura",
        "Jl. Raya 1",
    ):
        assert shown in fast


def test_a_bare_business_renders_alike_too(client, kec_a, dinas_sidoarjo, monkeypatch):
    business = make_business(kec_a)
    client.force_login(dinas_sidoarjo)
    fast = _page(client, business)

    monkeypatch.setattr(BusinessDetailView, "load", staticmethod(business_page.plain))

    assert _page(client, business) == fast
    assert "Belum ada produk." in fast


def test_the_page_costs_nine_queries(client, full_business, dinas_sidoarjo, django_assert_num_queries):
    client.force_login(dinas_sidoarjo)
    # session, user, its second-factor devices, the role with the permissions (umkm_portal.security), the
    # area; the business with its parts; the access log; the catalogue section's consents and products.
    # Eighteen before.
    with django_assert_num_queries(9):
        response = client.get(reverse("registry:business_detail", args=[full_business.pk]))
    assert response.status_code == 200
    assert AccessLog.objects.filter(object_id=str(full_business.pk), action="view").count() == 1
