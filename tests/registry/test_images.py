import io
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from registry.images import MAX_PIXELS, clean_scan, reencode_photo
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


#
# Hostile photos built for real: what a browser could run must not survive, nor a worker's memory go
#

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def test_html_in_a_jpeg_comment_does_not_survive_reencoding():
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (10, 120, 40)).save(buffer, format="JPEG", comment=HTML)
    assert HTML in buffer.getvalue()  # the hostile file really carries it

    photo, thumbnail = reencode_photo(SimpleUploadedFile("a.jpg", buffer.getvalue()))

    for stored in (photo, thumbnail):
        content = stored.read()
        assert b"<script" not in content
        assert "comment" not in Image.open(io.BytesIO(content)).info


def test_a_scan_photo_loses_its_comment_too():
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300)).save(buffer, format="JPEG", comment=HTML)

    scan = clean_scan(SimpleUploadedFile("scan.jpg", buffer.getvalue()))

    assert b"<script" not in scan.read()


def test_icc_profile_xmp_and_png_text_are_dropped():
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>' + HTML + b"</rdf:Description></x:xmpmeta>"
    jpeg = io.BytesIO()
    Image.new("RGB", (400, 300)).save(jpeg, format="JPEG", icc_profile=icc, xmp=xmp)
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", HTML.decode())
    png = io.BytesIO()
    Image.new("RGB", (400, 300)).save(png, format="PNG", pnginfo=text, icc_profile=icc)

    for upload in (jpeg.getvalue(), png.getvalue()):
        photo, _ = reencode_photo(SimpleUploadedFile("a", upload))
        content = photo.read()
        info = Image.open(io.BytesIO(content)).info
        assert not {"icc_profile", "xmp", "comment", "exif"} & set(info)
        assert b"<script" not in content


def test_orientation_is_applied_before_the_exif_is_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to view
    upload = jpeg_upload(800, 400, exif=exif)

    photo, _ = reencode_photo(upload)

    assert Image.open(photo).size == (400, 800)


def _tiny_png_of(width, height):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def test_a_small_png_of_many_megapixels_is_refused_before_decoding():
    content = _tiny_png_of(7280, 5456)  # 39.7 megapixels in about 116 KB, as the penetration test sent

    assert len(content) < 200 * 1024
    with pytest.raises(ValidationError, match="megapiksel"):
        reencode_photo(SimpleUploadedFile("besar.png", content))


_MEASURE = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    import django
    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from registry.images import reencode_photo

    def status(field):
        line = next(l for l in Path("/proc/self/status").read_text().splitlines() if l.startswith(field))
        return int(line.split()[1])

    upload = SimpleUploadedFile("photo", Path(sys.argv[1]).read_bytes())
    Path("/proc/self/clear_refs").write_text("5")
    before = status("VmRSS")
    try:
        reencode_photo(upload)
    except Exception:
        pass
    print((status("VmHWM") - before) // 1024)
""")


def _peak_megabytes(tmp_path, content):
    """Peak memory (MB above the start) of re-encoding `content` in a fresh Python process."""
    path = tmp_path / "photo"
    path.write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    return int(result.stdout.strip().splitlines()[-1])


def test_the_pixel_limit_bounds_a_workers_memory(tmp_path):
    """The costliest decoding allowed (an RGBA WebP at the limit) stays under 256 MB; the 39.7-megapixel
    PNG that cost about 450 MB is refused for almost nothing."""
    width = int((MAX_PIXELS["WEBP"] * 4 / 3) ** 0.5)
    webp = io.BytesIO()
    Image.new("RGBA", (width, MAX_PIXELS["WEBP"] // width)).save(webp, format="WEBP")

    assert _peak_megabytes(tmp_path, webp.getvalue()) < 256
    assert _peak_megabytes(tmp_path, _tiny_png_of(7280, 5456)) < 32
