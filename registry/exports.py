"""Spreadsheet exports: personal data masked, formula cells neutralised, every export logged."""

import csv
import io
import re

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from registry.models import AccessLog
from umkm_portal.keyset import iterate_by_pk

BUSINESS_COLUMNS = [
    (_("Nama usaha"), lambda b: b.name),
    (_("Pemilik"), lambda b: b.owner.name),
    (_("NIK (disamarkan)"), lambda b: b.owner.masked_nik),
    (_("Desa/kelurahan"), lambda b: b.desa.name),
    (_("Kecamatan"), lambda b: b.kecamatan.name),
    (_("Kategori"), lambda b: b.get_category_display()),
    (_("KBLI"), lambda b: b.kbli_code),
    (_("NIB"), lambda b: b.nib),
    (_("Skala"), lambda b: b.get_size_class_display()),
    (_("Status"), lambda b: b.get_status_display()),
    (_("Verifikasi"), lambda b: b.get_verification_display()),
    (_("Binaan"), lambda b: b.guided_by),
    (_("Unggulan"), lambda b: _("ya") if b.is_flagship else _("tidak")),
    (_("Didaftarkan"), lambda b: timezone.localtime(b.created_at).strftime("%d-%m-%Y")),
]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A signed number (-7.350000, +1.5E3) or a phone number (+62 812-3456-7890) is data, not a formula: the
# national system reads coordinates and phones back as they are written.
_PLAIN_VALUE = re.compile(r"[+-]?(\d+([.,]\d+)?([eE][+-]?\d+)?|\.\d+)|\+\d[\d \-]{5,20}|[-+. ]{1,3}")


def neutralise(value):
    """Prefix a cell that a spreadsheet would run as a formula (CSV injection) with an apostrophe; numbers
    and phone numbers are left as they are."""
    text = "" if value is None else str(value)
    if not text.startswith(_FORMULA_STARTS) or _PLAIN_VALUE.fullmatch(text):
        return text
    return f"'{text}"


# Rows read per query by an export: memory holds one chunk of model instances.
EXPORT_CHUNK_SIZE = 2000


class _Echo:
    def write(self, value):
        return value


def table_rows(rows, columns):
    """The header, then each row's cells (getter per column), neutralised; rows are read in primary-key
    chunks, so memory stays flat without a server-side cursor (PgBouncer)."""
    yield [str(title) for title, _ in columns]
    for row in iterate_by_pk(rows, EXPORT_CHUNK_SIZE):
        yield [neutralise(get(row)) for _, get in columns]


def log_export(rows, *, user, object_type, file_format, filters, row_count=None, **detail):
    """Record an export in the access log; pass `row_count` when the caller has counted already."""
    AccessLog.objects.record(
        user=user,
        action=AccessLog.Action.EXPORT,
        object_type=object_type,
        detail={"format": file_format, "filters": filters, **detail},
        row_count=rows.count() if row_count is None else row_count,
    )


def export_csv(rows, columns, *, user, object_type, filters, filename):
    """Stream `columns` (title, getter) of the rows as CSV, and log the export."""
    log_export(rows, user=user, object_type=object_type, file_format="csv", filters=filters)
    return _streamed_csv(table_rows(rows, columns), filename)


def _streamed_csv(lines, filename):
    """A CSV download written line by line as the client reads it, stamped with the local time."""
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow(line) for line in lines), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{timezone.localtime():%Y%m%d-%H%M}.csv"'
    return response


class CsvExportMixin:
    """For a FilterView: `?format=csv` answers with the filtered rows as a logged CSV instead of the page."""

    export_columns = []
    export_object_type = ""
    export_filename = ""
    export_only = False

    def get(self, request, *args, **kwargs):
        if not self.export_only and request.GET.get("format") != "csv":
            return super().get(request, *args, **kwargs)
        filterset = self.get_filterset(self.get_filterset_class())
        if filterset.is_bound and not filterset.is_valid():
            messages.error(request, _("Filter ekspor tidak valid; periksa pilihan Anda."))
            return redirect(request.path)
        filters = {key: value for key, value in request.GET.items() if key in filterset.filters and value}
        return export_csv(
            filterset.qs,
            self.export_columns,
            user=request.user,
            object_type=self.export_object_type,
            filters=filters,
            filename=self.export_filename,
        )


def export_businesses(businesses, *, file_format, user, filters, row_count=None):
    """Return an HTTP response with the businesses as CSV (streamed) or XLSX, and log the export."""
    businesses = businesses.select_related("owner", "desa", "kecamatan")
    if file_format == "csv":
        return export_csv(
            businesses, BUSINESS_COLUMNS, user=user, object_type="business", filters=filters, filename="usaha"
        )
    log_export(
        businesses, user=user, object_type="business", file_format=file_format, filters=filters, row_count=row_count
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Usaha")
    for row in table_rows(businesses, BUSINESS_COLUMNS):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="usaha-{stamp}.xlsx"'
    return response


def export_sidt(businesses, *, user, filters, full_identity, reason=""):
    """Stream the businesses in the national extract's 49 columns as CSV, and log the export (with the
    reason when the NIK, birth date and phone go out in full)."""
    lines = sidt_lines(businesses, user=user, filters=filters, full_identity=full_identity, reason=reason)
    return _streamed_csv(lines, "sidt")


def sidt_lines(businesses, *, user, filters, full_identity, reason="", **detail):
    """Log a SIDT export, then return its header and rows, cells neutralised: what the web export and
    `manage.py export_sidt` write."""
    from registry.sidt import export_rows

    log_export(
        businesses,
        user=user,
        object_type="business",
        file_format="sidt-csv",
        filters=filters,
        full_identity=full_identity,
        reason=reason,
        **detail,
    )
    return ([neutralise(cell) for cell in row] for row in export_rows(businesses, full_identity=full_identity))
