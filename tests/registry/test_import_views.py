from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registry.models import Business, ImportBatch, ImportColumnMemory

CSV = b"""Nama Pemilik;NIK;Nama Usaha;Kec.;Desa/Kel;Omset per tahun
Sri Wahyuni;3515.1257.0584.0012;Kue Lumpur Bu Sri;Balong Bendo;wonokupang;120 juta
Budi;3515120301790;Keripik Budi;Balongbendo;Wonokupang;belum tahu
"""


def upload(client, content=CSV, name="data.csv"):
    return client.post(reverse("registry:import_upload"), {"file": SimpleUploadedFile(name, content)})


def test_a_coordinator_uploads_maps_previews_and_imports_the_valid_rows(client, coordinator_a):
    client.force_login(coordinator_a)

    response = upload(client)
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("registry:import_mapping", args=[batch.pk])
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
    preview = client.get(mapped["Location"]).content.decode()
    failed_csv = client.get(mapped["Location"], {"gagal": "csv"}).content.decode()
    done = client.post(mapped["Location"], {"mode": "valid"})

    assert 'data-count="valid">1<' in preview
    assert "NIK harus 16 digit" in preview
    assert "yang diisi 13 digit." in failed_csv.splitlines()[1]
    assert done["Location"] == reverse("registry:business_list")
    assert Business.objects.get().name == "Kue Lumpur Bu Sri"
    assert ImportColumnMemory.objects.filter(user=coordinator_a, header="omset per tahun", target="revenue").exists()
    assert client.post(mapped["Location"], {"mode": "valid"})["Location"] == batch.get_absolute_url()  # once only
    assert Business.objects.count() == 1


def test_all_or_nothing_writes_nothing_and_says_so(client, coordinator_a):
    client.force_login(coordinator_a)
    upload(client)
    batch = ImportBatch.objects.get()

    response = client.post(batch.get_absolute_url(), {"mode": "all"}, follow=True)

    assert "Tidak ada yang diimpor" in response.content.decode()
    assert not Business.objects.exists()


def test_bad_files_and_mappings_get_indonesian_messages_and_write_nothing(client, coordinator_a):
    client.force_login(coordinator_a)

    assert "Unggah berkas .xlsx atau .csv" in upload(client, b"%PDF", "data.pdf").content.decode()
    assert "tidak dapat dibaca" in upload(client, b"bukan excel", "data.xlsx").content.decode()
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
