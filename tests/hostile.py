"""Hostile files built for real, byte by byte, as an attacker would send them to the upload forms."""

import io

from PIL import Image

SCRIPT = b"<script>alert(document.cookie)</script>"
PAGE_TEXT = b"BT /F1 24 Tf 72 720 Td (Surat Izin Usaha) Tj ET"


def pdf(*, catalog=b"", page=b"", objects=(), before=b"", after=b"", header=b"%PDF-1.7"):
    """A well-formed PDF with one page of text; `catalog` and `page` add entries to those dictionaries,
    `objects` adds objects numbered from 6, `before`/`after` put bytes around the header and after %%EOF."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> " + page + b">>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(PAGE_TEXT), PAGE_TEXT),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *objects,
    ]
    out = bytearray(before + header + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out + after)


def pdf_with_scripts():
    """Runs JavaScript on opening, on viewing the page and on a click; carries a file and a form."""
    js = b"<< /S /JavaScript /JS (app.alert\\('pwned'\\); this.exportDataObject\\({cName: 'x.exe', nLaunch: 2}\\)) >>"
    attachment = b"<< /Type /EmbeddedFile /Length 19 >>\nstream\nMZ this is no scan\nendstream"
    return pdf(
        catalog=b"/OpenAction " + js + b" /AA << /WC " + js + b" >>"
        b" /Names << /JavaScript << /Names [(a) 6 0 R] >> /EmbeddedFiles << /Names [(x.exe) 7 0 R] >> >>"
        b" /AcroForm << /Fields [8 0 R] /XFA 9 0 R >>",
        page=b"/AA << /O " + js + b" >> /Annots [8 0 R 10 0 R]",
        objects=[
            js,
            b"<< /Type /Filespec /F (x.exe) /EF << /F 11 0 R >> >>",
            b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (nik) /Rect [0 0 100 20] /A " + js + b" >>",
            b"<< /Length 18 >>\nstream\n<xdp:xdp></xdp:xdp>\nendstream",
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 612 792] /A << /S /Launch /F (cmd.exe) >> >>",
            attachment,
        ],
    )


def pdf_html_polyglot():
    """Reads as a PDF and, sniffed or opened as a page, as HTML whose script runs."""
    html = b"<html><body>" + SCRIPT + b"</body></html>"
    return pdf(
        header=b"%PDF-1.4\n%" + html,
        objects=[b"<< /Length %d >>\nstream\n%s\nendstream" % (len(html), html)],
        page=b"/PieceInfo << /X << /Private (" + html + b") >> >>",
        after=html,
    )


def jpeg_with_html_comment():
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (10, 120, 40)).save(buffer, format="JPEG", comment=b"<html>" + SCRIPT)
    return buffer.getvalue()


def png_of_many_pixels(width=7280, height=5456):
    """39.7 megapixels in about 116 KB."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
