import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from lokal import wilayah

from registry.models import Desa, Kabupaten, Kecamatan, Provinsi
from registry.services import load_regions


def test_load_regions_loads_a_whole_kabupaten_from_the_official_list(db):
    load_regions(["35.15"])

    sidoarjo = Kabupaten.objects.get(pk="35.15")
    assert sidoarjo.name == "Kabupaten Sidoarjo"
    assert sidoarjo.provinsi.name == "Jawa Timur"
    assert Kecamatan.objects.filter(kabupaten=sidoarjo).count() == len(wilayah.list_wilayah("35.15")) == 18
    wonokupang = Desa.objects.get(pk="35.15.12.2001")
    assert (wonokupang.name, wonokupang.kind, wonokupang.kecamatan.name) == ("Wonokupang", "desa", "Balongbendo")
    assert wonokupang.postal_code == "61263"


def test_load_regions_is_idempotent_and_refreshes_names(db):
    load_regions(["35.15.12"])
    Desa.objects.filter(pk="35.15.12.2001").update(name="Salah Ketik")
    before = Desa.objects.count()

    load_regions(["35.15.12"])

    assert Desa.objects.count() == before
    assert Desa.objects.get(pk="35.15.12.2001").name == "Wonokupang"


def test_load_regions_accepts_undotted_codes_and_kota(db):
    load_regions(["3578"])

    surabaya = Kabupaten.objects.get(pk="35.78")
    assert surabaya.kind == Kabupaten.Kind.KOTA
    assert Desa.objects.filter(kecamatan__kabupaten=surabaya, kind=Desa.Kind.KELURAHAN).exists()


def test_load_regions_refuses_an_unknown_code(db):
    with pytest.raises(ValueError, match="tidak dikenal"):
        load_regions(["35.99"])

    assert not Provinsi.objects.exists()


def test_load_regions_command_reports_and_dry_run_writes_nothing(db, capsys):
    call_command("load_regions", "35.29.14", "--dry-run")

    assert "1 provinsi, 1 kabupaten/kota, 1 kecamatan" in capsys.readouterr().out
    assert not Kecamatan.objects.exists()


def test_load_regions_command_unknown_code_is_a_clear_error(db):
    with pytest.raises(CommandError, match="tidak dikenal"):
        call_command("load_regions", "99.99")


def test_whole_country_loads_every_province(db):
    counts = load_regions()

    assert counts[Provinsi] == Provinsi.objects.count() == 38
    assert Kecamatan.objects.count() > 7000
    assert Desa.objects.count() > 80000


def test_search_extensions_come_from_a_migration(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension")
        installed = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT similarity('Wonokupang', 'Wonokupan'), unaccent('Pèrak')")
        similarity, plain = cursor.fetchone()

    assert {"pg_trgm", "unaccent"} <= installed
    assert similarity == pytest.approx(0.75)
    assert plain == "Perak"
