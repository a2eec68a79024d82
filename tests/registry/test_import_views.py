import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registry.models import Business, ImportBatch, ImportColumnMemory
from tests.worker import run_tasks

CSV = b"""Nama Pemilik;NIK;Nama Usaha;Kec.;Desa/Kel;Omset per tahun
Sri Wahyuni;3515.1257.0584.0012;Kue Lumpur Bu Sri;Balong Bendo;wonokupang;120 juta
Budi;3515120301790;Keripik Budi;Balongbendo;Wonokupang;belum tahu
"""


def upload(client, content=CSV, name="data.csv", *, read=True):
    """Post the file as the upload page does; then (`read`) a worker reads it, as `manage.py run_worker` does."""
    response = client.post(reverse("registry:import_upload"), {"file": SimpleUploadedFile(name, content)})
    if read:
        run_tasks()
    return response


def test_a_coordinator_uploads_maps_previews_and_imports_the_valid_rows(client, coordinator_a):
    client.force_login(coordinator_a)

    response = upload(client, read=False)
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("registry:import_mapping", args=[batch.pk])
    reading = client.get(response["Location"]).content.decode()
    run_tasks()  # a worker reads the file: its sheet, header row and rows
    mapping_page = client.get(response["Location"]).content.decode()
    assert 'value="nik" selected' in mapping_page
    mapped = client.post(
        response["Location"],
        {
            "col_0": "owner_name",
            "col_1": "nik",
            "col_2": "business_name",
            "col_3": "kecamatan",
            "col_4": "desa",
            "col_5": "revenue",
        },
    )
    checking = client.get(mapped["Location"]).content.decode()
    run_tasks()  # a worker checks every row
    preview = client.get(mapped["Location"]).content.decode()
    failed_csv = b"".join(client.get(mapped["Location"], {"gagal": "csv"}).streaming_content).decode()
    queued = client.post(mapped["Location"], {"mode": "valid"})
    run_tasks()
    done = client.get(mapped["Location"]).content.decode()

    assert "Sedang dibaca" in reading
    assert "2 baris terbaca (judul kolom di baris 1)" in mapping_page
    assert "Sedang diperiksa" in checking
    assert 'data-count="valid">1<' in preview
    assert "NIK harus 16 digit" in preview
    assert "yang diisi 13 digit." in failed_csv.splitlines()[1]
    assert queued["Location"] == batch.get_absolute_url()
    assert "1 baru, 0 diperbarui, 0 tidak berubah, 1 gagal" in done
    assert Business.objects.get().name == "Kue Lumpur Bu Sri"
    assert ImportColumnMemory.objects.filter(user=coordinator_a, header="omset per tahun", target="revenue").exists()
    assert client.post(mapped["Location"], {"mode": "valid"})["Location"] == batch.get_absolute_url()  # once only
    assert Business.objects.count() == 1


def test_an_upload_in_english_is_read_and_checked_in_english(client, coordinator_a):
    """Before: the worker wrote every row's error in its own language, Indonesian, for an English reader."""
    from django.conf import settings

    client.force_login(coordinator_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = upload(client)
    mapping = {"col_0": "owner_name", "col_1": "nik", "col_2": "business_name", "col_3": "kecamatan", "col_4": "desa"}
    mapped = client.post(response["Location"], {**mapping, "col_5": "revenue"})
    run_tasks()
    preview = client.get(mapped["Location"]).content.decode()

    assert ImportBatch.objects.get().language == "en"
    assert "The NIK must be 16 digits; 13 digits were entered." in preview
    assert "NIK harus 16 digit" not in preview


def test_all_or_nothing_writes_nothing_and_says_so(client, coordinator_a):
    client.force_login(coordinator_a)
    upload(client)
    batch = ImportBatch.objects.get()

    client.post(batch.get_absolute_url(), {"mode": "all"})
    run_tasks()
    response = client.get(batch.get_absolute_url())

    assert "Tidak ada yang diimpor" in response.content.decode()
    assert not Business.objects.exists()


def test_bad_files_and_mappings_get_indonesian_messages_and_write_nothing(client, coordinator_a):
    client.force_login(coordinator_a)

    assert "Unggah berkas .xlsx atau .csv" in upload(client, b"%PDF", "data.pdf").content.decode()
    assert "tidak dapat dibaca" in upload(client, b"bukan excel", "data.xlsx").content.decode()
    assert not ImportBatch.objects.exists()
    # A zip that is no workbook passes the upload's glance; the worker that reads it says why.
    damaged = upload(client, b"PK\x03\x04 bukan excel", "rusak.xlsx")
    page = client.get(damaged["Location"]).content.decode()
    assert "Berkas Excel tidak dapat dibaca" in page
    assert ImportBatch.objects.get().status == ImportBatch.Status.UNREADABLE
    ImportBatch.objects.all().delete()
    upload(client)
    batch = ImportBatch.objects.get()
    twice = client.post(reverse("registry:import_mapping", args=[batch.pk]), {"col_0": "nik", "col_1": "nik"})
    assert twice.status_code == 400
    assert "lebih dari satu kolom" in twice.content.decode()
    assert not Business.objects.exists()


def test_imports_belong_to_their_uploader_and_need_the_permission(client, coordinator_a, coordinator_b, bank_officer):
    client.force_login(coordinator_a)
    upload(client)
    batch = ImportBatch.objects.get()

    client.force_login(coordinator_b)
    assert client.get(batch.get_absolute_url()).status_code == 404
    client.force_login(bank_officer)
    assert client.get(reverse("registry:import_upload")).status_code == 403


def many_rows(count, start=0):
    lines = ["Nama pemilik,NIK,Nama usaha,Kecamatan,Desa,Omzet"]
    for i in range(start, start + count):
        lines.append(
            f"Pemilik {i},3515120101{80 + i % 10:02d}{i + 1:04d},Usaha {i},Balongbendo,Wonokupang,{1_000_000 + i}"
        )
    return ("\n".join(lines) + "\n").encode()


def test_an_import_is_queued_once_shows_progress_and_a_worker_finishes_it(client, coordinator_a):
    from django_tasks_db.models import DBTaskResult

    from reports.models import Tally, TallyDirty

    client.force_login(coordinator_a)
    upload(client, many_rows(5))
    batch = ImportBatch.objects.get()

    queued = client.post(batch.get_absolute_url(), {"mode": "all"}, follow=True)
    again = client.post(batch.get_absolute_url(), {"mode": "all"}, follow=True)
    poll = client.get(batch.get_absolute_url(), headers={"HX-Request": "true"})

    imports = DBTaskResult.objects.filter(task_path="registry.tasks.import_batch")
    assert imports.count() == 1  # one task, however often the button is pressed
    assert "5 baris sedang diimpor" in queued.content.decode()
    assert "Menunggu" in queued.content.decode()
    assert "sudah diimpor atau sedang diimpor" in again.content.decode()
    assert f'hx-get="{batch.get_absolute_url()}"' in poll.content.decode()
    assert not Business.objects.exists()

    run_tasks()

    batch.refresh_from_db()
    assert (batch.status, batch.processed_rows, batch.summary["created"]) == (ImportBatch.Status.DONE, 5, 5)
    assert Business.objects.count() == 5
    ended = client.get(batch.get_absolute_url(), headers={"HX-Request": "true"})
    assert ended.headers["HX-Refresh"] == "true"  # the polling part has the page show the outcome
    assert "5 baru" in client.get(batch.get_absolute_url()).content.decode()
    # The dashboard's summary caught up at the end of the import, so no dashboard view has to.
    assert not TallyDirty.objects.exists()
    assert sum(Tally.objects.filter(kecamatan="35.15.12", measure="all").values_list("n", flat=True)) == 5


def test_a_crash_mid_import_keeps_the_chunks_done_and_a_retry_finishes_without_doubles(
    client, coordinator_a, monkeypatch
):
    from registry import imports
    from registry.import_jobs import queue_import

    client.force_login(coordinator_a)
    upload(client, many_rows(3))
    batch = ImportBatch.objects.get()
    monkeypatch.setattr(imports, "CHUNK_ROWS", 1)
    save, calls = imports._Plan.save, []

    def crash_on_the_second_chunk(plan, by):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("listrik padam")
        return save(plan, by)

    monkeypatch.setattr(imports._Plan, "save", crash_on_the_second_chunk)
    queue_import(batch, all_or_nothing=False)
    run_tasks()
    batch.refresh_from_db()

    assert batch.status == ImportBatch.Status.FAILED
    assert "gagal di tengah jalan" in client.get(batch.get_absolute_url(), follow=True).content.decode()
    assert Business.objects.count() == 1

    client.post(batch.get_absolute_url(), {"mode": "valid"})
    run_tasks()

    assert ImportBatch.objects.get().status == ImportBatch.Status.DONE
    assert sorted(Business.objects.values_list("name", flat=True)) == ["Usaha 0", "Usaha 1", "Usaha 2"]


def test_an_import_costs_the_same_queries_for_twenty_rows_as_for_four_hundred(coordinator_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registry.imports import check_rows, guess_mapping, import_rows, read_sheet

    def queries(content):
        headers, rows = read_sheet(content, "a.csv")
        results = check_rows(headers, rows, guess_mapping(headers), coordinator_a)
        with CaptureQueriesContext(connection) as captured:
            summary = import_rows(results, by=coordinator_a, filename="a.csv", all_or_nothing=True)
        assert summary.created == len(rows)
        return len(captured)

    from registry.roles import role_of

    role_of(coordinator_a)  # read once per user object (the area door asks it), not once per import
    assert queries(many_rows(20)) == queries(many_rows(400, start=20))


def test_rows_refused_while_writing_are_listed_and_downloadable_afterwards(client, coordinator_a, kec_b):
    from tests.factories import make_business

    make_business(kec_b, national_id="SIDT-1")
    client.force_login(coordinator_a)
    upload(
        client,
        b"Nama pemilik,NIK,Nama usaha,Kecamatan,Desa,ID SIDT\n"
        b"Sri,3515125705840012,Kue Sri,Balongbendo,Wonokupang,SIDT-1\n"
        b"Tono,3515120301790007,Es Dawet,Balongbendo,Wonokupang,\n",
    )
    batch = ImportBatch.objects.get()

    client.post(batch.get_absolute_url(), {"mode": "valid"})
    run_tasks()
    page = client.get(batch.get_absolute_url()).content.decode()
    failed_csv = b"".join(client.get(batch.get_absolute_url(), {"gagal": "csv"}).streaming_content).decode()

    assert "1 baru, 0 diperbarui, 0 tidak berubah, 1 gagal" in page
    assert "Usaha dengan ID SIDT atau NIB ini terdaftar di luar wilayah kerja Anda." in page
    assert "Usaha dengan ID SIDT atau NIB ini terdaftar di luar wilayah kerja Anda." in failed_csv.splitlines()[1]


def test_the_mapping_page_offers_the_workbooks_sheets_and_reads_the_one_chosen(client, coordinator_a):
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Petunjuk"
    book.active.append(["Isi satu baris per usaha."])
    data = book.create_sheet("Data")
    data.append(["DATA UMKM KECAMATAN BALONGBENDO"])
    data.append(["Nama pemilik", "NIK", "Nama usaha", "Kecamatan", "Desa"])
    data.append(["Sri", "3515125705840012", "Kue Sri", "Balongbendo", "Wonokupang"])
    recap = book.create_sheet("Rekap")
    recap.append(["Kecamatan", "Jumlah"])
    out = io.BytesIO()
    book.save(out)
    client.force_login(coordinator_a)

    upload(client, out.getvalue(), "umkm.xlsx")
    batch = ImportBatch.objects.get()
    page = client.get(reverse("registry:import_mapping", args=[batch.pk])).content.decode()
    client.post(reverse("registry:import_mapping", args=[batch.pk]), {"sheet": "Rekap"})
    assert ImportBatch.objects.get().status == ImportBatch.Status.READING
    run_tasks()
    batch.refresh_from_db()

    assert 'data-testid="sheet-form"' in page
    assert '<option value="Data" selected>Data</option>' in page
    assert (batch.sheet, batch.headers, batch.total_rows) == ("Rekap", ["Kecamatan", "Jumlah"], 0)
    assert client.post(reverse("registry:import_mapping", args=[batch.pk]), {"sheet": "Lain"}).status_code == 302
    batch.refresh_from_db()
    assert batch.sheet == "Rekap"  # a sheet the workbook does not have changes nothing


def test_no_page_opens_the_import_file_and_each_costs_a_fixed_number_of_queries(
    client, coordinator_a, monkeypatch, django_assert_num_queries
):
    from django.db.models.fields.files import FieldFile

    client.force_login(coordinator_a)
    opened = []
    real_open = FieldFile.open

    def watched_open(self, *args, **kwargs):
        opened.append(self.name)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(FieldFile, "open", watched_open)
    upload(client, many_rows(300), read=False)
    batch = ImportBatch.objects.get()
    mapping_url = reverse("registry:import_mapping", args=[batch.pk])
    client.get(mapping_url)
    assert opened == []  # stored and queued: a worker reads it
    run_tasks()
    opened.clear()

    with django_assert_num_queries(MAPPING_QUERIES):
        mapping_page = client.get(mapping_url)
    mapped = client.post(
        mapping_url,
        {"col_0": "owner_name", "col_1": "nik", "col_2": "business_name"}
        | {"col_3": "kecamatan", "col_4": "desa", "col_5": "revenue"},
    )
    assert opened == []
    run_tasks()
    opened.clear()
    with django_assert_num_queries(PREVIEW_QUERIES):
        preview = client.get(mapped["Location"])

    assert opened == []
    assert "300 baris terbaca" in mapping_page.content.decode()
    assert 'data-count="valid">300<' in preview.content.decode()


# The same however many rows the file has: the pages read the batch, never the file.
MAPPING_QUERIES = 4
PREVIEW_QUERIES = 4


def test_a_sheet_of_more_rows_than_one_import_takes_is_refused_by_the_worker_that_reads_it(
    client, coordinator_a, monkeypatch
):
    import io

    from openpyxl import Workbook

    from registry import imports

    monkeypatch.setattr(imports, "MAX_IMPORT_ROWS", 20)
    client.force_login(coordinator_a)

    too_many = upload(client, many_rows(21))
    page = client.get(too_many["Location"]).content.decode()
    assert "Berkas berisi lebih dari 20 baris; satu impor paling banyak 20 baris." in page
    assert ImportBatch.objects.get().status == ImportBatch.Status.UNREADABLE
    assert upload(client, many_rows(20), name="pas.csv").status_code == 302
    assert ImportBatch.objects.get(filename="pas.csv").total_rows == 20

    book = Workbook()
    for line in many_rows(60).decode().splitlines():  # reading stops at the 53rd filled line
        book.active.append(line.split(","))
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ValidationError, match="lebih dari 20 baris"):
        imports.read_sheet(out.getvalue(), "umkm.xlsx")
