"""Printable certificates (sertifikat) for training participants who completed, as PDF."""

import io

import segno
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas

GREEN = (0.04, 0.36, 0.23)


def tanggal(day):
    """A date written out in the active language by Django's own month names: "5 Juli 2026", "5 July 2026"."""
    return date_format(day, "j F Y")


def issuer_lines(training):
    """The issuing office, naming the kabupaten once: an organiser such as "Dinas Koperasi dan UMKM
    Kabupaten Sidoarjo" already names it, else the kabupaten follows on its own line."""
    kabupaten = training.kabupaten
    with translation.override("id"):  # "Kabupaten"/"Kota" as the place's own name spells it, in every language
        kind = str(kabupaten.get_kind_display())
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
    pdf.setTitle(_("Sertifikat %(name)s") % {"name": business.owner.name})
    pdf.setLineWidth(4)
    pdf.setStrokeColorRGB(*GREEN)
    pdf.rect(1.2 * cm, 1.2 * cm, width - 2.4 * cm, height - 2.4 * cm)
    lines = [("Helvetica", 13, line) for line in issuer_lines(training)]
    lines += [
        ("Helvetica-Bold", 34, _("SERTIFIKAT")),
        ("Helvetica", 14, _("diberikan kepada")),
        ("Helvetica-Bold", 24, business.owner.name),
        ("Helvetica", 14, business.name),
        ("Helvetica", 14, _("yang telah menyelesaikan pelatihan")),
        ("Helvetica-Bold", 18, training.title),
        (
            "Helvetica",
            12,
            _("%(venue)s, %(start)s sampai %(end)s")
            % {"venue": training.venue, "start": tanggal(training.start_on), "end": tanggal(training.end_on)},
        ),
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
    pdf.drawString(5.4 * cm, 4.3 * cm, _("Periksa keaslian sertifikat ini:"))
    pdf.drawString(5.4 * cm, 3.9 * cm, verify_url)
    pdf.setFont("Helvetica-Bold", 10)
    pdf.drawString(5.4 * cm, 3.3 * cm, _("Kode verifikasi: %(code)s") % {"code": enrollment.certificate_code})
    pdf.setFont("Helvetica", 8)
    pdf.drawString(
        5.4 * cm,
        2.8 * cm,
        _("No. %(number)s · dicetak %(date)s")
        % {"number": f"{training.pk:04d}/{enrollment.pk:06d}", "date": tanggal(timezone.localdate())},
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
