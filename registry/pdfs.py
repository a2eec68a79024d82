"""Uploaded PDFs are rebuilt from their pages alone, so nothing in them can run or be opened by a viewer.

A new document gets the upload's pages (content, resources and page boxes) and nothing else: no
document catalog entries (/OpenAction, /Names with JavaScript or embedded files, /AcroForm, /URI),
no annotations (links, form widgets, file attachments, rich media) and no page actions. qpdf (through
pikepdf) writes it afresh, so bytes outside the PDF objects, such as the HTML half of a polyglot, are
gone, and every object is compressed, so no text of the upload stands in the file as written.
"""

import io

import pikepdf
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

# The page keys a viewer needs to draw a page; anything else on a page (/AA, /Annots, /B, /PieceInfo,
# private keys holding strings) is left behind.
PAGE_KEYS = ("/Type", "/Resources", "/Contents", "/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox",
             "/Rotate", "/UserUnit")  # fmt: skip
# What a PDF viewer may act on; the rebuilt file must name none of them anywhere.
ACTIVE_NAMES = ("/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles",
                "/AcroForm", "/XFA", "/RichMedia", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE",
                "/URI")  # fmt: skip
MAX_PAGES = 200

UNREADABLE = "Berkas PDF ini rusak atau tidak dapat dibaca. Pindai ulang, atau kirim sebagai foto."


def _direct(value):
    """Whether `value` sits inside its parent; an indirect object is walked on its own, from pdf.objects."""
    return not (isinstance(value, pikepdf.Object) and value.is_indirect)


def _names_in(pdf):
    """Every name used as a key or a value anywhere in `pdf`, inside nested dictionaries and arrays too."""
    found = set()
    pending = [obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj for obj in pdf.objects]
    while pending:
        obj = pending.pop()
        if isinstance(obj, pikepdf.Name):
            found.add(str(obj))
        elif isinstance(obj, pikepdf.Dictionary):
            found.update(obj.keys())
            pending.extend(value for value in obj.values() if _direct(value))
        elif isinstance(obj, pikepdf.Array):
            pending.extend(value for value in obj if _direct(value))
    return found


def clean_pdf(upload):
    """Return the upload rebuilt from its pages as a new PDF, or raise ValidationError in Indonesian.

    Refuses a PDF that cannot be read, one locked with a password, one without pages or with more
    than MAX_PAGES, and one that still names an active feature after the rebuild.
    """
    upload.seek(0)
    try:
        with pikepdf.open(io.BytesIO(upload.read())) as source:
            if not 1 <= len(source.pages) <= MAX_PAGES:
                raise ValidationError(
                    _("PDF pindaian harus berisi 1 sampai %(MAX_PAGES)s halaman.") % {"MAX_PAGES": MAX_PAGES},
                    code="pages",
                )
            with pikepdf.new() as rebuilt:
                for page in source.pages:
                    rebuilt.pages.append(page)
                for page in rebuilt.pages:
                    for key in set(page.obj.keys()) - {*PAGE_KEYS, "/Parent"}:
                        del page.obj[key]
                rebuilt.remove_unreferenced_resources()
                buffer = io.BytesIO()
                # Streams stay as they are (no decoding, so a compression bomb is never expanded); plain
                # ones and every other object are compressed.
                rebuilt.save(
                    buffer,
                    compress_streams=True,
                    stream_decode_level=pikepdf.StreamDecodeLevel.none,
                    object_stream_mode=pikepdf.ObjectStreamMode.generate,
                )
    except pikepdf.PasswordError:
        raise ValidationError(_("PDF yang dikunci dengan kata sandi tidak diterima."), code="encrypted") from None
    except (pikepdf.PdfError, pikepdf.ForeignObjectError, ValueError, RuntimeError):
        raise ValidationError(UNREADABLE, code="invalid") from None
    with pikepdf.open(io.BytesIO(buffer.getvalue())) as check:
        if _names_in(check) & set(ACTIVE_NAMES):  # a rule above missed a path: refuse rather than keep it
            raise ValidationError(UNREADABLE, code="active")
    return ContentFile(buffer.getvalue(), name="scan.pdf")
