"""Hostile cells and files through the import's pages (issue 19): a cell that cannot be read is a row's
Indonesian error or warning, a workbook that cannot be read a clear refusal; never a server error, and
nothing written but what the rows allow. Files are written as the field writes them (tests/fieldfiles.py).
"""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registry.models import Business, ImportBatch, YearlyFigure
from tests import fieldfiles
from tests.worker import run_tasks

BALONGBENDO = ["35.15.12.2001", "35.15.12.2006", "35.15.12.2002"]
HEADERS = [*fieldfiles.DINAS_HEADERS, "LINTANG", "BUJUR"]


def _upload(client, content, name="umkm-balongbendo.xlsx"):
    """Post the file as the upload page does; then a worker reads it, as `manage.py run_worker` does."""
    response = client.post(reverse("registry:import_upload"), {"file": SimpleUploadedFile(name, content)})
    run_tasks()
    return response


def _workbook(cells):
    """A kecamatan office's workbook of three rows; the first row's cells replaced by `cells`."""
    rows = fieldfiles.dinas_sheet_rows(BALONGBENDO, 3, seed=19)
    for row in rows:
        row.update({"LINTANG": "-7.4201", "BUJUR": "112.5533"})
    rows[0].update(cells)
    return fieldfiles.dinas_xlsx(rows, headers=HEADERS)


@pytest.mark.parametrize(
    ("cells", "said"),
    [
        ({"TAHUN": "²"}, "Tahun harus ditulis dengan 4 angka"),
        ({"TAHUN": "2O24"}, "Tahun harus ditulis dengan 4 angka"),
        ({"TK": "²"}, "Isi dengan bilangan bulat"),
        ({"TK": "1e999"}, "Isi dengan bilangan bulat"),
        ({"LINTANG": "NaN", "BUJUR": "NaN"}, "Lintang tidak dikenali"),
        ({"LINTANG": "1e999", "BUJUR": "-1e999"}, "Lintang"),
        ({"LINTANG": float("nan"), "BUJUR": float("inf")}, None),  # number cells no one can type: left blank
        ({"OMZET/TAHUN": "9" * 40}, "Terlalu besar: paling banyak 999.999.999.999.999 (15 digit)."),
    ],
    ids=["year-superscript", "year-letter", "workers-superscript", "workers-huge", "nan", "1e999", "nan-cell", "40"],
)
def test_a_bad_cell_is_a_row_message_and_the_other_rows_import(client, dinas_sidoarjo, cells, said):
    client.force_login(dinas_sidoarjo)

    uploaded = _upload(client, _workbook(cells))
    mapping = client.get(uploaded["Location"])
    batch = ImportBatch.objects.get()
    mapped = client.post(
        uploaded["Location"], {f"col_{i}": target for i, target in batch.mapping.items()} | {"year": "2025"}
    )
    run_tasks()  # a worker checks the rows for the preview
    preview = client.get(batch.get_absolute_url())
    queued = client.post(batch.get_absolute_url(), {"mode": "valid"})
    run_tasks()

    assert (uploaded.status_code, mapping.status_code, mapped.status_code, preview.status_code) == (302, 200, 302, 200)
    assert said is None or said in preview.content.decode()
    assert queued.status_code == 302
    assert Business.objects.count() in (2, 3)  # a warning keeps the row (the value left blank), an error not
    assert not YearlyFigure.objects.filter(workers__gt=10**6).exists()
    assert not Business.objects.filter(latitude__isnull=False, longitude__isnull=True).exists()


# A DTD whose entities expand a thousand-fold at each of seven levels (the "billion laughs"); Excel never
# writes a DTD. Python's XML parser refuses the expansion: that refusal must become the page's message.
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY l0 "ha">'
    + "".join(f'<!ENTITY l{level} "{f"&l{level - 1};" * 1000}">' for level in range(1, 8))
    + "]>"
)


def _with_laughs(content, part, old, new):
    """The same workbook with `part` starting with LAUGHS and `old` replaced by `new` in it."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == part:
                text = body.decode()
                text = text.split("?>", 1)[1] if text.startswith("<?xml") else text
                assert old in text
                body = (LAUGHS + text.replace(old, new, 1)).encode()
            target.writestr(info, body)
    return out.getvalue()


@pytest.mark.parametrize(
    ("part", "old", "new"),
    [
        ("xl/workbook.xml", 'name="Data UMKM"', 'name="&l7;"'),
        ("xl/worksheets/sheet2.xml", "<t>NAMA PEMILIK</t>", "<t>&l7;</t>"),
    ],
    ids=["workbook", "sheet"],
)
def test_a_workbook_with_an_entity_expansion_is_refused_in_indonesian(client, dinas_sidoarjo, part, old, new):
    client.force_login(dinas_sidoarjo)
    content = _with_laughs(_workbook({}), part, old, new)

    response = _upload(client, content)  # the upload only stores the file; the worker that reads it refuses it
    page = client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert "tidak dapat dibaca" in page
    assert ImportBatch.objects.get().status == ImportBatch.Status.UNREADABLE
    assert not Business.objects.exists()
