"""Uploaded photos and scans: only real images are kept, re-encoded as JPEG from their pixels alone (no EXIF,
ICC, XMP or comment), within size and pixel limits; a PDF scan is rebuilt by registry.pdfs.
"""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, UnidentifiedImageError

from registry.pdfs import clean_pdf

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Pixels cost memory that no file size bounds (a 116 KB PNG can hold 40 megapixels). A JPEG is decoded
# at reduced scale, so it may have more; PNG and WebP are decoded whole, at 4 to 17 bytes a pixel.
# The worst case at these limits is measured by bench/photo_memory.py and stated in SECURITY.md.
MAX_PIXELS = {"JPEG": 25_000_000, "MPO": 25_000_000, "PNG": 12_000_000, "WEBP": 12_000_000}
PHOTO_EDGE = 1600
THUMBNAIL_EDGE = 320
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}
# Modes that resize well as they are; any other (palette, 16-bit, CMYK...) is converted first.
_RESIZABLE_MODES = {"RGB", "RGBA", "L"}


def _pixels_only(image):
    """A new RGB image holding `image`'s pixels and nothing else: no comment, EXIF, ICC or XMP can follow."""
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    return clean


def _encode(image, edge):
    copy = image.copy()
    copy.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    # `image` came from _pixels_only: JPEG's encoder would otherwise copy a comment from image.info.
    copy.save(buffer, format="JPEG", quality=82, optimize=True, progressive=True)
    return ContentFile(buffer.getvalue(), name="photo.jpg")


def _decode(upload):
    """The upload's first frame at most PHOTO_EDGE on its longest side, upright, as pixels only."""
    with Image.open(upload) as image:
        orientation = image.getexif().get(ExifTags.Base.Orientation)
        # A JPEG is decoded at 1/2 to 1/8 scale when that still covers the photo's size (libjpeg's own
        # scaling), so a big photo never lands in memory at full size; other formats are decoded once.
        scale = PHOTO_EDGE / max(image.size)
        image.draft("RGB", (max(1, round(image.width * scale)), max(1, round(image.height * scale))))
        if image.mode not in _RESIZABLE_MODES:
            image = image.convert("RGBA" if image.has_transparency_data else "RGB")
        image.thumbnail((PHOTO_EDGE, PHOTO_EDGE), Image.Resampling.LANCZOS)
        clean = _pixels_only(image)
    method = _ORIENTATIONS.get(orientation)
    return clean.transpose(method) if method is not None else clean


_ORIENTATIONS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def reencode_photo(upload):
    """Return (photo, thumbnail) as new JPEG files, or raise ValidationError for anything not a photo.

    Only the pixels are kept: EXIF (GPS included), ICC and XMP data, comments and anything after the
    image's end are dropped; a photo of more than MAX_PIXELS is refused before it is decoded.
    """
    if upload.size == 0:
        raise ValidationError(_("Berkas foto kosong."), code="empty")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("Foto terlalu besar (maksimal 10 MB)."), code="too_big")
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise ValidationError(_("Hanya foto JPEG, PNG atau WebP yang diterima."), code="format")
            if probe.width * probe.height > MAX_PIXELS[probe.format]:
                raise ValidationError(
                    _(
                        "Ukuran foto terlalu besar (%(probe_width)s x %(probe_height)s piksel; untuk "
                        "%(probe_format)s paling banyak %(number)s megapiksel). Kirim foto dengan resolusi "
                        "biasa."
                    )
                    % {
                        "probe_width": probe.width,
                        "probe_height": probe.height,
                        "probe_format": probe.format,
                        "number": MAX_PIXELS[probe.format] // 1_000_000,
                    },
                    code="pixels",
                )
            probe.verify()
        upload.seek(0)
        image = _decode(upload)
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(_("Ukuran foto (piksel) terlalu besar."), code="pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("Berkas ini bukan foto yang dapat dibaca."), code="invalid") from None
    return _encode(image, PHOTO_EDGE), _encode(image, THUMBNAIL_EDGE)


MAX_SCAN_BYTES = 10 * 1024 * 1024


def clean_scan(upload):
    """Return a safe copy of a document scan: a PDF rebuilt from its pages alone, a photo re-encoded.

    Raises ValidationError for anything else, such as HTML or a script renamed .pdf.
    """
    if upload.size == 0:
        raise ValidationError(_("Berkas pindaian kosong."), code="empty")
    if upload.size > MAX_SCAN_BYTES:
        raise ValidationError(_("Pindaian terlalu besar (maksimal 10 MB)."), code="too_big")
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return clean_pdf(upload)
    photo = reencode_photo(upload)[0]
    photo.name = "scan.jpg"
    return photo


def resize_jpeg(source, edge):
    """A smaller JPEG of a stored (already re-encoded) photo, at most `edge` pixels on its longest side."""
    with Image.open(source) as image:
        image.draft("RGB", (edge, edge))
        return _encode(_pixels_only(image), edge)
