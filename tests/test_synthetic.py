"""The benchmark's data generator: realistic rows in proportion, and a second run that tops up."""

import datetime

from django.core.management import call_command

from programs.models import CurationSubmission, Enrollment, Training
from programs.models.market import Listing, ListingConsent
from registry import roles
from registry.demo import SOURCE_KABUPATEN
from registry.models import Business, LegalDocument, Owner, Product, ProductPhoto, YearlyFigure
from registry.services import load_regions
from tests.factories import make_user


def test_generate_data_fills_the_source_districts_in_proportion_and_tops_up(db, capsys):
    load_regions(SOURCE_KABUPATEN)
    make_user(roles.ADMIN, username="admin-generator")

    call_command("generate_data", businesses=400)
    call_command("generate_data", businesses=500)

    generated = Business.objects.filter(source_ref="sintetis")
    assert generated.count() == 500
    assert Owner.objects.filter(source_ref="sintetis").count() == 500
    assert YearlyFigure.objects.filter(business__in=generated).count() == 1000
    assert Product.objects.filter(business__in=generated).count() == 500
    assert LegalDocument.objects.filter(business__in=generated, kind="pirt").exists()
    assert set(generated.values_list("kecamatan__kabupaten", flat=True)) <= set(SOURCE_KABUPATEN)
    assert generated.exclude(size_class="").count() == 500
    assert Training.objects.filter(organiser="sintetis").exists()
    assert Enrollment.objects.filter(business__in=generated).count() == 20  # 5% of the first run
    assert CurationSubmission.objects.filter(product__business__in=generated).exists()
    for owner in Owner.objects.filter(source_ref="sintetis")[:50]:
        owner.full_clean()  # the NIK, sex and birth date agree with the registry's own rules


def test_generate_data_lists_one_product_in_ten_in_the_public_catalogue_and_tops_up(db, capsys):
    load_regions(SOURCE_KABUPATEN)
    make_user(roles.ADMIN, username="admin-generator")

    call_command("generate_data", businesses=400)
    assert Listing.objects.public().count() == 40
    call_command("generate_data", businesses=1000)

    public = Listing.objects.public()
    assert public.count() == 100
    assert Listing.objects.filter(unlisted_at__isnull=False).exists()  # taken down: not public
    assert set(public.values_list("product__business__verification", flat=True)) == {"terverifikasi"}
    listed_businesses = public.values("product__business")
    assert ListingConsent.objects.active().filter(business__in=listed_businesses).count() == 100
    photos = ProductPhoto.objects.filter(product__listing__in=public)
    assert 0 < photos.count() < 100
    assert photos.values("image").distinct().count() <= 4  # rows share a few stored files
    photo = photos.first()
    assert photo.image.storage.exists(photo.image.name)
    assert photo.thumbnail.storage.exists(photo.thumbnail.name)
    documents = LegalDocument.objects.filter(business__in=listed_businesses, kind="halal")
    today = datetime.date.today()
    assert documents.filter(expires_on__lt=today).exists()
    assert documents.filter(expires_on__gte=today).exists()
