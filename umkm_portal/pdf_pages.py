"""The foot of every page of the portal's own PDFs (reports, the printable catalogue): a footer line on the
left and "Halaman X dari Y" on the right. ReportLab knows the page count only at the end, so the canvas keeps
each page's state and writes the feet when the document is saved."""

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas


def numbered_canvas(footer, *, from_page=1):
    """A canvas class (for `canvasmaker=`) that writes `footer` and the page count on every page from
    `from_page` on (2 leaves a cover bare)."""

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            count = len(self._pages)
            for page in self._pages:
                self.__dict__.update(page)
                if self._pageNumber >= from_page:
                    self.setFont("Helvetica", 8)
                    self.drawString(1.8 * cm, 1 * cm, footer)
                    self.drawRightString(
                        A4[0] - 1.8 * cm,
                        1 * cm,
                        _("Halaman %(page)s dari %(count)s") % {"page": self._pageNumber, "count": count},
                    )
                super().showPage()
            super().save()

    return NumberedCanvas
