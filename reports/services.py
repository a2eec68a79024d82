"""Every write of the reports app, with its rules: a frozen snapshot, official counts loaded, an export
queued. Views and commands call these; what they read and check lives beside them (snapshots.py,
official.py, jobs.py)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from registry.imports import read_sheet
from registry.models import Kabupaten
from reports import tally
from reports.models import ReportJob, Snapshot
from reports.official import LoadResult, check_rows, measure_columns, write_counts
from reports.snapshots import snapshot_figures


def freeze_snapshot(*, kabupaten, as_of, title, note="", by):
    """Count and store the figures of `kabupaten` as of `as_of`; one snapshot per kabupaten and date."""
    if not Kabupaten.objects.visible_to(by).filter(pk=kabupaten.pk).exists():
        raise ValidationError(_("Kabupaten ini di luar wilayah Anda."))
    if as_of > timezone.localdate():
        raise ValidationError({"as_of": _("Tanggal angka resmi tidak boleh di masa depan.")})
    try:
        with transaction.atomic():
            return Snapshot.objects.create(
                kabupaten=kabupaten,
                as_of=as_of,
                title=title,
                note=note,
                figures=snapshot_figures(kabupaten, as_of),
                created_by=by,
            )
    except IntegrityError:
        raise ValidationError({"as_of": _("Angka per tanggal ini sudah dibekukan untuk kabupaten tersebut.")}) from None


def load_official_counts(content, *, filename, by):
    """Load an open-data table of counts per kabupaten and year; return a LoadResult.

    All or nothing: a row with an unknown code, a bad number or a name that disagrees with its code
    raises ValidationError with one Indonesian message per row, and nothing is written. Rows outside
    `by`'s area are reported in `refused` and not written; reloading the same table changes nothing.
    """
    if not by.has_perm("reports.add_officialcount"):
        raise ValidationError(_("Anda tidak berhak memuat data resmi."))
    headers, lines = read_sheet(content, filename)
    measure, columns = measure_columns(headers)
    rows, refused = check_rows(lines, columns, measure, by)
    result = LoadResult(refused=refused)
    try:
        with transaction.atomic():
            write_counts(rows, measure, source=filename[:200], by=by, result=result)
            tally.new_generation()  # the dashboard shows these counts: its cached figures are computed afresh
    except IntegrityError:
        # Another load inserted the same kabupaten and year between our read and our write.
        raise ValidationError(_("Data yang sama sedang dimuat oleh pengguna lain. Coba lagi sebentar lagi.")) from None
    return result


def start_job(request, *, kind, params):
    """Queue a job for the user, with its task, in the request's transaction."""
    from reports.tasks import make_report

    job = ReportJob.objects.create(
        user=request.user, kind=kind, params=params, language=translation.get_language() or settings.LANGUAGE_CODE
    )
    make_report.enqueue(job.pk)
    return job
