"""Files through the storage API: on a real S3 endpoint (moto_server, started by scripts/s3.sh) and on disk."""

import datetime
import io
import os
import subprocess
import threading
import uuid
from pathlib import Path

import boto3
import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from registry.cleanup import cleanup_files
from registry.models import Business, ImportBatch, LegalDocument, ProductPhoto
from registry.services import add_product_photo
from reports.jobs import run_job
from reports.models import ReportJob
from tests import hostile
from tests.factories import jpeg_upload, make_business, make_document, make_product, make_region
from tests.registry.test_import_views import CSV
from tests.worker import run_tasks
from umkm_portal.storage import SPOOL_BYTES, default_storage_from_env, parse_storage_url, walk_files

ROOT = Path(__file__).resolve().parent.parent
KEY, SECRET = "uji", "rahasia/+="  # a secret with characters that must be percent-encoded in STORAGE_URL


#
# A real S3 endpoint and a bucket per test
#


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto_server through scripts/s3.sh, one per test process (xdist worker), stopped when the session ends."""
    name = f"pytest-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    script = str(ROOT / "scripts" / "s3.sh")
    started = subprocess.run([script, "start", name], capture_output=True, text=True, timeout=300, check=False)
    assert started.returncode == 0, started.stderr
    yield started.stdout.strip()
    subprocess.run([script, "stop", name], capture_output=True, timeout=60, check=True)


class Bucket:
    """Looks straight into the bucket with boto3, beside the portal's storage."""

    def __init__(self, client, name):
        self.client, self.name = client, name

    def keys(self):
        return sorted(entry["Key"] for entry in self.client.list_objects_v2(Bucket=self.name).get("Contents", []))

    def read(self, key):
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def is_private(self, key):
        grants = self.client.get_object_acl(Bucket=self.name, Key=key)["Grants"]
        return [grant["Permission"] for grant in grants] == ["FULL_CONTROL"] and all(
            "URI" not in grant["Grantee"] for grant in grants
        )

    def empty(self):
        for key in self.keys():
            self.client.delete_object(Bucket=self.name, Key=key)


def _new_bucket(endpoint):
    client = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id=KEY, aws_secret_access_key=SECRET, region_name="us-east-1"
    )
    name = f"umkm-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    return Bucket(client, name)


def _s3_storages(endpoint, bucket):
    host = endpoint.removeprefix("http://")
    url = f"s3://{KEY}:{SECRET.replace('/', '%2F').replace('+', '%2B').replace('=', '%3D')}@{host}/{bucket.name}"
    return {**settings.STORAGES, "default": parse_storage_url(f"{url}?secure=false&region=us-east-1")}


def _local_storages(folder):
    return {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(folder)}},
    }


@pytest.fixture
def bucket(s3_endpoint):
    """A new bucket, and the default storage pointed at it through a STORAGE_URL."""
    bucket = _new_bucket(s3_endpoint)
    with override_settings(STORAGES=_s3_storages(s3_endpoint, bucket)):
        yield bucket


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path):
    """The default storage on a folder of this test's own, then on a new bucket: the cleanups run on both."""
    if request.param == "local":
        storages = _local_storages(tmp_path / "media")
    else:
        endpoint = request.getfixturevalue("s3_endpoint")
        storages = _s3_storages(endpoint, _new_bucket(endpoint))
    with override_settings(STORAGES=storages):
        yield default_storage


#
# Settings
#


def test_storage_url_configures_a_private_s3_storage():
    entry = parse_storage_url("s3://AKIA:se%2Fcret@minio.internal:9000/umkm-files?region=ap-southeast-3&secure=false")

    assert entry["BACKEND"] == "storages.backends.s3.S3Storage"
    options = entry["OPTIONS"]
    assert (options["endpoint_url"], options["bucket_name"], options["region_name"]) == (
        "http://minio.internal:9000",
        "umkm-files",
        "ap-southeast-3",
    )
    assert (options["access_key"], options["secret_key"]) == ("AKIA", "se/cret")
    assert (options["default_acl"], options["querystring_auth"], options["file_overwrite"]) == ("private", True, False)


def test_aws_variables_configure_s3_and_nothing_means_the_local_folder():
    entry = default_storage_from_env(
        {"AWS_STORAGE_BUCKET_NAME": "umkm", "AWS_S3_ENDPOINT_URL": "https://s3.example.id", "AWS_ACCESS_KEY_ID": "k"}
    )

    assert entry["OPTIONS"]["bucket_name"] == "umkm"
    assert entry["OPTIONS"]["endpoint_url"] == "https://s3.example.id"
    assert entry["OPTIONS"]["access_key"] == "k"
    assert "secret_key" not in entry["OPTIONS"]  # boto3 looks for it itself
    assert default_storage_from_env({})["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert parse_storage_url("s3://s3.ap-southeast-3.amazonaws.com/umkm")["OPTIONS"]["endpoint_url"].startswith("https")


@pytest.mark.parametrize(
    "environ",
    [
        {"STORAGE_URL": "https://host/bucket"},
        {"STORAGE_URL": "s3://k:s@host"},
        {"STORAGE_URL": "s3://k:s@host/bucket?secure=maybe"},
        {"STORAGE_URL": "s3://k:s@host/bucket?acl=public-read"},
        {"STORAGE_URL": "s3://k@host/bucket"},
        {"STORAGE_URL": "s3://k:s@host/bucket", "AWS_STORAGE_BUCKET_NAME": "other"},
        {"AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000"},
    ],
)
def test_a_malformed_storage_configuration_stops_the_start(environ):
    with pytest.raises(ImproperlyConfigured):
        default_storage_from_env(environ)


#
# The portal's files on S3
#


def test_a_photo_uploaded_through_the_web_lands_in_the_bucket_and_is_served_back(
    client, bucket, coordinator_a, coordinator_b, kec_a
):
    business = make_business(kec_a)
    client.force_login(coordinator_a)

    client.post(
        reverse("registry:product_create", args=[business.pk]),
        {"name": "Kerupuk lele", "category": "makanan", "price": "15000", "unit": "pak", "photos": [jpeg_upload()]},
    )

    photo = ProductPhoto.objects.get()
    assert bucket.keys() == sorted([photo.image.name, photo.thumbnail.name])
    assert bucket.is_private(photo.image.name)
    assert not (Path(settings.MEDIA_ROOT) / photo.image.name).exists()  # nothing on this node's disk
    for url, name in [(photo.get_absolute_url(), photo.image.name), (photo.get_thumbnail_url(), photo.thumbnail.name)]:
        response = client.get(url)
        assert response.streaming
        body = b"".join(response.streaming_content)
        assert body == bucket.read(name)
        assert Image.open(io.BytesIO(body)).format == "JPEG"
    client.force_login(coordinator_b)
    assert client.get(photo.get_absolute_url()).status_code == 404


def test_a_document_scan_is_kept_in_the_bucket_and_served_only_inside_the_area(
    client, bucket, coordinator_a, coordinator_b, kec_a
):
    business = make_business(kec_a)
    pdf = hostile.pdf()
    client.force_login(coordinator_a)

    client.post(
        reverse("registry:legaldocument_create", args=[business.pk]),
        {"kind": "halal", "number": "ID35150000012345", "scan": SimpleUploadedFile("halal.pdf", pdf)},
    )

    document = LegalDocument.objects.get()
    assert bucket.keys() == [document.scan.name]
    response = client.get(reverse("registry:legaldocument_scan", args=[document.pk]))
    body = b"".join(response.streaming_content)
    assert (response["Content-Type"], body) == ("application/pdf", document.scan.read())
    assert body.startswith(b"%PDF-")
    client.force_login(coordinator_b)
    assert client.get(reverse("registry:legaldocument_scan", args=[document.pk])).status_code == 404


def test_an_import_file_is_kept_in_the_bucket_and_read_back_to_import(
    client, bucket, coordinator_a, kec_a, django_capture_on_commit_callbacks
):
    client.force_login(coordinator_a)

    client.post(reverse("registry:import_upload"), {"file": SimpleUploadedFile("data.csv", CSV)})
    batch = ImportBatch.objects.get()
    run_tasks()  # a worker reads the file from the bucket: its header row and rows
    mapped = client.post(
        reverse("registry:import_mapping", args=[batch.pk]),
        {f"col_{i}": field for i, field in enumerate(["owner_name", "nik", "business_name", "kecamatan", "desa"])},
    )
    run_tasks()  # and checks every row
    preview = client.get(mapped["Location"]).content.decode()
    checked_failed = ImportBatch.objects.get().failed_file.name
    client.post(mapped["Location"], {"mode": "valid"})
    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()  # the worker reads the file back from the bucket
    batch.refresh_from_db()
    failed_csv = b"".join(client.get(mapped["Location"], {"gagal": "csv"}).streaming_content).decode()

    # The file, and the failed rows' file of the import's own check (the preview's was replaced).
    assert sorted(bucket.keys()) == sorted([batch.file.name, batch.failed_file.name])
    assert checked_failed.startswith("impor/gagal/")
    assert checked_failed != batch.failed_file.name
    assert batch.file.name.startswith("impor/")
    assert bucket.read(batch.file.name) == CSV
    assert 'data-count="valid">1<' in preview
    assert "NIK harus 16 digit" in failed_csv
    assert Business.objects.get().name == "Kue Lumpur Bu Sri"


def test_an_export_file_is_made_into_the_bucket_and_downloaded_from_it(client, bucket, coordinator_a, kec_a):
    make_business(kec_a, name="Keripik Tempe Bu Ani")
    job = ReportJob.objects.create(user=coordinator_a, kind="business_xlsx", params={})
    client.force_login(coordinator_a)

    run_job(job)

    job.refresh_from_db()
    assert bucket.keys() == [job.file.name]
    assert job.file.name.startswith(f"reports/{coordinator_a.pk}/{job.token}/")
    download = client.get(reverse("reports:job_download", args=[job.token]))
    body = b"".join(download.streaming_content)
    assert body == bucket.read(job.file.name)
    rows = list(openpyxl.load_workbook(io.BytesIO(body), read_only=True).active.values)
    assert "Keripik Tempe Bu Ani" in [row[0] for row in rows]


def test_a_large_file_is_streamed_from_a_spool_on_disk_not_held_in_memory(client, bucket, coordinator_a):
    job = ReportJob.objects.create(user=coordinator_a, kind="business_xlsx", status=ReportJob.Status.DONE)
    payload = os.urandom(SPOOL_BYTES + 1024 * 1024)
    job.file.save("besar.xlsx", ContentFile(payload))
    client.force_login(coordinator_a)

    response = client.get(reverse("reports:job_download", args=[job.token]))

    assert response.streaming
    assert response["Content-Length"] == str(len(payload))
    assert b"".join(response.streaming_content) == payload
    with job.file.open("rb") as handle:  # what the view streams from: past SPOOL_BYTES a temporary file
        assert handle.read(4) == payload[:4]
        assert handle.file.file._rolled  # FieldFile -> S3File -> SpooledTemporaryFile


#
# Backup and restore, wherever the files are
#


def _photo_in(kec_name_code="35.15.12"):
    business = make_business(make_region(kec_name_code), name="Kue Lumpur Bu Sri")
    return add_product_photo(make_product(business), upload=jpeg_upload(), by=None)


def _lose_the_database():
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_the_bucket_restores_into_the_bucket_and_onto_a_local_disk(client, s3_endpoint, tmp_path):
    bucket = _new_bucket(s3_endpoint)
    with override_settings(STORAGES=_s3_storages(s3_endpoint, bucket)):
        photo = _photo_in()
        names = sorted([photo.image.name, photo.thumbnail.name])
        original = bucket.read(photo.image.name)
        call_command("backup", "--output", str(tmp_path / "backups"))
        [folder] = list((tmp_path / "backups").iterdir())
        _lose_the_database()
        bucket.empty()
        call_command("restore", str(folder), "--yes")

        assert bucket.keys() == names
        assert bucket.read(photo.image.name) == original
        assert ProductPhoto.objects.get().image.name == photo.image.name

    with override_settings(STORAGES=_local_storages(tmp_path / "media")):
        call_command("restore", str(folder), "--yes")

        assert (tmp_path / "media" / photo.image.name).read_bytes() == original
        assert sorted(walk_files(default_storage)) == names


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_the_local_disk_restores_into_a_bucket(s3_endpoint, tmp_path):
    with override_settings(STORAGES=_local_storages(tmp_path / "media")):
        photo = _photo_in()
        original = (tmp_path / "media" / photo.image.name).read_bytes()
        call_command("backup", "--output", str(tmp_path / "backups"))
    [folder] = list((tmp_path / "backups").iterdir())
    bucket = _new_bucket(s3_endpoint)
    _lose_the_database()

    with override_settings(STORAGES=_s3_storages(s3_endpoint, bucket)):
        call_command("restore", str(folder), "--yes")

    assert bucket.keys() == sorted([photo.image.name, photo.thumbnail.name])
    assert bucket.read(photo.image.name) == original
    assert bucket.is_private(photo.image.name)


#
# Cleanups, on the local folder and on S3
#

LONG_AGO = datetime.timedelta(days=400)


def _batch(user, *, age, status=ImportBatch.Status.DONE):
    batch = ImportBatch(user=user, filename="data.csv", status=status, summary={"created": 2, "failed": 0})
    batch.file.save("data.csv", ContentFile(CSV), save=False)
    batch.save()
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - age)
    return batch


def _job(user, *, age):
    job = ReportJob.objects.create(user=user, kind="business_xlsx", status=ReportJob.Status.DONE)
    job.file.save("usaha.xlsx", ContentFile(b"PK xlsx"), save=False)
    job.save()
    ReportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - age)
    return job


def test_an_old_import_file_is_removed_and_its_batch_keeps_the_result(client, storage, coordinator_a):
    old = _batch(coordinator_a, age=datetime.timedelta(days=31))
    client.force_login(coordinator_a)

    counts = cleanup_files()

    old.refresh_from_db()
    assert counts["imports"] == 1
    assert (old.file.name, old.summary["created"], old.status) == ("", 2, ImportBatch.Status.DONE)
    assert list(walk_files(storage, "impor")) == []
    page = client.get(old.get_absolute_url())
    assert page.status_code == 200
    assert "sudah dihapus" in page.content.decode()
    assert client.get(reverse("registry:import_mapping", args=[old.pk]))["Location"] == old.get_absolute_url()
    assert cleanup_files() == {"imports": 0, "exports": 0, "orphans": 0}  # idempotent


def test_a_young_or_unfinished_import_keeps_its_file(storage, coordinator_a):
    young = _batch(coordinator_a, age=datetime.timedelta(days=29))
    queued = _batch(coordinator_a, age=LONG_AGO, status=ImportBatch.Status.QUEUED)

    counts = cleanup_files()

    assert counts["imports"] == 0
    for batch in (young, queued):
        batch.refresh_from_db()
        assert storage.exists(batch.file.name)


def test_an_old_export_file_is_removed_and_a_young_one_kept(client, storage, coordinator_a):
    old = _job(coordinator_a, age=datetime.timedelta(days=8))
    young = _job(coordinator_a, age=datetime.timedelta(days=6))
    old_name = old.file.name
    client.force_login(coordinator_a)

    counts = cleanup_files()

    old.refresh_from_db()
    young.refresh_from_db()
    assert counts["exports"] == 1
    assert (old.file.name, storage.exists(old_name)) == ("", False)
    assert storage.exists(young.file.name)
    assert "sudah dihapus" in client.get(old.get_absolute_url()).content.decode()
    assert client.get(reverse("reports:job_download", args=[old.token])).status_code == 404
    assert client.get(reverse("reports:job_download", args=[young.token])).status_code == 200


def test_orphan_files_are_removed_once_a_day_old_and_referenced_ones_kept(storage, kec_a):
    photo = add_product_photo(make_product(make_business(kec_a)), upload=jpeg_upload(), by=None)
    document = make_document(make_business(kec_a))
    document.scan.save("scan.pdf", ContentFile(b"%PDF-1.4 lama"))
    replaced_scan = document.scan.name
    document.scan.save("scan.pdf", ContentFile(b"%PDF-1.4 baru"))  # the old scan is still named by its history
    orphans = [storage.save(f"products/999/{uuid.uuid4().hex}.jpg", ContentFile(b"x")) for _ in range(2)]
    orphans.append(storage.save("documents/hilang.pdf", ContentFile(b"%PDF")))
    not_ours = storage.save("lain/catatan.txt", ContentFile(b"bukan milik portal"))

    young = cleanup_files()
    assert young["orphans"] == 0
    assert all(storage.exists(name) for name in orphans)

    day_later = cleanup_files(now=timezone.now() + datetime.timedelta(days=2))

    assert day_later["orphans"] == len(orphans)
    assert not any(storage.exists(name) for name in orphans)
    kept = [photo.image.name, photo.thumbnail.name, document.scan.name, replaced_scan, not_ours]
    assert all(storage.exists(name) for name in kept)
    assert cleanup_files(now=timezone.now() + datetime.timedelta(days=2))["orphans"] == 0


def test_a_dry_run_counts_and_removes_nothing(storage, coordinator_a):
    old = _batch(coordinator_a, age=LONG_AGO)
    orphan = storage.save("products/1/yatim.jpg", ContentFile(b"x"))

    call_command("cleanup_files", "--dry-run")
    counts = cleanup_files(now=timezone.now() + datetime.timedelta(days=2), dry_run=True)

    old.refresh_from_db()
    assert (counts["imports"], counts["orphans"]) == (1, 1)
    assert storage.exists(old.file.name)
    assert storage.exists(orphan)


@pytest.mark.django_db(transaction=True)
def test_two_cleanups_at_once_remove_each_file_once(storage, coordinator_a):
    batches = [_batch(coordinator_a, age=LONG_AGO) for _ in range(6)]
    jobs = [_job(coordinator_a, age=LONG_AGO) for _ in range(6)]
    results, errors = [], []

    def run():
        try:
            results.append(cleanup_files())
        except Exception as error:  # pragma: no cover - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(result["imports"] for result in results) == len(batches)
    assert sum(result["exports"] for result in results) == len(jobs)
    assert list(walk_files(storage, "impor")) == list(walk_files(storage, "reports")) == []
    assert not ImportBatch.objects.exclude(file="").exists()


def test_purging_a_deleted_business_deletes_its_files_from_the_bucket_after_the_commit(
    bucket, kec_a, dinas_sidoarjo, django_capture_on_commit_callbacks
):
    from registry.services import delete_business, purge_deleted

    business = make_business(kec_a)
    photo = add_product_photo(make_product(business), upload=jpeg_upload(), by=None)
    delete_business(business, reason="Usaha sudah tutup", by=dinas_sidoarjo)
    Business.all_objects.filter(pk=business.pk).update(deleted_at=timezone.now() - LONG_AGO)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        purge_deleted(older_than=timezone.now() - datetime.timedelta(days=365))
        assert bucket.keys() == sorted([photo.image.name, photo.thumbnail.name])  # not before the commit
    for callback in callbacks:
        callback()

    assert bucket.keys() == []
