"""Peak memory of re-encoding one hostile photo at the pixel limit (registry/images.py:MAX_PIXELS).

Run: DATABASE_URL=... SECRET_KEY=x .venv/bin/python bench/photo_memory.py
Each image is built in this process and re-encoded in a fresh one, which reports how far its peak
resident memory (ru_maxrss) rose above where it stood with the file read; SECURITY.md quotes the worst.
"""

import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umkm_portal.settings")

CASES = [  # (mode, format): the decoded modes a photo upload can take
    ("RGB", "JPEG"),
    ("RGB", "JPEG progressive"),
    ("RGB", "JPEG progressive 4:4:4"),
    ("CMYK", "JPEG"),
    ("CMYK", "JPEG progressive"),
    ("L", "PNG"),
    ("LA", "PNG"),
    ("P", "PNG"),
    ("I;16", "PNG"),
    ("RGB", "PNG"),
    ("RGBA", "PNG"),
    ("RGB", "WEBP"),
    ("RGBA", "WEBP"),
]


def _status(field):
    """A memory figure of this process from /proc/self/status, in KB."""
    line = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith(field))
    return int(line.split()[1])


def reencode(path):
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from registry.images import reencode_photo

    upload = SimpleUploadedFile("photo", Path(path).read_bytes())
    Path("/proc/self/clear_refs").write_text("5")  # Linux: the peak (VmHWM) restarts from the current size
    before = _status("VmRSS")
    try:
        reencode_photo(upload)
        outcome = "kept"
    except Exception as error:
        outcome = f"refused: {error}"
    peak = _status("VmHWM") - before
    print(f"{peak / 1024:.0f} MB\t{outcome}")


def main(limits):
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        for mode, written_as in CASES:
            file_format, *options = written_as.split(" ")
            extra = {"progressive": "progressive" in options, "subsampling": 0 if "4:4:4" in options else -1}
            width = int((limits[file_format] * 4 / 3) ** 0.5)  # a 4:3 photo just under the limit
            height = limits[file_format] // width
            buffer = io.BytesIO()
            Image.new(mode, (width, height)).save(buffer, format=file_format, **extra)
            path = Path(folder) / "photo"
            path.write_bytes(buffer.getvalue())
            result = subprocess.run(  # noqa: S603 (this interpreter, this file)
                [sys.executable, __file__, "--one", str(path)], capture_output=True, text=True, check=False
            )
            line = result.stdout.strip() or result.stderr.strip().splitlines()[-1]
            size = len(buffer.getvalue()) // 1024
            print(f"{mode:5} {written_as:22} {width}x{height} ({size} KB): {line}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        reencode(sys.argv[2])
    else:
        import django

        django.setup()
        from registry.images import MAX_PIXELS

        main(MAX_PIXELS)
