"""The recap as a dinas prints it: headers that wrap between words, an export section that is never blank."""

import io
import os

from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.documents import NO_EXPORTS as _NO_EXPORTS
from reports.documents import RECAP_HEADER

NO_EXPORTS = str(_NO_EXPORTS)  # in the tests' language, Indonesian


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def keep(name, content):
    """Leave the PDF under test-results/ for a person to look at (pdftoppm turns it into pictures)."""
    folder = os.path.join(os.path.dirname(__file__), "..", "..", "test-results", "pdf")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as out:
        out.write(content)


def test_recap_headers_wrap_between_words_never_inside_one(client, world, dinas_sidoarjo):
    client.force_login(dinas_sidoarjo)

    content = client.get(reverse("reports:summary_pdf")).content
    keep("rekap.pdf", content)

    recap = pdf_text(content).split("Rekap per kecamatan", 1)[1][:600]
    tokens = recap.split()
    for title in RECAP_HEADER:
        for word in title.split():
            assert word in tokens, (word, recap[:300])
    assert "Balongbendo" in tokens


def test_the_export_section_is_filled_for_a_period_with_exports(client, world, dinas_sidoarjo):
    client.force_login(dinas_sidoarjo)

    text = pdf_text(client.get(reverse("reports:summary_pdf")).content)

    exports = text.split("Ekspor per negara tujuan", 1)[1]
    assert "Malaysia" in exports
    assert NO_EXPORTS not in text


def test_a_period_without_exports_says_so_in_both_formats(client, world, dinas_sidoarjo):
    client.force_login(dinas_sidoarjo)
    period = {"from_date": "2019-01-01", "to_date": "2019-12-31"}

    text = pdf_text(client.get(reverse("reports:summary_pdf"), period).content)
    workbook = load_workbook(io.BytesIO(client.get(reverse("reports:summary_xlsx"), period).content))
    rows = [row[0] for row in workbook.active.iter_rows(values_only=True)]

    assert NO_EXPORTS in text.split("Ekspor per negara tujuan", 1)[1]
    assert rows[rows.index("Ekspor per negara tujuan") + 1] == NO_EXPORTS
