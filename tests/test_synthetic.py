"""The benchmark's data generator: realistic rows in proportion, and a second run that tops up."""

from django.core.management import call_command

from programs.models import CurationSubmission, Enrollment, Training
from registry import roles
from registry.demo import SOURCE_KABUPATEN
from registry.models import Business, LegalDocument, Owner, Product, YearlyFigure
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
