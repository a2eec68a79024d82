"""Printable certificates (sertifikat) for training participants who completed, as PDF."""

import io

from django.utils import timezone
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas

_MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def tanggal(day):
    """A date written the Indonesian way: 5 Juli 2026."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def certificate_pdf(enrollment):
    """Return the PDF bytes of one participant's certificate."""
    training, business = enrollment.training, enrollment.business
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"Sertifikat {business.owner.name}")
    pdf.setLineWidth(4)
    pdf.setStrokeColorRGB(0.04, 0.36, 0.23)
    pdf.rect(1.2 * cm, 1.2 * cm, width - 2.4 * cm, height - 2.4 * cm)
    lines = [
        ("Helvetica", 13, training.organiser.upper()),
        ("Helvetica", 12, training.kabupaten.name.upper()),
        ("Helvetica-Bold", 34, "SERTIFIKAT"),
        ("Helvetica", 14, "diberikan kepada"),
        ("Helvetica-Bold", 24, business.owner.name),
        ("Helvetica", 14, business.name),
        ("Helvetica", 14, "yang telah menyelesaikan pelatihan"),
        ("Helvetica-Bold", 18, training.title),
        ("Helvetica", 12, f"{training.venue}, {tanggal(training.start_on)} sampai {tanggal(training.end_on)}"),
    ]
    y = height - 2.6 * cm
    for font, size, text in lines:
        # Move down by this line's own height first, so a large line never overlaps the one above.
        y -= size * 1.4
        pdf.setFont(font, size)
        pdf.drawCentredString(width / 2, y, text)
        y -= size * 0.5
    pdf.setFont("Helvetica", 9)
    pdf.drawString(
        2 * cm, 1.7 * cm, f"No. {training.pk:04d}/{enrollment.pk:06d} · dicetak {tanggal(timezone.localdate())}"
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
