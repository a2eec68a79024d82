import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from programs.models import Enrollment
from registry.models import AccessLog, Business
from reports.impact import training_impact
from reports.jobs import run_job
from reports.models import ReportJob, Snapshot
from reports.services import freeze_snapshot
from tests.factories import make_business, make_figure, make_owner
from tests.worker import run_tasks


def sheet_rows(content):
    workbook = load_workbook(io.BytesIO(content))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


#
# Excel and PDF summary
#


def test_summary_excel_has_the_title_filters_print_date_and_the_dashboards_numbers(client, world, dinas_sidoarjo):
    client.force_login(dinas_sidoarjo)

    response = client.get(
        reverse("reports:summary_xlsx"), {"category": "makanan", "to_date": timezone.localdate().isoformat()}
    )

    rows = sheet_rows(response.content)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="laporan-umkm-')
    assert rows[0][0] == "Laporan Ringkas UMKM"
    assert ["Wilayah", "Kabupaten Sidoarjo"] in [row[:2] for row in rows]
    assert ["Kategori", "Makanan"] in [row[:2] for row in rows]
    assert any(row[0] == "Dicetak" for row in rows)
    assert ["Usaha terdaftar", 2] in [row[:2] for row in rows]
    recap = [row[0] for row in rows].index("Rekap per kecamatan") + 1
    assert rows[recap][:3] == ["Kecamatan", "Usaha", "Terverifikasi"]
    assert rows[recap + 1][:3] == ["Balongbendo", 1, 1]
    assert rows[recap + 2][:3] == ["Krian", 1, 0]
    log = AccessLog.objects.get(object_type="report_summary")
    assert log.detail == {"format": "xlsx", "filters": {"Kategori": "Makanan"}}


def test_summary_pdf_is_a_paged_pdf(client, world, dinas_sidoarjo):
    client.force_login(dinas_sidoarjo)

    response = client.get(reverse("reports:summary_pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"Laporan Ringkas UMKM" in response.content  # the document title in its metadata
    assert response.content.count(b"/Type /Page\n") + response.content.count(b"/Type /Page ") >= 1


def test_summary_excel_of_a_coordinator_holds_only_their_kecamatan(client, world, coordinator_b):
    client.force_login(coordinator_b)

    rows = sheet_rows(client.get(reverse("reports:summary_xlsx")).content)

    names = {row[0] for row in rows}
    assert "Krian" in names
    assert "Balongbendo" not in names
    assert ["Usaha terdaftar", 2] in [row[:2] for row in rows]


def test_summary_neutralises_formulas_in_text(client, kec_a, dinas_sidoarjo):
    client.force_login(dinas_sidoarjo)

    rows = sheet_rows(client.get(reverse("reports:summary_xlsx"), {"kecamatan": kec_a.pk}).content)

    assert all(not str(cell).startswith("=") for row in rows for cell in row if cell is not None)


@pytest.mark.parametrize("name", ["reports:summary_xlsx", "reports:summary_pdf"])
def test_summary_reports_refuse_the_bank(client, world, bank_officer, name):
    client.force_login(bank_officer)

    assert client.get(reverse(name)).status_code == 403


#
# National aggregate page
#


def test_national_page_counts_size_by_owners_sex_and_workers(client, world, dinas_sidoarjo):
    Business.objects.filter(name="Kue Lumpur Bu Sri").update(workers_male=2, workers_female=5)
    client.force_login(dinas_sidoarjo)

    response = client.get(reverse("reports:national"))

    sections = dict(response.context["sections"])
    size_by_sex = {f.label: f.value for f in sections["Menurut skala usaha dan jenis kelamin pemilik"]}
    assert size_by_sex["Kecil, pemilik perempuan"] == 1
    assert sum(size_by_sex.values()) == 5
    workers = {f.label: f.value for f in sections["Pemilik dan tenaga kerja"]}
    assert workers["Tenaga kerja perempuan"] == 5
    assert "Dasuk" not in response.content.decode()


#
# Snapshots
#


def test_a_snapshot_freezes_the_figures_and_reconciles(world, dinas_sidoarjo, kab_sidoarjo, kec_a):
    snapshot = freeze_snapshot(
        kabupaten=kab_sidoarjo, as_of=timezone.localdate(), title="Jumlah UMKM", by=dinas_sidoarjo
    )

    figures = snapshot.figures
    assert figures["total"] == 5
    for title, rows, check in snapshot.sections():
        assert check["balanced"], title
        assert sum(count for _, count in rows) == 5
    assert dict(figures["breakdowns"]["skala"])["Belum terklasifikasi"] == 2
    # Later registrations do not change a frozen snapshot.
    make_business(kec_a)
    snapshot.refresh_from_db()
    assert snapshot.figures["total"] == 5


def test_a_snapshot_uses_the_size_class_of_its_own_year(world, dinas_sidoarjo, kab_sidoarjo):
    snapshot = freeze_snapshot(
        kabupaten=kab_sidoarjo, as_of=datetime.date(2024, 12, 31), title="2024", by=dinas_sidoarjo
    )

    # Only Anyaman Bambu was registered by then... and no business existed at the end of 2024 in the test data
    # except the one moved back 400 days; whatever the count, the parts add up.
    for _, _, check in snapshot.sections():
        assert check["balanced"]


def test_snapshot_guards(world, dinas_sidoarjo, kab_sidoarjo, kec_other_kabupaten):
    freeze_snapshot(kabupaten=kab_sidoarjo, as_of=timezone.localdate(), title="Satu", by=dinas_sidoarjo)

    with pytest.raises(ValidationError, match="sudah dibekukan"):
        freeze_snapshot(kabupaten=kab_sidoarjo, as_of=timezone.localdate(), title="Dua", by=dinas_sidoarjo)
    with pytest.raises(ValidationError, match="masa depan"):
        freeze_snapshot(
            kabupaten=kab_sidoarjo,
            as_of=timezone.localdate() + datetime.timedelta(days=1),
            title="Besok",
            by=dinas_sidoarjo,
        )
    with pytest.raises(ValidationError, match="di luar wilayah"):
        freeze_snapshot(
            kabupaten=kec_other_kabupaten.kabupaten, as_of=timezone.localdate(), title="X", by=dinas_sidoarjo
        )
    assert Snapshot.objects.count() == 1


def test_snapshot_form_freezes_with_a_default_title_and_shows_it(client, world, dinas_sidoarjo, kab_sidoarjo):
    client.force_login(dinas_sidoarjo)

    response = client.post(reverse("reports:snapshot_create"), {"kabupaten": kab_sidoarjo.pk, "as_of": "2025-12-31"})

    snapshot = Snapshot.objects.get()
    assert response.status_code == 302
    assert snapshot.title == "Jumlah UMKM per 31 Desember 2025"
    page = client.get(snapshot.get_absolute_url()).content.decode()
    assert "Rekonsiliasi" in page
    assert 'data-reconciliation="selisih"' not in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"as_of": "2025-12-31"}, "Bidang ini tidak boleh kosong"),
        ({"kabupaten": "35.29", "as_of": "2025-12-31"}, "Masukkan pilihan yang valid"),
        ({"kabupaten": "35.15", "as_of": "kemarin"}, "Masukkan tanggal yang valid"),
        ({"kabupaten": "35.15", "as_of": "2099-01-01"}, "masa depan"),
    ],
)
def test_snapshot_form_bad_input_writes_nothing(client, world, dinas_sidoarjo, data, message):
    client.force_login(dinas_sidoarjo)

    response = client.post(reverse("reports:snapshot_create"), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Snapshot.objects.exists()


def test_snapshots_are_for_dinas_and_scoped(client, world, dinas_sidoarjo, dinas_other, coordinator_a, kab_sidoarjo):
    snapshot = freeze_snapshot(kabupaten=kab_sidoarjo, as_of=timezone.localdate(), title="Sidoarjo", by=dinas_sidoarjo)

    client.force_login(coordinator_a)
    assert client.get(reverse("reports:snapshot_list")).status_code == 403
    assert client.post(reverse("reports:snapshot_create"), {}).status_code == 403
    client.force_login(dinas_other)
    assert client.get(snapshot.get_absolute_url()).status_code == 404
    assert "Sidoarjo" not in client.get(reverse("reports:snapshot_list")).content.decode()


#
# Background exports
#


@override_settings(EXPORT_INLINE_MAX_ROWS=2)
def test_a_large_excel_export_runs_in_the_background_with_progress(client, world, coordinator_a):
    client.force_login(coordinator_a)

    small = client.get(reverse("registry:business_export"), {"format": "xlsx", "category": "makanan"})
    assert small["Content-Type"].startswith("application/vnd.openxmlformats")  # one row: made at once
    offer = client.get(reverse("registry:business_export"), {"format": "xlsx"})
    assert offer.status_code == 200
    assert "Daftar ini berisi 3 usaha" in offer.content.decode()
    assert "latar belakang" in offer.content.decode()
    response = client.post(reverse("reports:business_export_job"), {"verification": "terverifikasi"})

    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    assert "Menunggu" in client.get(job.get_absolute_url()).content.decode()
    run_tasks()
    job.refresh_from_db()
    assert (job.status, job.total, job.done, job.percent) == ("selesai", 2, 2, 100)
    progress = client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "Unduh berkas" in progress
    assert "hx-trigger" not in progress
    download = client.get(reverse("reports:job_download", args=[job.token]))
    rows = sheet_rows(b"".join(download.streaming_content))
    assert sorted(row[0] for row in rows[1:]) == ["Anyaman Bambu", "Kue Lumpur Bu Sri"]
    assert AccessLog.objects.filter(object_type="business", action="export", row_count=2).exists()


@override_settings(EXPORT_INLINE_MAX_ROWS=2)
def test_a_background_export_is_written_in_the_language_of_who_asked(client, world, coordinator_a):
    """Before: the worker wrote every file in its own language, Indonesian, whatever the requester read."""
    from django.conf import settings

    client.force_login(coordinator_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(reverse("reports:business_export_job"), {"verification": "terverifikasi"})
    run_tasks()

    job = ReportJob.objects.get()
    download = client.get(reverse("reports:job_download", args=[job.token]))
    header = sheet_rows(b"".join(download.streaming_content))[0]
    assert (job.language, job.status, header[0]) == ("en", "selesai", "Business name")


def test_a_job_belongs_to_the_user_who_asked(client, world, coordinator_a, coordinator_b):
    job = ReportJob.objects.create(user=coordinator_a, kind="business_xlsx", params={})
    run_job(job)

    client.force_login(coordinator_b)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("reports:job_download", args=[job.token])).status_code == 404


def test_a_failing_job_is_marked_failed_with_a_message(world, coordinator_a):
    job = ReportJob.objects.create(user=coordinator_a, kind="business_xlsx", params={"kecamatan": "35.15.11"})

    run_job(job)

    job.refresh_from_db()
    assert job.status == "gagal"
    assert "gagal dibuat" in job.error
    assert not job.file


#
# Program impact
#


def test_training_impact_compares_participants_with_their_neighbours(dinas_sidoarjo, kab_sidoarjo, kec_a):
    from programs.models import Training

    training = Training.objects.create(
        kabupaten=kab_sidoarjo,
        organiser="Dinas",
        title="Pemasaran 2024",
        kind="pemasaran_digital",
        venue="Aula",
        start_on=datetime.date(2024, 6, 1),
        end_on=datetime.date(2024, 6, 1),
        capacity=10,
        created_by=dinas_sidoarjo,
    )
    participants = [make_business(kec_a, category="makanan") for _ in range(3)]
    for business, (before, after) in zip(
        participants,
        [(1_000_000_000, 3_000_000_000), (100_000_000, 200_000_000), (400_000_000, 500_000_000)],
        strict=True,
    ):
        make_figure(business, year=2023, revenue=before)
        make_figure(business, year=2025, revenue=after)
        Enrollment.objects.create(
            training=training, business=business, nominated_by=dinas_sidoarjo, status="dikonfirmasi"
        )
    neighbour = make_business(kec_a, category="makanan", owner=make_owner(kec_a))
    make_figure(neighbour, year=2023, revenue=500_000_000)
    make_figure(neighbour, year=2025, revenue=450_000_000)
    make_business(kec_a, category="jasa")  # another category: not comparable

    impact = training_impact(training, dinas_sidoarjo)

    people, others = impact["groups"]
    assert (impact["before"], impact["after"]) == (2023, 2025)
    assert (people.businesses, people.with_both_years, people.rose) == (3, 3, 1)
    assert (people.median_before, people.median_after) == (400_000_000, 500_000_000)
    assert people.median_change == 25.0
    assert people.classes_after["kecil"] == 1
    assert (others.businesses, others.median_before, others.median_change) == (1, 500_000_000, -10.0)


def test_impact_pages_answer_for_the_area_only(client, world, dinas_sidoarjo, dinas_other):
    training, call = world["training"], world["call"]
    client.force_login(dinas_sidoarjo)

    page = client.get(reverse("reports:training_impact", args=[training.pk]))
    assert page.status_code == 200
    assert "bukan bukti sebab-akibat" in page.content.decode()
    assert client.get(reverse("reports:curation_impact", args=[call.pk])).status_code == 200
    client.force_login(dinas_other)
    assert client.get(reverse("reports:training_impact", args=[training.pk])).status_code == 404
    assert client.get(reverse("reports:curation_impact", args=[call.pk])).status_code == 404
