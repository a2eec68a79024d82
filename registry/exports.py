"""Spreadsheet exports of the business list: personal data masked, formula cells neutralised, logged."""

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

from registry.models import AccessLog

BUSINESS_COLUMNS = [
    ("Nama usaha", lambda b: b.name),
    ("Pemilik", lambda b: b.owner.name),
    ("NIK (disamarkan)", lambda b: b.owner.masked_nik),
    ("Desa/kelurahan", lambda b: b.desa.name),
    ("Kecamatan", lambda b: b.kecamatan.name),
    ("Kategori", lambda b: b.get_category_display()),
    ("KBLI", lambda b: b.kbli_code),
    ("NIB", lambda b: b.nib),
    ("Skala", lambda b: b.get_size_class_display()),
    ("Status", lambda b: b.get_status_display()),
    ("Verifikasi", lambda b: b.get_verification_display()),
    ("Binaan", lambda b: b.guided_by),
    ("Unggulan", lambda b: "ya" if b.is_flagship else "tidak"),
    ("Didaftarkan", lambda b: timezone.localtime(b.created_at).strftime("%d-%m-%Y")),
]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Prefix a cell that a spreadsheet would run as a formula (CSV injection) with an apostrophe."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


class _Echo:
    def write(self, value):
        return value


def _rows(businesses):
    yield [title for title, _ in BUSINESS_COLUMNS]
    for business in businesses.iterator(chunk_size=2000):
        yield [neutralise(get(business)) for _, get in BUSINESS_COLUMNS]


def export_businesses(businesses, *, file_format, user, filters):
    """Return an HTTP response with the businesses as CSV (streamed) or XLSX, and log the export."""
    businesses = businesses.select_related("owner", "desa", "kecamatan")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    AccessLog.objects.create(
        user=user,
        action=AccessLog.Action.EXPORT,
        object_type="business",
        detail={"format": file_format, "filters": filters},
        row_count=businesses.count(),
    )
    if file_format == "csv":
        writer = csv.writer(_Echo())
        response = StreamingHttpResponse((writer.writerow(row) for row in _rows(businesses)), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="usaha-{stamp}.csv"'
        return response
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Usaha")
    for row in _rows(businesses):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="usaha-{stamp}.xlsx"'
    return response
