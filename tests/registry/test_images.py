import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from registry.images import reencode_photo
from tests.factories import jpeg_upload


def test_photo_is_resized_reencoded_and_stripped_of_exif():
    exif = Image.Exif()
    exif[0x010F] = "KameraHP"  # Make
    exif.get_ifd(0x8825).update({1: "S", 2: (7.0, 27.0, 0.0)})  # GPS latitude
    upload = jpeg_upload(4000, 3000, exif=exif)

    photo, thumbnail = reencode_photo(upload)

    with Image.open(photo) as image:
        assert (image.format, max(image.size)) == ("JPEG", 1600)
        assert dict(image.getexif()) == {}
    with Image.open(thumbnail) as image:
        assert max(image.size) == 320


def test_png_becomes_jpeg():
    buffer = io.BytesIO()
    Image.new("RGBA", (100, 80), (0, 0, 0, 0)).save(buffer, format="PNG")

    photo, _ = reencode_photo(SimpleUploadedFile("a.png", buffer.getvalue()))

    assert Image.open(photo).format == "JPEG"


def _pixel_bomb():
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "kosong"),
        (b"<html><script>alert(1)</script></html>", "bukan foto"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "bukan foto"),
        (b"GIF89a" + b"\x00" * 100, "bukan foto"),
    ],
)
def test_hostile_files_are_refused(content, message):
    with pytest.raises(ValidationError, match=message):
        reencode_photo(SimpleUploadedFile("../../etc/passwd\x00.jpg", content))


def test_pixel_bomb_is_refused_before_decoding():
    with pytest.raises(ValidationError, match="piksel"):
        reencode_photo(SimpleUploadedFile("bom.png", _pixel_bomb()))


def test_trailing_script_after_a_real_image_is_dropped():
    upload = jpeg_upload()
    tainted = SimpleUploadedFile("a.jpg", upload.read() + b"<script>alert(1)</script>")

    photo, _ = reencode_photo(tainted)

    assert b"<script>" not in photo.read()
