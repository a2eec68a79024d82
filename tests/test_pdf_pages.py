"""The foot of the portal's own PDFs (umkm_portal.pdf_pages): the footer and "Halaman X dari Y", from the
page asked for (the printable catalogue leaves its cover bare; a report numbers every page)."""

import io

from pypdf import PdfReader
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

from umkm_portal.pdf_pages import numbered_canvas


def pages_of(from_page):
    out = io.BytesIO()
    body = getSampleStyleSheet()["Normal"]
    story = [Paragraph("Sampul", body), PageBreak(), Paragraph("Isi", body), PageBreak(), Paragraph("Akhir", body)]
    SimpleDocTemplate(out).build(story, canvasmaker=numbered_canvas("Katalog Sidoarjo", from_page=from_page))
    return [page.extract_text() for page in PdfReader(io.BytesIO(out.getvalue())).pages]


def test_every_page_is_numbered_out_of_the_whole_count():
    pages = pages_of(1)

    assert len(pages) == 3
    for number, text in enumerate(pages, start=1):
        assert "Katalog Sidoarjo" in text
        assert f"Halaman {number} dari 3" in text


def test_a_cover_can_be_left_bare():
    cover, inside, last = pages_of(2)

    assert "Halaman" not in cover
    assert "Katalog Sidoarjo" not in cover
    assert "Halaman 2 dari 3" in inside
    assert "Halaman 3 dari 3" in last
