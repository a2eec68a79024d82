import datetime
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from registry import roles
from registry.demo import SOURCE_KABUPATEN
from registry.models import Business, Kecamatan
from registry.services import load_regions
from reports.models import OfficialCount
from reports.official import end_of_year
from reports.services import load_official_counts
from reports.tally import new_generation, registered_by_year_end
from tests.factories import make_business, make_region, make_user
from tests.reports.test_dashboard import dashboard_for
from tests.worker import run_tasks

UPLOAD = reverse("reports:officialcount_upload")
DASHBOARD = reverse("reports:dashboard")
DEMO_CSV = Path(settings.BASE_DIR) / "reports" / "data" / "open_data_jatim_jateng.csv"
HEADER = "kode_provinsi,nama_provinsi,kode_kabupaten_kota,nama_kabupaten_kota,jumlah_umkm,satuan,tahun"
WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def blora(db):
    return make_region("33.16")


@pytest.fixture
def lamongan(db):
    return make_region("35.24")


@pytest.fixture
def dinas_blora(blora):
    return make_user(roles.DINAS, kabupaten=blora, username="dinas.blora")


@pytest.fixture
def dinas_lamongan(lamongan):
    return make_user(roles.DINAS, kabupaten=lamongan, username="dinas.lamongan")


def csv_bytes(*rows, header=HEADER, separator=",", bom=False):
    text = "\n".join([header, *rows]).replace(",", separator) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


def xlsx_bytes(*rows):
    book = Workbook()
    book.active.append(HEADER.split(","))
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def stored():
    return {(c.kabupaten_id, c.year, c.measure): (c.value, c.unit) for c in OfficialCount.objects.all()}


def register_on(kecamatan, when):
    """A business whose registration time is `when` (WIB)."""
    business = make_business(kecamatan)
    type(business).objects.filter(pk=business.pk).update(created_at=when)
    return business


#
# Loader
#


def test_codes_written_as_numbers_in_a_csv_with_a_bom_load(blora, lamongan, portal_admin):
    content = csv_bytes(
        "33,JAWA TENGAH,3316,KABUPATEN BLORA,13652,UNIT,2023",
        "35,JAWA TIMUR,35.24,Kab. Lamongan,7635,UNIT,2023",
        bom=True,
    )

    result = load_official_counts(content, filename="umkm_2023.csv", by=portal_admin)

    assert result.summary() == "2 loaded, 0 unchanged, 0 refused"
    assert stored() == {("33.16", 2023, "jumlah_umkm"): (13652, "UNIT"), ("35.24", 2023, "jumlah_umkm"): (7635, "UNIT")}
    count = OfficialCount.objects.get(kabupaten=blora)
    assert (count.source, count.loaded_by, count.measure_label) == ("umkm_2023.csv", portal_admin, "Jumlah UMKM")


def test_a_semicolon_table_with_grouped_thousands_loads(blora, portal_admin):
    content = csv_bytes(
        "33;JAWA TENGAH;3316;KABUPATEN BLORA;13.652;UNIT;2023",
        "33;JAWA TENGAH;3316;KABUPATEN BLORA;12.010;UNIT;2022",
        separator=";",
    )

    load_official_counts(content, filename="blora.csv", by=portal_admin)

    assert stored() == {
        ("33.16", 2023, "jumlah_umkm"): (13652, "UNIT"),
        ("33.16", 2022, "jumlah_umkm"): (12010, "UNIT"),
    }


def test_an_xlsx_with_numeric_codes_loads(blora, lamongan, portal_admin):
    content = xlsx_bytes(
        [33, "JAWA TENGAH", 33.16, "KABUPATEN BLORA", 13652, "UNIT", 2023],
        [35, "JAWA TIMUR", 3524, "KABUPATEN LAMONGAN", 7635.0, "UNIT", 2023],
    )

    result = load_official_counts(content, filename="umkm.xlsx", by=portal_admin)

    assert result.loaded == 2
    assert stored()[("35.24", 2023, "jumlah_umkm")] == (7635, "UNIT")


def test_a_code_that_lost_its_trailing_zero_is_refused(portal_admin):
    make_region("35.10")
    content = xlsx_bytes([35, "JAWA TIMUR", 35.1, "KABUPATEN BANYUWANGI", 100, "UNIT", 2023])

    with pytest.raises(ValidationError) as error:
        load_official_counts(content, filename="umkm.xlsx", by=portal_admin)

    assert "kehilangan angka nol" in error.value.messages[0]
    assert OfficialCount.objects.count() == 0


def test_bad_rows_refuse_the_whole_file_with_a_message_per_row(blora, lamongan, portal_admin):
    content = csv_bytes(
        "33,JAWA TENGAH,3316,KABUPATEN BLORA,13652,UNIT,2023",
        "35,JAWA TIMUR,3599,KABUPATEN ENTAH,100,UNIT,2023",
        "35,JAWA TIMUR,3524,KABUPATEN LAMONGAN,tujuh ribu,UNIT,2023",
        "35,JAWA TIMUR,3524,KABUPATEN TUBAN,7635,UNIT,2022",
    )

    with pytest.raises(ValidationError) as error:
        load_official_counts(content, filename="umkm.csv", by=portal_admin)

    assert error.value.messages == [
        "Baris 3: kode kabupaten/kota 35.99 tidak dikenal dalam data Kemendagri.",
        "Baris 4: jumlah “tujuh ribu” bukan bilangan bulat.",
        "Baris 5: nama “KABUPATEN TUBAN” tidak cocok dengan kode 35.24 (Kabupaten Lamongan).",
    ]
    assert OfficialCount.objects.count() == 0  # not even Blora's good row


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("35,JAWA TIMUR,3524,KOTA LAMONGAN,7635,UNIT,2023", "tidak cocok dengan kode 35.24"),
        ("33,JAWA TENGAH,3524,KABUPATEN LAMONGAN,7635,UNIT,2023", "kode provinsi 33 tidak cocok"),
        ("35,JAWA TIMUR,3524,KABUPATEN LAMONGAN,7635.5,UNIT,2023", "bukan bilangan bulat"),
        ("35,JAWA TIMUR,3524,KABUPATEN LAMONGAN,,UNIT,2023", "jumlah kosong"),
        ("35,JAWA TIMUR,3524,KABUPATEN LAMONGAN,7635,UNIT,2099", "tahun “2099” tidak sah"),
    ],
)
def test_each_guard_names_the_row(lamongan, portal_admin, row, message):
    with pytest.raises(ValidationError) as error:
        load_official_counts(csv_bytes(row), filename="umkm.csv", by=portal_admin)

    assert error.value.messages[0].startswith("Baris 2: ")
    assert message in error.value.messages[0]


def test_a_table_without_exactly_one_number_column_is_refused(lamongan, portal_admin):
    header = "kode_provinsi,kode_kabupaten_kota,nama_kabupaten_kota,tahun"
    content = csv_bytes("35,3524,KABUPATEN LAMONGAN,2023", header=header)

    with pytest.raises(ValidationError, match="tepat satu kolom angka"):
        load_official_counts(content, filename="umkm.csv", by=portal_admin)


def test_reloading_the_same_file_changes_nothing_and_a_new_figure_updates_in_place(lamongan, portal_admin):
    first = csv_bytes("35,JAWA TIMUR,3524,KABUPATEN LAMONGAN,7635,UNIT,2023")
    load_official_counts(first, filename="umkm.csv", by=portal_admin)
    loaded_at = OfficialCount.objects.get().loaded_at

    again = load_official_counts(first, filename="umkm.csv", by=portal_admin)
    revised = load_official_counts(
        csv_bytes("35,JAWA TIMUR,3524,KABUPATEN LAMONGAN,7700,UNIT,2023"), filename="revisi.csv", by=portal_admin
    )

    assert again.summary() == "0 loaded, 1 unchanged, 0 refused"
    assert revised.summary() == "1 loaded, 0 unchanged, 0 refused"
    count = OfficialCount.objects.get()
    assert (count.value, count.source) == (7700, "revisi.csv")
    assert count.loaded_at > loaded_at


def test_dinas_of_blora_loads_only_blora_and_is_told_about_lamongan(blora, lamongan, dinas_blora):
    content = csv_bytes(
        "33,JAWA TENGAH,3316,KABUPATEN BLORA,13652,UNIT,2023",
        "35,JAWA TIMUR,3524,KABUPATEN LAMONGAN,7635,UNIT,2023",
        "35,JAWA TIMUR,3507,KABUPATEN MALANG,9999,UNIT,2023",
    )

    result = load_official_counts(content, filename="umkm.csv", by=dinas_blora)

    assert list(stored()) == [("33.16", 2023, "jumlah_umkm")]
    assert result.summary() == "1 loaded, 0 unchanged, 2 refused"
    assert result.refused == [
        "Baris 3: KABUPATEN LAMONGAN (35.24) di luar wilayah Anda; tidak dimuat.",
        "Baris 4: KABUPATEN MALANG (35.07) belum dimuat di portal; tidak dimuat.",
    ]


def test_a_coordinator_may_not_load(blora, kec_a, coordinator_a):
    with pytest.raises(ValidationError, match="tidak berhak"):
        load_official_counts(
            csv_bytes("33,JAWA TENGAH,3316,KABUPATEN BLORA,13652,UNIT,2023"), filename="u.csv", by=coordinator_a
        )


#
# Command
#


def test_the_command_loads_the_demo_table_prints_a_summary_and_reloads_nothing(blora, lamongan, portal_admin, capsys):
    call_command("load_official_counts", str(DEMO_CSV), "--dry-run")
    assert OfficialCount.objects.count() == 0
    assert capsys.readouterr().out.strip().endswith("2 loaded, 0 unchanged, 0 refused (dry run: rolled back)")

    call_command("load_official_counts", str(DEMO_CSV))
    call_command("load_official_counts", str(DEMO_CSV), "--user", "admin.uji")

    out = capsys.readouterr().out.splitlines()
    assert out == ["2 loaded, 0 unchanged, 0 refused", "0 loaded, 2 unchanged, 0 refused"]
    assert stored() == {
        ("33.16", 2023, "jumlah_umkm"): (13652, "PELAKU USAHA"),
        ("35.24", 2023, "jumlah_umkm"): (7635, "ORANG"),
    }


def test_the_command_as_a_dinas_user_and_with_a_bad_file(blora, lamongan, dinas_lamongan, tmp_path, capsys):
    call_command("load_official_counts", str(DEMO_CSV), "--user", "dinas.lamongan")
    assert "1 loaded, 0 unchanged, 1 refused" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes("35,JAWA TIMUR,3524,KABUPATEN LAMONGAN,banyak,UNIT,2023"))

    with pytest.raises(CommandError, match="nothing loaded"):
        call_command("load_official_counts", str(bad), "--user", "dinas.lamongan")

    assert "bukan bilangan bulat" in capsys.readouterr().err


#
# Upload page
#


def test_dinas_uploads_a_table_and_is_sent_to_the_dashboard(client, blora, lamongan, dinas_blora):
    client.force_login(dinas_blora)
    upload = SimpleUploadedFile("umkm.csv", DEMO_CSV.read_bytes(), content_type="text/csv")

    response = client.post(UPLOAD, {"file": upload}, follow=True)

    html = response.content.decode()
    assert response.redirect_chain == [(DASHBOARD, 302)]
    assert "umkm.csv: 1 dimuat, 0 tidak berubah, 1 tidak dimuat." in html
    assert "KABUPATEN LAMONGAN (35.24) di luar wilayah Anda" in html
    assert list(stored()) == [("33.16", 2023, "jumlah_umkm")]


def test_row_errors_are_shown_in_indonesian_and_nothing_is_saved(client, blora, dinas_blora):
    client.force_login(dinas_blora)
    content = csv_bytes("33,JAWA TENGAH,3316,KABUPATEN GROBOGAN,13652,UNIT,2023")

    response = client.post(UPLOAD, {"file": SimpleUploadedFile("umkm.csv", content)})

    assert response.status_code == 400
    assert "Baris 2: nama “KABUPATEN GROBOGAN” tidak cocok dengan kode 33.16 (Kabupaten Blora)." in (
        response.content.decode()
    )
    assert OfficialCount.objects.count() == 0


def test_the_page_lists_only_the_users_own_counts(client, blora, lamongan, dinas_blora, portal_admin):
    load_official_counts(DEMO_CSV.read_bytes(), filename="open_data.csv", by=portal_admin)
    client.force_login(dinas_blora)

    response = client.get(UPLOAD)

    assert response.status_code == 200
    assert [count.kabupaten_id for count in response.context["object_list"]] == ["33.16"]


@pytest.mark.parametrize("who", ["coordinator_a", "bank_officer"])
def test_other_roles_may_not_upload(client, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(UPLOAD).status_code == 403
    assert client.post(UPLOAD, {"file": SimpleUploadedFile("u.csv", b"x")}).status_code == 403


#
# Dashboard
#


def test_the_dashboard_shows_each_year_beside_the_registry_count_at_its_end(client, blora, dinas_blora, portal_admin):
    kecamatan = blora.kecamatan_set.order_by("code").first()
    register_on(kecamatan, datetime.datetime(2022, 6, 1, tzinfo=WIB))
    register_on(kecamatan, datetime.datetime(2023, 12, 31, 23, 30, tzinfo=WIB))  # still 2023 in Blora
    register_on(kecamatan, datetime.datetime(2024, 1, 1, 0, 30, tzinfo=WIB))  # 2023-12-31 17:30 UTC: 2024
    deleted = register_on(kecamatan, datetime.datetime(2023, 3, 1, tzinfo=WIB))
    type(deleted).all_objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    load_official_counts(
        csv_bytes(
            "33,JAWA TENGAH,3316,KABUPATEN BLORA,12010,UNIT,2022", "33,JAWA TENGAH,3316,KABUPATEN BLORA,13652,UNIT,2023"
        ),
        filename="blora.csv",
        by=portal_admin,
    )
    run_tasks()  # the worker recounts the summary the registry's side is read from
    client.force_login(dinas_blora)

    rows = dashboard_for(dinas_blora).official_counts()
    html = client.get(DASHBOARD).content.decode()

    assert [(row.official.year, row.official.value, row.portal, row.difference) for row in rows] == [
        (2022, 12010, 1, -12009),
        (2023, 13652, 2, -13650),
    ]
    assert "Data resmi (open data)" in html
    assert "13.652" in html
    assert "-13.650" in html


def test_the_summary_counts_what_counting_the_businesses_counts(blora, lamongan, dinas_blora, portal_admin):
    kecamatan = blora.kecamatan_set.order_by("code")
    first, second = kecamatan[0], kecamatan[1]
    moments = [(2019, 3, 1, 8), (2021, 12, 31, 23), (2022, 1, 1, 0), (2022, 7, 4, 12), (2023, 12, 31, 22)]
    for n, (year, month, day, hour) in enumerate(moments):
        register_on(first if n % 2 else second, datetime.datetime(year, month, day, hour, 30, tzinfo=WIB))
    deleted = register_on(first, datetime.datetime(2020, 5, 1, tzinfo=WIB))
    type(deleted).all_objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    register_on(lamongan.kecamatan_set.first(), datetime.datetime(2020, 5, 1, tzinfo=WIB))  # another kabupaten
    rows = [f"33,JAWA TENGAH,3316,KABUPATEN BLORA,{10000 + year},UNIT,{year}" for year in range(2018, 2025)]
    load_official_counts(csv_bytes(*rows), filename="blora.csv", by=portal_admin)
    run_tasks()
    years = list(range(2018, 2025))

    summary = registered_by_year_end(Kecamatan.objects.visible_to(dinas_blora), years)
    live = {
        f"y{year}": Business.objects.visible_to(dinas_blora).filter(created_at__lt=end_of_year(year)).count()
        for year in years
    }

    assert summary == {"33.16": live}
    assert live == {"y2018": 0, "y2019": 1, "y2020": 1, "y2021": 2, "y2022": 4, "y2023": 5, "y2024": 5}
    assert [row.portal for row in dashboard_for(dinas_blora).official_counts()] == list(live.values())


def test_admin_sees_every_kabupaten_and_the_kecamatan_filter_picks_one(blora, lamongan, portal_admin):
    load_official_counts(DEMO_CSV.read_bytes(), filename="open_data.csv", by=portal_admin)
    paciran = lamongan.kecamatan_set.get(code="35.24.14")

    everywhere = dashboard_for(portal_admin).official_counts()
    filtered = dashboard_for(portal_admin, kecamatan=paciran.pk).official_counts()

    assert [row.official.kabupaten_id for row in everywhere] == ["33.16", "35.24"]
    assert [(row.official.kabupaten_id, row.official.value) for row in filtered] == [("35.24", 7635)]


def test_other_users_do_not_see_the_figure(client, blora, lamongan, dinas_blora, dinas_lamongan, portal_admin, kec_a):
    load_official_counts(
        csv_bytes("33,JAWA TENGAH,3316,KABUPATEN BLORA,13652,UNIT,2023"), filename="blora.csv", by=portal_admin
    )
    coordinator = make_user(roles.COORDINATOR, kecamatan=blora.kecamatan_set.first())

    assert dashboard_for(dinas_lamongan).official_counts() == []
    assert dashboard_for(coordinator).official_counts() is None
    client.force_login(coordinator)
    assert "Data resmi (open data)" not in client.get(DASHBOARD).content.decode()


def test_loading_counts_refreshes_the_cached_dashboard(client, blora, dinas_blora):
    client.force_login(dinas_blora)
    before = client.get(DASHBOARD).content.decode()

    load_official_counts(
        csv_bytes("33,JAWA TENGAH,3316,KABUPATEN BLORA,13652,UNIT,2023"), filename="blora.csv", by=dinas_blora
    )

    assert "13.652" not in before
    assert "13.652" in client.get(DASHBOARD).content.decode()


def test_dashboard_query_count_does_not_grow_with_the_years_loaded(
    client, blora, dinas_blora, portal_admin, redis_cache
):
    """On Redis: the database cache would add its own few queries to each count."""
    from django.core.cache import cache

    # The summary's generation row, as migration 0009 makes it: a transactional test's flush earlier on this
    # worker takes it away, and without it the dashboard asks for the pending marks in a query of their own.
    new_generation()
    kecamatan = blora.kecamatan_set.order_by("code").first()
    for year in (2021, 2022, 2023):
        register_on(kecamatan, datetime.datetime(year, 5, 1, tzinfo=WIB))
    client.force_login(dinas_blora)
    client.get(DASHBOARD)  # warm caches (content types, permissions)

    def queries():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get(DASHBOARD)
        return len(captured.captured_queries)

    none = queries()
    load_official_counts(
        csv_bytes("33,JAWA TENGAH,3316,KABUPATEN BLORA,13652,UNIT,2023"), filename="a.csv", by=portal_admin
    )
    one = queries()
    rows = [f"33,JAWA TENGAH,3316,KABUPATEN BLORA,{10000 + year},UNIT,{year}" for year in range(2010, 2024)]
    load_official_counts(csv_bytes(*rows), filename="b.csv", by=portal_admin)
    many = queries()

    assert one == many == none + 1  # the counts, and one conditional count for all their years
    assert many <= 28  # with the selling events' two queries and the buyer inquiries' totals (counted live)


def test_the_demo_dashboards_of_blora_and_lamongan_show_the_published_figures(db, capsys):
    load_regions(SOURCE_KABUPATEN)
    call_command("load_demo_data", "--force", "--members", "2")
    call_command("load_official_counts", str(DEMO_CSV))
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    blora = dashboard_for(users.get(username="dinas.blora")).official_counts()
    lamongan = dashboard_for(users.get(username="dinas.lamongan")).official_counts()

    assert [(row.official.year, row.official.value) for row in blora] == [(2023, 13652)]
    assert [(row.official.year, row.official.value) for row in lamongan] == [(2023, 7635)]


def test_the_same_kabupaten_and_year_twice_in_one_file_is_refused(lamongan, portal_admin):
    row = "35,JAWA TIMUR,3524,KABUPATEN LAMONGAN,7635,UNIT,2023"

    with pytest.raises(ValidationError) as error:
        load_official_counts(csv_bytes(row, row), filename="umkm.csv", by=portal_admin)

    assert error.value.messages == ["Baris 3: Kabupaten Lamongan tahun 2023 sudah ada di baris 2."]
