"""Uploaded photos: only real images are kept, re-encoded as JPEG without EXIF, within size and pixel limits."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel phone photo; anything bigger is refused before decoding
PHOTO_EDGE = 1600
THUMBNAIL_EDGE = 320
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}


def _encode(image, edge):
    copy = image.copy()
    copy.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    # Saving without exif= drops every tag, GPS included; the pixels are all that leave this function.
    copy.save(buffer, format="JPEG", quality=82, optimize=True, progressive=True)
    return ContentFile(buffer.getvalue(), name="photo.jpg")


def reencode_photo(upload):
    """Return (photo, thumbnail) as new JPEG files, or raise ValidationError for anything not a photo."""
    if upload.size == 0:
        raise ValidationError("Berkas foto kosong.", code="empty")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError("Foto terlalu besar (maksimal 10 MB).", code="too_big")
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise ValidationError("Hanya foto JPEG, PNG atau WebP yang diterima.", code="format")
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError("Ukuran foto (piksel) terlalu besar.", code="pixels")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            image = ImageOps.exif_transpose(image).convert("RGB")
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError("Ukuran foto (piksel) terlalu besar.", code="pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError("Berkas ini bukan foto yang dapat dibaca.", code="invalid") from None
    return _encode(image, PHOTO_EDGE), _encode(image, THUMBNAIL_EDGE)


MAX_SCAN_BYTES = 10 * 1024 * 1024


def clean_scan(upload):
    """Return a safe copy of a document scan: a PDF as it is (checked by its header), a photo re-encoded.

    Raises ValidationError for anything else, such as HTML or a script renamed .pdf.
    """
    if upload.size == 0:
        raise ValidationError("Berkas pindaian kosong.", code="empty")
    if upload.size > MAX_SCAN_BYTES:
        raise ValidationError("Pindaian terlalu besar (maksimal 10 MB).", code="too_big")
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return ContentFile(upload.read(), name="scan.pdf")
    photo, _ = reencode_photo(upload)
    photo.name = "scan.jpg"
    return photo
