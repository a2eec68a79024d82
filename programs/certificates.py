"""Printable certificates (sertifikat) for training participants who completed, as PDF."""

import io

import segno
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
GREEN = (0.04, 0.36, 0.23)


def tanggal(day):
    """A date written the Indonesian way: 5 Juli 2026."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def issuer_lines(training):
    """The issuing office, naming the kabupaten once: an organiser such as "Dinas Koperasi dan UMKM
    Kabupaten Sidoarjo" already names it, else the kabupaten follows on its own line."""
    kabupaten = training.kabupaten
    kind = kabupaten.get_kind_display()
    full = kabupaten.name if kabupaten.name.lower().startswith(kind.lower()) else f"{kind} {kabupaten.name}"
    bare = full[len(kind) :].strip()
    lines = [training.organiser.upper()]
    if bare.lower() not in training.organiser.lower():
        lines.append(full.upper())
    return lines


def _draw_qr(pdf, text, x, y, size):
    """Draw `text` as a QR code of `size` points with its lower left corner at (x, y), as vector squares."""
    rows = [list(row) for row in segno.make(text, error="m").matrix_iter(scale=1, border=0)]
    module = size / len(rows)
    pdf.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(x + c * module, y + size - (r + 1) * module, module, module, stroke=0, fill=1)


def certificate_pdf(enrollment, *, verify_url):
    """Return the PDF bytes of one participant's certificate, with its signatory and a QR code that opens
    `verify_url`, the public page confirming it."""
    training, business = enrollment.training, enrollment.business
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"Sertifikat {business.owner.name}")
    pdf.setLineWidth(4)
    pdf.setStrokeColorRGB(*GREEN)
    pdf.rect(1.2 * cm, 1.2 * cm, width - 2.4 * cm, height - 2.4 * cm)
    lines = [("Helvetica", 13, line) for line in issuer_lines(training)]
    lines += [
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

    # The signatory, lower right: date, title, room for the signature and stamp, name, NIP.
    x = width - 7.5 * cm
    pdf.setFont("Helvetica", 11)
    pdf.drawCentredString(x, 5.6 * cm, tanggal(training.end_on))
    pdf.drawCentredString(x, 5.1 * cm, training.signatory_title)
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawCentredString(x, 2.9 * cm, training.signatory_name)
    if training.signatory_name:
        half = pdf.stringWidth(training.signatory_name, "Helvetica-Bold", 11) / 2
        pdf.setLineWidth(0.6)
        pdf.line(x - half, 2.8 * cm, x + half, 2.8 * cm)
    if training.signatory_nip:
        pdf.setFont("Helvetica", 10)
        pdf.drawCentredString(x, 2.35 * cm, f"NIP. {training.signatory_nip}")

    # The verification code and its QR, lower left.
    _draw_qr(pdf, verify_url, 2.2 * cm, 2.2 * cm, 2.8 * cm)
    pdf.setFont("Helvetica", 8)
    pdf.drawString(5.4 * cm, 4.3 * cm, "Periksa keaslian sertifikat ini:")
    pdf.drawString(5.4 * cm, 3.9 * cm, verify_url)
    pdf.setFont("Helvetica-Bold", 10)
    pdf.drawString(5.4 * cm, 3.3 * cm, f"Kode verifikasi: {enrollment.certificate_code}")
    pdf.setFont("Helvetica", 8)
    pdf.drawString(
        5.4 * cm, 2.8 * cm, f"No. {training.pk:04d}/{enrollment.pk:06d} · dicetak {tanggal(timezone.localdate())}"
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
