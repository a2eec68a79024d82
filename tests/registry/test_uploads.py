"""Hostile uploads: PDFs that run scripts, a PDF/HTML polyglot, and how stored files are served."""

import io

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registry.models import LegalDocument
from registry.pdfs import ACTIVE_NAMES, clean_pdf
from registry.services import add_product_photo
from tests import hostile
from tests.factories import jpeg_upload, make_business, make_product
from umkm_portal.storage import STORED_FILE_CSP


def _names(content):
    """Every name anywhere in a PDF; its catalog's and first page's keys; the first page's content."""

    def walk(obj, depth=0):
        if isinstance(obj, pikepdf.Stream):
            obj = obj.stream_dict
        if isinstance(obj, pikepdf.Name):
            yield str(obj)
        elif isinstance(obj, pikepdf.Dictionary) and depth < 50:
            yield from obj.keys()
            for value in obj.values():
                yield from walk(value, depth + 1)
        elif isinstance(obj, pikepdf.Array) and depth < 50:
            for value in obj:
                yield from walk(value, depth + 1)

    with pikepdf.open(io.BytesIO(content)) as pdf:
        found = {name for obj in pdf.objects for name in walk(obj)}
        return found, set(pdf.Root.keys()), set(pdf.pages[0].obj.keys()), pdf.pages[0].Contents.read_bytes()


def test_a_pdf_with_open_action_javascript_is_rebuilt_without_anything_active():
    content = hostile.pdf_with_scripts()
    assert {"/OpenAction", "/JavaScript", "/EmbeddedFiles", "/AcroForm"} <= _names(content)[0]  # really hostile

    cleaned = clean_pdf(SimpleUploadedFile("izin.pdf", content)).read()

    names, catalog, page, text = _names(cleaned)
    assert not names & set(ACTIVE_NAMES)
    assert catalog == {"/Type", "/Pages"}
    assert "/Annots" not in page
    assert "/AA" not in page
    assert text == hostile.PAGE_TEXT  # the scan itself is kept
    assert b"JavaScript" not in cleaned
    assert b"MZ this is no scan" not in cleaned


def test_a_pdf_html_polyglot_loses_its_html():
    content = hostile.pdf_html_polyglot()
    assert content.startswith(b"%PDF-")
    assert hostile.SCRIPT in content

    cleaned = clean_pdf(SimpleUploadedFile("izin.pdf", content)).read()

    assert cleaned.startswith(b"%PDF-")
    assert b"<html" not in cleaned.lower()
    assert b"<script" not in cleaned.lower()
    assert _names(cleaned)[3] == hostile.PAGE_TEXT


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4\n<html>" + hostile.SCRIPT, "rusak"),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj trailer << /Root 1 0 R >>", "rusak"),
    ],
)
def test_a_pdf_that_cannot_be_read_is_refused(content, message):
    with pytest.raises(ValidationError, match=message):
        clean_pdf(SimpleUploadedFile("izin.pdf", content))


def test_a_pdf_locked_with_a_password_is_refused():
    buffer = io.BytesIO()
    with pikepdf.open(io.BytesIO(hostile.pdf())) as pdf:
        pdf.save(buffer, encryption=pikepdf.Encryption(user="rahasia", owner="rahasia"))

    with pytest.raises(ValidationError, match="kata sandi"):
        clean_pdf(SimpleUploadedFile("izin.pdf", buffer.getvalue()))


def _upload_scan(client, business, name, content):
    return client.post(
        reverse("registry:legaldocument_create", args=[business.pk]),
        {"kind": "halal", "number": "ID35150000012345", "scan": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize("content", [hostile.pdf_with_scripts(), hostile.pdf_html_polyglot()])
def test_a_hostile_pdf_is_stored_clean_and_served_as_a_sandboxed_download(
    client, coordinator_a, coordinator_b, kec_a, content
):
    business = make_business(kec_a)
    client.force_login(coordinator_a)

    _upload_scan(client, business, "halal.pdf", content)

    document = LegalDocument.objects.get()
    stored = document.scan.read()
    assert not _names(stored)[0] & set(ACTIVE_NAMES)
    assert b"<script" not in stored.lower()
    response = client.get(reverse("registry:legaldocument_scan", args=[document.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="pindaian-{document.pk}.pdf"'
    assert response["Content-Security-Policy"] == STORED_FILE_CSP
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert b"".join(response.streaming_content) == stored
    client.force_login(coordinator_b)
    assert client.get(reverse("registry:legaldocument_scan", args=[document.pk])).status_code == 404


def test_a_jpeg_scan_with_html_in_its_comment_is_stored_without_it(client, coordinator_a, kec_a):
    business = make_business(kec_a)
    client.force_login(coordinator_a)

    _upload_scan(client, business, "halal.jpg", hostile.jpeg_with_html_comment())

    document = LegalDocument.objects.get()
    assert b"<script" not in document.scan.read()
    response = client.get(reverse("registry:legaldocument_scan", args=[document.pk]))
    assert (response["Content-Type"], response["Content-Security-Policy"]) == ("image/jpeg", STORED_FILE_CSP)


def test_a_huge_pixel_png_scan_is_refused_in_indonesian(client, coordinator_a, kec_a):
    business = make_business(kec_a)
    client.force_login(coordinator_a)

    response = _upload_scan(client, business, "halal.png", hostile.png_of_many_pixels())

    assert response.status_code == 400
    assert "megapiksel" in response.content.decode()
    assert not LegalDocument.objects.exists()


#
# MEDIA_ACCEL_REDIRECT: nginx sends the file, after the portal's permission check
#


def test_with_accel_redirect_the_checked_view_names_the_file_for_nginx(
    client, settings, coordinator_a, coordinator_b, kec_a
):
    settings.MEDIA_ACCEL_REDIRECT = "/internal-media/"
    business = make_business(kec_a)
    document = LegalDocument.objects.create(business=business, kind="halal", number="ID35150000012345")
    document.scan.save("scan.pdf", ContentFile(hostile.pdf()), save=True)
    photo = add_product_photo(make_product(business), upload=jpeg_upload(), by=None)
    client.force_login(coordinator_a)

    scan = client.get(reverse("registry:legaldocument_scan", args=[document.pk]))
    image = client.get(photo.get_absolute_url())

    assert scan["X-Accel-Redirect"] == f"/internal-media/{document.scan.name}"
    assert scan.content == b""
    assert (scan["Content-Type"], scan["Content-Disposition"]) == (
        "application/pdf",
        f'attachment; filename="pindaian-{document.pk}.pdf"',
    )
    assert scan["Content-Security-Policy"] == STORED_FILE_CSP
    assert image["X-Accel-Redirect"] == f"/internal-media/{photo.image.name}"
    assert image["Content-Type"] == "image/jpeg"
    client.force_login(coordinator_b)
    refused = client.get(reverse("registry:legaldocument_scan", args=[document.pk]))
    assert refused.status_code == 404
    assert "X-Accel-Redirect" not in refused


def test_with_accel_redirect_a_missing_file_answers_404(client, settings, coordinator_a, kec_a):
    settings.MEDIA_ACCEL_REDIRECT = "/internal-media/"
    document = LegalDocument.objects.create(business=make_business(kec_a), kind="halal", number="ID35150000012345")
    document.scan.save("scan.pdf", ContentFile(hostile.pdf()), save=True)
    document.scan.storage.delete(document.scan.name)
    client.force_login(coordinator_a)

    assert client.get(reverse("registry:legaldocument_scan", args=[document.pk])).status_code == 404
