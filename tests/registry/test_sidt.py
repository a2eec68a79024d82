"""The national SIDT extract: imported with upsert keeping the national record id, exported back in
the same 49 columns."""

import csv
import io

from django.urls import reverse

from registry import sidt
from registry.imports import check_rows, guess_mapping, import_rows, read_sheet
from registry.models import AccessLog, Business, Owner, Product, Source, YearlyFigure
from tests.factories import make_business


def sidt_csv(*rows):
    """A SIDT extract as a province receives it: the 49 columns, comma separated."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=sidt.COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def sidt_row(**overrides):
    row = dict.fromkeys(sidt.COLUMNS, "")
    row |= {
        "id_data_badan_usaha": "SIDT-3515-000123",
        "nik_pengusaha": "3515125705840012",
        "nama_pengusaha": "Sri Wahyuni",
        "jenis_kelamin": "Perempuan",
        "is_disabilitas": "Tidak",
        "tanggal_lahir": "1984-05-17",
        "pendidikan_formal": "SMA/SMK",
        "kontak_hp": "081234567890",
        "prov_pengusaha": "JAWA TIMUR",
        "kab_pengusaha": "KABUPATEN SIDOARJO",
        "kec_pengusaha": "BALONGBENDO",
        "kel_pengusaha": "WONOKUPANG",
        "alamat_pengusaha": "Dusun Krajan",
        "rt_pengusaha": "002",
        "rw_pengusaha": "001",
        "nama_usaha": "Kue Lumpur Bu Sri",
        "kegiatan_utama": "Membuat kue basah",
        "produk_utama": "Kue lumpur",
        "kategori_kbli": "C",
        "kode_kbli": "10792",
        "status_badan_usaha": "Perorangan",
        "skala_usaha": "Usaha Mikro",
        "modal_pendirian": "5000000",
        "bulan_mulai_operasi": "3",
        "tahun_mulai_operasi": "2015",
        "omzet_tahunan": "120000000",
        "asset": "15000000",
        "prov_usaha": "JAWA TIMUR",
        "kab_usaha": "KABUPATEN SIDOARJO",
        "kec_usaha": "BALONGBENDO",
        "kel_usaha": "WONOKUPANG",
        "alamat_usaha": "Jl. Raya Wonokupang 5",
        "rt_usaha": "002",
        "rw_usaha": "001",
        "foto_usaha": "https://sidt.example/foto/123.jpg",
        "alamat_latitude": "-7.4201",
        "alamat_longitude": "112.5533",
        "tk_dibayar_laki": "1",
        "tk_dibayar_perempuan": "2",
        "tk_not_dibayar_perempuan": "1",
        "tk_not_dibayar_disabil_laki": "1",
        "pulled_at": "2026-04-15 08:00:00",
        "updated_at": "2026-04-10 10:00:00",
        "source_page": "17",
    }
    return row | overrides


def run(content, user, all_or_nothing=True):
    headers, rows = read_sheet(content, "sidt-jatim.csv")
    results = check_rows(headers, rows, guess_mapping(headers), user)
    return results, import_rows(results, by=user, filename="sidt-jatim.csv", all_or_nothing=all_or_nothing)


def test_the_extract_maps_itself_and_imports_keeping_the_national_id(coordinator_a):
    results, summary = run(sidt_csv(sidt_row()), coordinator_a)

    assert [r.errors for r in results] == [[]]
    assert (summary.created, summary.failed) == (1, 0)
    business = Business.objects.get()
    assert business.national_id == "SIDT-3515-000123"
    assert (business.source, business.source_ref) == (Source.NATIONAL, "sidt-jatim.csv baris 2")
    assert (business.description, business.start_year, business.kbli_code) == ("Membuat kue basah", 2015, "10792")
    assert (business.workers_male, business.workers_female) == (2, 3)
    assert business.size_class == "mikro"  # from the imported year's sales, without a save()
    assert str(business.latitude) == "-7.420100"
    assert business.national_record["rt_usaha"] == "002"
    assert business.national_record["foto_usaha"] == "https://sidt.example/foto/123.jpg"
    assert not set(business.national_record) & sidt.PERSONAL  # identity stays on the owner only
    owner = business.owner
    assert (owner.education, owner.has_disability, owner.address) == ("sma", False, "Dusun Krajan")
    assert owner.source == Source.NATIONAL
    figure = YearlyFigure.objects.get()
    assert (figure.revenue, figure.assets, figure.reported_size_class, figure.reported_source) == (
        120_000_000,
        15_000_000,
        "mikro",
        "SIDT",
    )
    assert figure.source == Source.NATIONAL
    assert Product.objects.get().name == "Kue lumpur"


def test_a_second_extract_updates_by_national_id_and_the_same_one_writes_nothing(coordinator_a):
    run(sidt_csv(sidt_row()), coordinator_a)
    history = Business.history.count()

    _, again = run(sidt_csv(sidt_row()), coordinator_a)
    _, renamed = run(sidt_csv(sidt_row(nama_usaha="Kue Lumpur Sri", omzet_tahunan="150000000")), coordinator_a)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert (renamed.created, renamed.updated) == (0, 1)
    business = Business.objects.get()
    assert business.name == "Kue Lumpur Sri"
    assert YearlyFigure.objects.get().revenue == 150_000_000
    assert Business.history.count() == history + 1  # the unchanged import left no history either
    assert business.version == 2


def test_a_business_already_registered_with_the_nib_and_name_gets_the_national_id(coordinator_a, kec_a):
    known = make_business(kec_a, name="Kue Bu Sri", nib="1234567890123")
    same = sidt_row(nib="1234567890123", nik_pengusaha=known.owner.nik, nama_usaha="KUE BU SRI")
    other = sidt_row(nib="1234567890123", nik_pengusaha=known.owner.nik, id_data_badan_usaha="SIDT-2")

    results, summary = run(sidt_csv(same, other), coordinator_a)

    # One NIB per owner (OSS): the owner's second national record is a second business under it.
    assert (summary.created, summary.updated) == (1, 1), results[0].errors
    known.refresh_from_db()
    assert known.national_id == "SIDT-3515-000123"
    assert Business.objects.get(national_id="SIDT-2").owner == known.owner


def test_bad_workforce_and_coordinates_keep_the_record_and_name_the_column(coordinator_a):
    rows = [sidt_row(tk_dibayar_laki="dua"), sidt_row(id_data_badan_usaha="SIDT-2", alamat_longitude="")]

    results, summary = run(sidt_csv(*rows), coordinator_a)

    assert [r.errors for r in results] == [[], []]
    assert results[0].warnings == ["Tenaga kerja (tk_dibayar_laki): bukan bilangan bulat; dikosongkan."]
    assert results[1].warnings == ["Lintang dan bujur: hanya satu yang diisi; keduanya dikosongkan."]
    assert summary.created == 2
    assert Business.objects.get(national_id="SIDT-2").latitude is None


def test_a_deleted_business_is_not_revived_by_an_import(coordinator_a, dinas_sidoarjo):
    from registry.services import delete_business

    run(sidt_csv(sidt_row()), coordinator_a)
    delete_business(Business.objects.get(), by=dinas_sidoarjo, reason="Usaha sudah tutup")

    results, summary = run(sidt_csv(sidt_row()), coordinator_a, all_or_nothing=False)

    assert summary.failed == 1
    assert results[0].errors == ["Pemilik dengan NIK ini sudah dihapus; minta admin memulihkannya."]
    assert not Business.objects.exists()


def test_the_export_gives_back_the_49_columns_masked_unless_a_reason_is_given(client, coordinator_a, dinas_sidoarjo):
    run(sidt_csv(sidt_row()), coordinator_a)
    client.force_login(dinas_sidoarjo)

    masked = client.post(reverse("registry:sidt_export"), {})
    refused = client.post(reverse("registry:sidt_export"), {"full_identity": "on", "reason": ""})
    full = client.post(reverse("registry:sidt_export"), {"full_identity": "on", "reason": "Kirim ke SIDT provinsi"})

    header, row = list(csv.reader(io.StringIO(b"".join(masked.streaming_content).decode())))
    assert header == sidt.COLUMNS
    got = dict(zip(header, row, strict=True))
    assert got["id_data_badan_usaha"] == "SIDT-3515-000123"
    assert got["nik_pengusaha"] != "3515125705840012"
    assert got["nik_pengusaha"].startswith("3515")
    assert got["tanggal_lahir"] == ""
    assert (got["kec_usaha"], got["kel_usaha"], got["rt_usaha"]) == ("Balongbendo", "Wonokupang", "002")
    assert (got["omzet_tahunan"], got["asset"], got["skala_usaha"]) == ("120000000", "15000000", "Mikro")
    workers = [got[name] for name in sidt.WORKERS_MALE + sidt.WORKERS_FEMALE]
    assert workers == ["1", "", "", "1", "2", "", "1", ""]  # the national split, as it came
    assert refused.status_code == 400
    assert "minimal 5 huruf" in refused.content.decode()
    _, full_row = list(csv.reader(io.StringIO(b"".join(full.streaming_content).decode())))
    assert full_row[1] == "3515125705840012"
    logs = AccessLog.objects.filter(action=AccessLog.Action.EXPORT).order_by("pk")
    assert [(log.detail["full_identity"], log.detail["reason"]) for log in logs] == [
        (False, ""),
        (True, "Kirim ke SIDT provinsi"),
    ]


def test_the_export_sends_local_worker_counts_when_they_no_longer_match_the_split(coordinator_a, dinas_other):
    run(sidt_csv(sidt_row()), coordinator_a)
    Business.objects.update(workers_male=4)

    rows = list(sidt.export_rows(Business.objects.all(), full_identity=False))

    got = dict(zip(rows[0], rows[1], strict=True))
    assert (got["tk_dibayar_laki"], got["tk_dibayar_perempuan"], got["tk_not_dibayar_perempuan"]) == ("4", "3", "0")


def test_the_export_holds_only_the_users_area(client, coordinator_a, dinas_other):
    run(sidt_csv(sidt_row()), coordinator_a)
    client.force_login(dinas_other)

    response = client.post(reverse("registry:sidt_export"), {})

    assert len(list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))) == 1
    assert Owner.objects.count() == 1
