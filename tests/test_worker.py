"""The worker: Django's Tasks API on PostgreSQL (django-tasks-db) with heartbeats, a clock and retries.

The last tests run `manage.py run_worker` in processes of their own and kill one with SIGKILL."""

import datetime
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import OperationalError, connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registry import import_jobs
from registry.imports import guess_mapping, read_sheet
from registry.models import Business, ImportBatch, Owner
from reports.models import ReportJob, TallyDirty
from tests.factories import make_business
from tests.registry.test_import_views import many_rows
from tests.worker import run_tasks
from umkm_portal import worker
from umkm_portal.models import ScheduledRun, WorkerHeartbeat
from umkm_portal.schedule import SCHEDULE


def queued_batch(user, rows, *, all_or_nothing=True):
    """An uploaded, mapped sheet of `rows` generated rows, queued as the preview's button queues it."""
    content = many_rows(rows)
    read = read_sheet(content, "data.csv")
    batch = ImportBatch(
        user=user,
        filename="data.csv",
        headers=read.headers,
        mapping={str(k): v for k, v in guess_mapping(read.headers).items()},
        total_rows=len(read.rows),
    )
    batch.file.save("data.csv", ContentFile(content), save=False)
    batch.save()
    assert import_jobs.queue_import(batch, all_or_nothing=all_or_nothing)
    return batch


def batch_to_check(user, rows):
    """An uploaded sheet of `rows` generated rows, read by a worker, its check queued as the mapping page does."""
    batch = ImportBatch(user=user, filename="data.csv", status=ImportBatch.Status.READING)
    batch.file.save("data.csv", ContentFile(many_rows(rows)), save=False)
    batch.save()
    batch = import_jobs.run_read(batch)
    assert import_jobs.queue_check(batch, mapping=batch.column_mapping(), figures_year=None)
    return batch


def claimed_by(worker_id, batch, *, minutes_ago):
    """The batch's task as a worker that claimed it `minutes_ago` left it."""
    started = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, worker_ids=[worker_id], started_at=started)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING, started_at=started)


#
# The clock
#


def test_a_scheduled_job_runs_once_per_slot_however_many_workers_look(db):
    now = timezone.now()

    first = worker.enqueue_due(now)
    second = worker.enqueue_due(now)  # another worker, the same moment
    next_week = worker.enqueue_due(now + datetime.timedelta(days=7))

    assert sorted(first) == sorted(schedule.name for schedule in SCHEDULE)
    assert second == []
    assert sorted(next_week) == sorted(first)
    assert ScheduledRun.objects.count() == 2 * len(SCHEDULE)
    assert DBTaskResult.objects.count() == 2 * len(SCHEDULE)


def test_a_daily_slot_starts_at_its_hour_in_jakarta():
    purge = next(schedule for schedule in SCHEDULE if schedule.name == "purge_deleted")
    jakarta = datetime.timezone(datetime.timedelta(hours=7))

    before = purge.slot(datetime.datetime(2026, 11, 30, 1, 59, tzinfo=jakarta))
    after = purge.slot(datetime.datetime(2026, 11, 30, 2, 0, tzinfo=jakarta))

    assert after == datetime.datetime(2026, 11, 30, 2, 0, tzinfo=jakarta)
    assert before == after - datetime.timedelta(days=1)


def test_the_dashboard_recount_is_enqueued_when_writes_wait_and_only_once(kec_a):
    TallyDirty.objects.all().delete()
    assert worker.enqueue_wanted() == []

    make_business(kec_a)
    assert worker.enqueue_wanted() == ["reports.tasks.refresh_tallies"]
    assert worker.enqueue_wanted() == []  # one is waiting already

    run_tasks()
    assert not TallyDirty.objects.exists()


#
# Lost workers, retries, a run taken over
#


def test_a_task_whose_worker_went_silent_is_given_to_another_and_every_row_lands_once(coordinator_a, kec_a):
    batch = queued_batch(coordinator_a, 30, all_or_nothing=False)
    claimed_by("dead-worker", batch, minutes_ago=5)

    assert worker.requeue_lost_tasks() == [DBTaskResult.objects.get().pk]
    run_tasks()

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert Business.objects.count() == Owner.objects.count() == 30
    result = DBTaskResult.objects.get(task_path="registry.tasks.import_batch")
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.worker_ids[0] == "dead-worker"
    assert len(result.worker_ids) == 2


def test_a_check_whose_worker_went_silent_is_given_to_another_and_the_preview_comes(coordinator_a, kec_a):
    batch = batch_to_check(coordinator_a, 30)
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    check = DBTaskResult.objects.get(task_path="registry.tasks.check_import")
    DBTaskResult.objects.filter(pk=check.pk).update(
        status=TaskResultStatus.RUNNING, worker_ids=["dead-worker"], started_at=long_ago
    )
    ImportBatch.objects.filter(pk=batch.pk).update(started_at=long_ago, processed_rows=20)  # killed mid-check

    assert worker.requeue_lost_tasks() == [check.pk]
    run_tasks()

    batch.refresh_from_db()
    check.refresh_from_db()
    assert (batch.status, batch.preview["total"], batch.preview["valid"]) == (ImportBatch.Status.NEW, 30, 30)
    assert batch.checked_at is not None
    assert check.status == TaskResultStatus.SUCCESSFUL
    assert check.worker_ids[0] == "dead-worker"
    assert len(check.worker_ids) == 2


def test_a_read_or_a_check_that_keeps_killing_its_workers_fails_and_the_page_says_so(coordinator_a, kec_a, client):
    batch = batch_to_check(coordinator_a, 3)
    DBTaskResult.objects.filter(task_path="registry.tasks.check_import").update(
        status=TaskResultStatus.RUNNING,
        worker_ids=["a", "b", "c"],
        started_at=timezone.now() - datetime.timedelta(minutes=5),
    )

    worker.requeue_lost_tasks()

    batch.refresh_from_db()
    assert (batch.status, batch.error) == (ImportBatch.Status.NEW, import_jobs.CHECK_FAILED_MESSAGE)
    client.force_login(coordinator_a)
    page = client.get(batch.get_absolute_url(), follow=True).content.decode()
    assert "Pemeriksaan baris gagal di tengah jalan" in page
    assert "Periksa semua baris" in page  # the mapping page offers the check again

    unread = ImportBatch(user=coordinator_a, filename="data.csv", status=ImportBatch.Status.READING)
    unread.file.save("data.csv", ContentFile(many_rows(3)), save=False)
    unread.save()
    from registry.tasks import read_import

    read_import.enqueue(unread.pk)
    DBTaskResult.objects.filter(task_path="registry.tasks.read_import").update(
        status=TaskResultStatus.RUNNING,
        worker_ids=["a", "b", "c"],
        started_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    worker.requeue_lost_tasks()
    unread.refresh_from_db()
    assert (unread.status, unread.error) == (ImportBatch.Status.UNREADABLE, import_jobs.READ_FAILED_MESSAGE)


def test_a_check_that_another_run_took_over_stops_without_writing(coordinator_a, kec_a, monkeypatch):
    batch = batch_to_check(coordinator_a, 5)
    real_check_rows = import_jobs.check_rows

    def taken_over_meanwhile(*args, **kwargs):
        ImportBatch.objects.filter(pk=batch.pk).update(started_at=timezone.now() + datetime.timedelta(seconds=1))
        return real_check_rows(*args, **kwargs)

    monkeypatch.setattr(import_jobs, "check_rows", taken_over_meanwhile)
    import_jobs.run_check(batch)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKING  # left to the run that holds it
    assert (batch.preview, batch.checked_at, batch.failed_file.name) == ({}, None, "")


def test_a_task_of_a_living_worker_or_a_fresh_claim_is_left_alone(coordinator_a, kec_a):
    batch = queued_batch(coordinator_a, 3)
    claimed_by("busy-worker", batch, minutes_ago=5)
    WorkerHeartbeat.objects.create(worker_id="busy-worker", host="node1", pid=1, beat_at=timezone.now())

    assert worker.requeue_lost_tasks() == []
    WorkerHeartbeat.objects.all().delete()
    claimed_by("new-worker", batch, minutes_ago=0)  # claimed a moment ago: its first heartbeat may be on its way
    assert worker.requeue_lost_tasks() == []


def test_a_task_that_keeps_killing_its_workers_fails_and_its_import_says_so(coordinator_a, kec_a, client):
    batch = queued_batch(coordinator_a, 3)
    claimed_by("a", batch, minutes_ago=5)
    DBTaskResult.objects.update(worker_ids=["a", "b", "c"])

    assert worker.requeue_lost_tasks() == []

    batch.refresh_from_db()
    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.FAILED
    assert result.task_result.errors[0].exception_class is worker.WorkerLost
    assert batch.status == ImportBatch.Status.FAILED
    client.force_login(coordinator_a)
    assert "Impor gagal di tengah jalan" in client.get(batch.get_absolute_url(), follow=True).content.decode()


def test_a_database_that_did_not_answer_is_tried_again_later_then_given_up(coordinator_a, kec_a, monkeypatch):
    batch = queued_batch(coordinator_a, 3)
    real_check = import_jobs.check_batch
    failures = []

    def check_without_database(*args, **kwargs):
        if len(failures) < 1:
            failures.append(1)
            raise OperationalError("server closed the connection unexpectedly")
        return real_check(*args, **kwargs)

    monkeypatch.setattr(import_jobs, "check_batch", check_without_database)
    run_tasks()

    batch.refresh_from_db()
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert batch.status == ImportBatch.Status.QUEUED
    assert "dicoba lagi" in batch.error
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    assert 25 <= (retry.run_after - timezone.now()).total_seconds() <= 30  # the first backoff
    run_tasks()
    assert DBTaskResult.objects.get(pk=retry.pk).status == TaskResultStatus.READY  # not due yet

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_tasks()
    batch.refresh_from_db()
    assert (batch.status, Business.objects.count()) == (ImportBatch.Status.DONE, 3)

    # A database that never answers: after the last backoff the import fails with its message.
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.QUEUED)
    monkeypatch.setattr(import_jobs, "check_batch", lambda *a, **k: (_ for _ in ()).throw(OperationalError("down")))
    import_jobs.run_import(batch, attempt=4)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert "gagal di tengah jalan" in batch.error


def test_a_run_that_another_run_took_over_stops_without_writing(coordinator_a, kec_a, monkeypatch):
    batch = queued_batch(coordinator_a, 5)
    real_import_rows = import_jobs.import_rows

    def taken_over_meanwhile(*args, **kwargs):
        ImportBatch.objects.filter(pk=batch.pk).update(started_at=timezone.now() + datetime.timedelta(seconds=1))
        return real_import_rows(*args, **kwargs)

    monkeypatch.setattr(import_jobs, "import_rows", taken_over_meanwhile)
    import_jobs.run_import(batch)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.RUNNING  # left to the run that holds it
    assert not batch.summary
    assert not Business.objects.exists()  # all or nothing: this run's transaction was rolled back


def test_an_export_whose_worker_went_silent_is_made_again_by_another(client, coordinator_a, kec_a):
    make_business(kec_a, name="Kue Lumpur")
    client.force_login(coordinator_a)
    client.post("/unduhan/usaha/", {})
    job = ReportJob.objects.get()
    DBTaskResult.objects.update(
        status=TaskResultStatus.RUNNING, worker_ids=["dead"], started_at=timezone.now() - datetime.timedelta(hours=1)
    )
    ReportJob.objects.update(status=ReportJob.Status.RUNNING, started_at=timezone.now() - datetime.timedelta(hours=1))

    worker.requeue_lost_tasks()
    run_tasks()

    job.refresh_from_db()
    assert (job.status, job.total, job.done) == (ReportJob.Status.DONE, 1, 1)


#
# Real worker processes
#


def _worker_process(worker_id, **env):
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "WORKER_HEARTBEAT_SECONDS": "1",
        "WORKER_LOST_SECONDS": "3",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--worker-id", worker_id, "--interval", "0.2"],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"waited {seconds} s for {what}")


@pytest.fixture
def workers():
    started = []

    def start(worker_id):
        started.append(_worker_process(worker_id))
        return started[-1]

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_never_run_one_task(coordinator_a, kec_a, workers):
    make_business(kec_a)
    jobs = [ReportJob.objects.create(user=coordinator_a, kind="business_xlsx", params={}) for _ in range(8)]
    from reports.tasks import make_report

    for job in jobs:
        make_report.enqueue(job.pk)
    workers("w1")
    workers("w2")

    _wait_for(lambda: not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists(), 60, "the exports")

    results = DBTaskResult.objects.filter(task_path="reports.tasks.make_report")
    assert [len(result.worker_ids) for result in results] == [1] * 8
    assert set(ReportJob.objects.values_list("status", flat=True)) == {ReportJob.Status.DONE}


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_is_replaced_and_every_row_lands_exactly_once(coordinator_a, kec_a, workers):
    batch = queued_batch(coordinator_a, 9000, all_or_nothing=False)
    first = workers("first")
    _wait_for(lambda: ImportBatch.objects.get(pk=batch.pk).processed_rows >= 1000, 90, "the first chunk")

    first.send_signal(signal.SIGKILL)
    first.wait()
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.RUNNING
    workers("second")
    _wait_for(lambda: ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.DONE, 120, "the import")

    batch.refresh_from_db()
    result = DBTaskResult.objects.get(task_path="registry.tasks.import_batch")
    assert result.worker_ids == ["first", "second"]
    assert Business.objects.count() == Owner.objects.count() == 9000
    assert Owner.objects.values("nik").distinct().count() == 9000
    assert batch.summary["created"] + batch.summary["unchanged"] == 9000
    assert batch.summary["created"] < 9000  # the second run found the first's rows and did not add them again


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_check_is_replaced_and_the_preview_comes_whole(coordinator_a, kec_a, workers):
    batch = batch_to_check(coordinator_a, 9000)
    first = workers("first")
    _wait_for(lambda: ImportBatch.objects.get(pk=batch.pk).processed_rows >= 2000, 90, "the check under way")

    first.send_signal(signal.SIGKILL)
    first.wait()
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.CHECKING
    workers("second")
    _wait_for(lambda: ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.NEW, 120, "the check")

    batch.refresh_from_db()
    result = DBTaskResult.objects.get(task_path="registry.tasks.check_import")
    assert result.worker_ids == ["first", "second"]
    assert (batch.preview["total"], batch.preview["valid"], batch.processed_rows) == (9000, 9000, 9000)
    assert not Business.objects.exists()  # checking writes no row


@pytest.mark.django_db(transaction=True)
def test_a_running_worker_recounts_the_dashboard_after_a_write_by_itself(kec_a, workers):
    from reports.models import Tally

    workers("w1")
    make_business(kec_a, category="jasa")

    _wait_for(lambda: not TallyDirty.objects.exists(), 30, "the recount")
    assert Tally.objects.get(kecamatan=kec_a.pk, category="jasa", guided=False, measure="all").n == 1
