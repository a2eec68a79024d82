import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from registry import roles
from registry.demo import SOURCE_KABUPATEN
from registry.services import load_regions


@pytest.fixture
def source_regions(db):
    load_regions(SOURCE_KABUPATEN)


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


def test_demo_groups_have_group_coordinators_who_see_only_their_members(source_regions):
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
