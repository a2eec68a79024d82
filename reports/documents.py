"""The kabupaten summary and per-kecamatan recap as files: Excel, and a PDF laid out like a dinas report."""

import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from programs.certificates import tanggal
from registry.exports import neutralise
from registry.templatetags.umkm import number_id, rupiah_short
from reports.figures import area_name
from umkm_portal.pdf_pages import numbered_canvas

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECAP_HEADER = [
    _("Kecamatan"),
    _("Usaha"),
    _("Terverifikasi"),
    _("Binaan"),
    _("Mikro"),
    _("Kecil"),
    _("Menengah"),
    _("Besar"),
    _("Belum terklasifikasi"),
    _("NIB"),
    _("P-IRT"),
    _("Halal"),
    _("Pemilik perempuan"),
]
RECAP_KEYS = ["total", "verified", "guided", "mikro", "kecil", "menengah", "besar", "unclassified", "nib", "pirt"]
RECAP_KEYS += ["halal", "women"]
NO_EXPORTS = _("Tidak ada ekspor pada periode ini.")
NO_DATA = _("Tidak ada data pada periode ini.")
# A wide table's cells: little padding, and a font that steps down until every column holds its longest word.
CELL_PADDING = 3
FONT_SIZES = (7, 6.5, 6, 5.5, 5)


def _shown(figure):
    return rupiah_short(figure.value) if figure.money else number_id(figure.value)


def empty_text(title):
    """What a section without rows says instead of an empty table."""
    return NO_EXPORTS if str(title) == str(_("Ekspor per negara tujuan")) else NO_DATA


def column_widths(header, rows, available):
    """(font size, widths) for a wide table: every column at least as wide as its longest header word
    (headers wrap between words, never inside one) and its widest cell; the room left goes to the first
    column, which holds the names. Falls back to the smallest font when even that does not fit."""
    for size in FONT_SIZES:
        widths = []
        for i, title in enumerate(header):
            words = [stringWidth(word, "Helvetica", size) for word in str(title).split()] or [0]
            cells = [stringWidth(_text(row[i]), "Helvetica", size) for row in rows if i < len(row)]
            widths.append(max([*words, *cells]) + 2 * CELL_PADDING + 1)
        if sum(widths) <= available:
            break
    spare = available - sum(widths)
    if spare > 0:
        widths[0] += spare
    return size, widths


class SummaryReport:
    """Everything the dashboard shows, as sections of (title, header, rows) written to either format."""

    title = _("Laporan Ringkas UMKM")

    def __init__(self, dashboard):
        self.dashboard = dashboard
        self.printed_at = timezone.localtime()
        self.area = area_name(dashboard.user)

    @property
    def filename(self):
        return f"laporan-umkm-{self.printed_at:%Y%m%d-%H%M}"

    def period_text(self):
        period = self.dashboard.period
        if period.start and period.end:
            return _("%(start)s s.d. %(end)s") % {"start": tanggal(period.start), "end": tanggal(period.end)}
        if period.end:
            return _("sampai %(date)s") % {"date": tanggal(period.end)}
        if period.start:
            return _("sejak %(date)s") % {"date": tanggal(period.start)}
        return _("seluruh data")

    def filters_used(self):
        """The filters in words, for the report's header and the access log."""
        form = self.dashboard.filter.form
        cleaned = getattr(form, "cleaned_data", {})
        used = {}
        for name in ("kecamatan", "category", "group", "guided", "is_flagship"):
            value = cleaned.get(name)
            if value in (None, ""):
                continue
            field = form.fields[name]
            if name in ("guided", "is_flagship"):
                value = _("ya") if value else _("tidak")
            elif name == "category":
                value = dict(field.choices).get(value, value)
            used[str(field.label)] = str(value)
        return used

    def sections(self):
        """(title, header, rows) in report order; numbers stay numbers here, formatting is per format."""
        dashboard = self.dashboard
        sections = [(_("Ringkasan"), ["", _("Jumlah")], [[f.label, f] for f in dashboard.totals()])]
        documents = dashboard.documents()
        sections.append(
            (
                _("Legalitas"),
                ["", _("Jumlah usaha")],
                [[f.label, f] for f in [*documents["coverage"], *documents["expiring"], documents["halal_due"]]],
            )
        )
        for key, figures in dashboard.funnels().items():
            title = {
                "pelatihan": _("Pelatihan"),
                "kurasi": _("Kurasi produk"),
                "pembiayaan": _("Rujukan pembiayaan"),
                "pembiayaan_nilai": _("Nilai pembiayaan"),
            }[key]
            sections.append((title, ["", _("Jumlah")], [[f.label, f] for f in figures]))
        recap = [[name, *[row[key] for key in RECAP_KEYS]] for name, row in dashboard.kecamatan_recap()]
        sections.append((_("Rekap per kecamatan"), RECAP_HEADER, recap))
        for chart in dashboard.charts():
            if chart.key == "kecamatan":
                continue  # the recap above already has it
            header, rows = chart.table()
            sections.append((chart.title, header, rows))
        return sections

    def heading_lines(self):
        lines = [
            (_("Wilayah"), self.area),
            (_("Periode"), self.period_text()),
            *self.filters_used().items(),
            (
                _("Dicetak"),
                _("%(date)s pukul %(time)s WIB")
                % {"date": tanggal(self.printed_at.date()), "time": f"{self.printed_at:%H.%M}"},
            ),
        ]
        return lines

    def xlsx(self):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = str(_("Laporan"))
        bold = Font(bold=True)
        sheet.append([str(self.title)])
        sheet["A1"].font = Font(bold=True, size=14)
        for label, value in self.heading_lines():
            sheet.append([str(label), neutralise(value)])
        for title, header, rows in self.sections():
            sheet.append([])
            sheet.append([str(title)])
            sheet.cell(row=sheet.max_row, column=1).font = bold
            if not rows:
                sheet.append([str(empty_text(title))])
                continue
            sheet.append([neutralise(cell) for cell in header])
            for row in rows:
                sheet.append([_cell(value) for value in row])
        sheet.column_dimensions["A"].width = 48
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def pdf(self):
        buffer = io.BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=1.8 * cm,
            rightMargin=1.8 * cm,
            topMargin=1.6 * cm,
            bottomMargin=1.8 * cm,
            title=str(self.title),
            author="UMKM Portal",
        )
        styles = getSampleStyleSheet()
        story = [
            Paragraph(str(self.title).upper(), styles["Title"]),
            Paragraph(self.area, styles["Heading3"]),
        ]
        heading = Table(
            [[str(label), str(value)] for label, value in self.heading_lines()[1:]], colWidths=[3.5 * cm, 13.5 * cm]
        )
        heading.setStyle(TableStyle([("FONTSIZE", (0, 0), (-1, -1), 9), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story += [heading, Spacer(1, 0.4 * cm)]
        for title, header, rows in self.sections():
            story.append(Paragraph(str(title), styles["Heading4"]))
            if not rows:
                story += [Paragraph(str(empty_text(title)), styles["BodyText"]), Spacer(1, 0.3 * cm)]
                continue
            wide = len(header) > 4
            size, widths = column_widths(header, rows, document.width) if wide else (9, None)
            # Header cells are Paragraphs so they wrap; splitLongWords off: a word is never cut in two.
            small = styles["BodyText"].clone("small", fontSize=size, leading=size + 2, splitLongWords=0)
            data = [[Paragraph(str(cell), small) if wide else str(cell) for cell in header]]
            data += [[_text(value) for value in row] for row in rows]
            table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
            style = [
                ("FONTSIZE", (0, 0), (-1, -1), size),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f1ec")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
            ]
            if wide:
                style += [
                    ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                    ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ]
            table.setStyle(TableStyle(style))
            story += [table, Spacer(1, 0.3 * cm)]
        document.build(story, canvasmaker=numbered_canvas(f"{self.title} · UMKM Portal"))
        return buffer.getvalue()


def _cell(value):
    """A spreadsheet cell: numbers as numbers, text neutralised."""
    value = getattr(value, "value", value)
    if isinstance(value, int | float | Decimal):
        return value
    return neutralise(value)


def _text(value):
    """A PDF cell in Indonesian formatting: 12.345, Rp 37 miliar."""
    if hasattr(value, "money"):
        return _shown(value)
    if isinstance(value, Decimal):
        return rupiah_short(value)
    if isinstance(value, int):
        return number_id(value)
    return str(value)
