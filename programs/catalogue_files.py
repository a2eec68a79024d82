"""The printable catalogue (PDF, for trade fairs) and the buyer-desk sheet (Excel, CSV) of a kabupaten's public
catalogue: what `Listing.objects.public()` shows and nothing more, built by the worker and kept in storage.

A file is keyed (CatalogueFile.key) by the kabupaten's catalogue generation (programs.catalogue_cache), the
day (certificates are shown only while valid), the filters, the language, the format and the site its links
point at. A request reads the generation first, then looks for its key: a finished file is served; none
queues one build (the key is unique: visitors asking at once share it) and answers a "being prepared" page
that refreshes. A withdrawn consent, an unlisted product, anything that calls `catalogue_cache.forget()`
moves the generation, so the next request asks for a new key and no one reaches the old file again; the
scheduled sweep (`remove_stale`) deletes it later.

A worker killed mid-build loses nothing: the task is given to another worker (umkm_portal.worker), which
claims the row with its start time and builds the file again; a build that failed for good is queued again
by the next request after RETRY_FAILED_AFTER.
"""

import csv
import datetime
import hashlib
import io
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field

import segno
from django import forms
from django.conf import settings
from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Case, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from programs import catalogue_cache, public
from programs.certificates import tanggal
from programs.models import CatalogueFile, Listing, ListingConsent
from programs.public import CERTIFICATIONS
from registry.background import Superseded, retry_or_fail
from registry.exports import neutralise
from registry.models import BusinessGroup, Category, Kecamatan, LegalDocument, ProductPhoto
from registry.templatetags.umkm import number_id
from umkm_portal.pdf_pages import numbered_canvas

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    CatalogueFile.Format.PDF: "application/pdf",
    CatalogueFile.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CatalogueFile.Format.CSV: "text/csv; charset=utf-8",
}
FAILED_MESSAGE = "Berkas katalog gagal dibuat."
# A build that failed for good is tried again by a request this long after (not by every refresh).
RETRY_FAILED_AFTER = datetime.timedelta(minutes=5)
# The sweep keeps a file this long after a newer key replaced it (a download under way may still read it).
STALE_GRACE = datetime.timedelta(hours=1)
CHUNK = 200  # listings read (with their photos and certificates) per round; progress is written per round
DESCRIPTION_CHARS = 500  # a printed entry stays one block on its page

#
# The filters a visitor may set (the catalogue page's own names), and the key
#


class CatalogueFileForm(forms.Form):
    """The optional filters of a file (a trade fair's "export-ready food"), as GET parameters, and the
    language (`lang`; the visitor's own by default)."""

    category = forms.ChoiceField(label=gettext_lazy("Kategori"), required=False, choices=[("", "")])
    kecamatan = forms.ModelChoiceField(
        label=gettext_lazy("Kecamatan"), required=False, queryset=Kecamatan.objects.none()
    )
    certification = forms.ChoiceField(label=gettext_lazy("Sertifikat"), required=False, choices=[("", "")])
    group = forms.ModelChoiceField(
        label=gettext_lazy("Kelompok atau klaster"), required=False, queryset=BusinessGroup.objects.none()
    )
    export_ready = forms.BooleanField(label=gettext_lazy("Hanya yang siap ekspor"), required=False)
    lang = forms.ChoiceField(label=gettext_lazy("Bahasa"), required=False, choices=[("", ""), *settings.LANGUAGES])

    def __init__(self, *args, kabupaten, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", ""), *Category.choices]
        self.fields["kecamatan"].queryset = Kecamatan.objects.filter(kabupaten=kabupaten).order_by("name")
        # The catalogue page's own certificate and group filters (programs.filtersets.CatalogueFilter).
        self.fields["certification"].choices = [("", ""), *public.certification_choices()]
        self.fields["group"].queryset = public.groups_with_listings(kabupaten)

    def filters(self):
        """The filters set, as stored on the file and in its key: {"category": "makanan", ...}."""
        data = self.cleaned_data
        chosen = {"category": data["category"], "kecamatan": data["kecamatan"] and data["kecamatan"].pk}
        chosen["certification"] = data["certification"]
        chosen["group"] = data["group"] and data["group"].pk
        chosen["export_ready"] = data["export_ready"]
        return {name: value for name, value in chosen.items() if value}


def file_key(*, kabupaten_code, generation, day, file_format, filters, language, site):
    """The key of one file: every input that changes its bytes."""
    parts = [kabupaten_code, generation, day.isoformat(), file_format, sorted(filters.items()), language, site]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _primary():
    # The row a request just queued must be seen by its next refresh, which a lagging replica would not.
    return CatalogueFile.objects.using(DEFAULT_DB_ALIAS)


def find(key):
    return _primary().filter(key=key).first()


def queue(*, key, kabupaten, generation, day, file_format, filters, language, site):
    """The file of `key`, queued for a build if it had no row (the task row in the same transaction); the
    unique key makes two visitors asking at once share one build. Returns (row, created)."""
    from programs.tasks import build_catalogue_file

    with transaction.atomic():
        row, created = _primary().get_or_create(
            key=key,
            defaults={
                "kabupaten": kabupaten,
                "generation": generation,
                "day": day,
                "format": file_format,
                "filters": filters,
                "language": language,
                "site": site,
            },
        )
        if created:
            build_catalogue_file.enqueue(row.pk)
    return row, created


def queue_again(row):
    """Queue a failed build (or a finished one whose file is gone) again; nothing if another request did
    first. Returns whether this call queued it."""
    from programs.tasks import build_catalogue_file

    with transaction.atomic():
        again = _primary().filter(pk=row.pk, status=row.status, finished_at=row.finished_at)
        if not again.update(status=CatalogueFile.Status.QUEUED, file="", error="", done=0, finished_at=None):
            return False
        build_catalogue_file.enqueue(row.pk)
    row.refresh_from_db()
    return True


def may_retry(row):
    return row.status == CatalogueFile.Status.FAILED and (
        row.finished_at is None or timezone.now() - row.finished_at >= RETRY_FAILED_AFTER
    )


def download_name(row, kabupaten):
    return f"katalog-umkm-{slugify(kabupaten.name)}-{row.day:%Y%m%d}.{row.format}"


#
# Reading the listings: one entry per public product, in category order
#


@dataclass
class Entry:
    """What a file shows of one listed product; nothing of its owner."""

    pk: int
    category: str
    name: str
    business: str
    kecamatan: str
    description: str
    unit: str
    prices: tuple | None  # (low, high) Rupiah, only where the consent lets prices show
    minimum_order: int | None
    capacity: int | None  # only where the consent lets capacity show
    export_ready: bool
    url: str
    photo: tuple | None = None  # the stored thumbnail's name, and the photo's width and height
    certificates: list = field(default_factory=list)  # (label, number, expires_on)


def listings(row):
    """The public listings of the file's kabupaten under its filters, with what the consent lets show, in
    the order printed: category (as the portal lists them), product name."""
    queryset = Listing.objects.public().in_kabupaten(row.kabupaten)
    if category := row.filters.get("category"):
        queryset = queryset.filter(product__category=category)
    if kecamatan := row.filters.get("kecamatan"):
        queryset = queryset.filter(product__business__kecamatan=kecamatan)
    if certification := row.filters.get("certification"):
        queryset = queryset.filter(public.certified(CERTIFICATIONS[certification][1]))
    if group := row.filters.get("group"):
        queryset = queryset.filter(product__business__groups=group)
    if row.filters.get("export_ready"):
        queryset = queryset.filter(export_ready=True)
    consent = ListingConsent.objects.active().filter(business=OuterRef("product__business"))
    rank = Case(*[When(product__category=value, then=Value(i)) for i, value in enumerate(Category.values)])
    return (
        queryset.select_related("product__business__kecamatan")
        .annotate(
            show_price=Subquery(consent.values("show_price")[:1]),
            show_capacity=Subquery(consent.values("show_capacity")[:1]),
            category_rank=rank,
        )
        .order_by("category_rank", "product__name", "pk")
    )


def product_url(site, product_pk):
    return f"{site}{reverse('programs:catalogue_product', args=[product_pk])}"


def catalogue_url(site, kabupaten_code):
    return f"{site}{reverse('programs:catalogue', args=[kabupaten_code])}"


def entries(row, listings_read):
    """Yield an Entry per listing of `listings_read`, reading photos and certificates per CHUNK listings."""
    english = row.language == "en"
    chunk = []
    for listing in listings_read.iterator(chunk_size=CHUNK):
        chunk.append(listing)
        if len(chunk) == CHUNK:
            yield from _entries(row, chunk, english)
            chunk = []
    if chunk:
        yield from _entries(row, chunk, english)


def _entries(row, chunk, english):
    products = [listing.product_id for listing in chunk]
    businesses = {listing.product.business_id for listing in chunk}
    photos = {}
    first = ProductPhoto.objects.filter(product__in=products).order_by("product", "created_at", "pk")
    for product, thumbnail, width, height in first.values_list("product", "thumbnail", "width", "height"):
        photos.setdefault(product, (thumbnail, width, height))
    documents = (
        # The certificates a buyer asks about, valid on the file's day, as the public pages read them.
        LegalDocument.objects.filter(public.valid_on(row.day), business__in=businesses, kind__in=public.SHOWN_KINDS)
        .filter(Q(product__isnull=True) | Q(product__in=products))
        .order_by("kind", "number")
        .values_list("business", "product", "kind", "number", "expires_on")
    )
    found = {}
    for business, product, kind, number, expires_on in documents:
        found.setdefault(business, []).append((product, kind, number, expires_on))
    labels = dict(LegalDocument.Kind.choices)
    categories = dict(Category.choices)
    for listing in chunk:
        product = listing.product
        business = product.business
        mine = [found_ for found_ in found.get(business.pk, []) if found_[0] in (None, product.pk)]
        mine.sort(key=lambda document: (public.SHOWN_KINDS.index(document[1]), document[2]))
        held = [(str(labels[kind]), number_, expires_on) for _owner, kind, number_, expires_on in mine]
        description = (listing.description_en if english and listing.description_en else product.description) or ""
        yield Entry(
            pk=product.pk,
            category=str(categories.get(product.category, product.category)),
            name=product.name,
            business=business.name,
            kecamatan=business.kecamatan.name,
            description=description.strip(),
            unit=product.unit,
            prices=public.price_range(listing) if listing.show_price else None,
            minimum_order=listing.minimum_order,
            capacity=listing.capacity_per_month if listing.show_capacity else None,
            export_ready=listing.export_ready,
            url=product_url(row.site, product.pk),
            photo=photos.get(product.pk),
            certificates=held,
        )


def certificate_text(certificate):
    label, number_, expires_on = certificate
    if expires_on is None:
        return f"{label} {number_}"
    return _("%(label)s %(number)s (berlaku s.d. %(date)s)") % {
        "label": label,
        "number": number_,
        "date": tanggal(expires_on),
    }


def filter_lines(row):
    """The filters in words, for the cover and the sheet's name."""
    lines = []
    if category := row.filters.get("category"):
        lines.append((_("Kategori"), str(dict(Category.choices).get(category, category))))
    if kecamatan := row.filters.get("kecamatan"):
        found = Kecamatan.objects.filter(pk=kecamatan).values_list("name", flat=True).first()
        lines.append((_("Kecamatan"), found or kecamatan))
    if certification := row.filters.get("certification"):
        lines.append((_("Sertifikat"), str(CERTIFICATIONS[certification][0])))
    if group := row.filters.get("group"):
        found = BusinessGroup.objects.filter(pk=group).values_list("name", flat=True).first()
        lines.append((_("Kelompok atau klaster"), found or str(group)))
    if row.filters.get("export_ready"):
        lines.append((_("Produk"), _("hanya yang siap ekspor")))
    return lines


def kabupaten_title(kabupaten):
    """ "Kabupaten Sidoarjo" as the place spells itself, in every language."""
    with translation.override("id"):
        kind = str(kabupaten.get_kind_display())
    return kabupaten.name if kabupaten.name.lower().startswith(kind.lower()) else f"{kind} {kabupaten.name}"


#
# The PDF
#

GREEN = colors.HexColor("#0a5c3b")
PHOTO_WIDTH = 3.4 * cm
QR_SIZE = 2.2 * cm


class _ImageFiles:
    """The images of one PDF as files in a temporary folder, drawn by ReportLab from there (`lazy=2`: each is
    read when its page is drawn and let go after), so a catalogue of thousands of products does not hold
    thousands of images in memory."""

    def __init__(self, folder):
        self.folder = folder
        self.storage = ProductPhoto._meta.get_field("thumbnail").storage
        self.count = 0

    def _path(self, suffix):
        self.count += 1
        return os.path.join(self.folder, f"{self.count}{suffix}")

    def qr(self, text, size):
        """`text` as a QR code of `size` points: a small PNG (thousands of vector squares would weigh more).
        A fixed mask: choosing the best of eight took most of a build's time, and any mask scans."""
        path = self._path(".png")
        segno.make_qr(text, error="m", mask=0, boost_error=False).save(path, kind="png", scale=3, border=1)
        return Image(path, width=size, height=size, lazy=2)

    def photo(self, photo):
        """The stored thumbnail (a JPEG re-encoded on upload) scaled to the photo column; None if it is gone."""
        name, width, height = photo
        path = self._path(".jpg")
        try:
            with self.storage.open(name, "rb") as source, open(path, "wb") as out:
                shutil.copyfileobj(source, out)
        except OSError:  # FileNotFoundError included: a photo missing from the storage
            logger.warning("catalogue file: photo %s is missing; printed without it", name)
            return None
        if not (width and height):
            width, height = ImageReader(path).getSize()
        scale = PHOTO_WIDTH / max(width, height)
        return Image(path, width=width * scale, height=height * scale, lazy=2)


class _Styles:
    def __init__(self):
        base = getSampleStyleSheet()
        body = base["BodyText"]
        self.title = base["Title"].clone("cover-title", fontSize=26, leading=32, textColor=GREEN)
        self.subtitle = base["Title"].clone("cover-subtitle", fontSize=18, leading=24)
        self.cover = body.clone("cover", fontSize=12, leading=17, alignment=1)
        self.category = base["Heading2"].clone("category", textColor=GREEN, spaceBefore=6)
        self.name = body.clone("name", fontName="Helvetica-Bold", fontSize=11, leading=14, spaceAfter=1)
        self.line = body.clone("line", fontSize=8.5, leading=11, spaceBefore=0, spaceAfter=1)
        self.small = body.clone("small", fontSize=7, leading=8.5, alignment=1)
        self.heading = base["Heading1"].clone("heading", textColor=GREEN)
        self.body = body.clone("body", fontSize=10, leading=14)


def _p(text, style):
    """A paragraph of plain text: what a business typed is escaped, never read as markup."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _entry_block(entry, styles, images, text_width):
    lines = [_p(entry.name, styles.name), _p(f"{entry.business} · {entry.kecamatan}", styles.line)]
    if entry.prices:
        lines.append(_p(_("Harga %(price)s") % {"price": public.price_text(entry.prices, entry.unit)}, styles.line))
    facts = []
    if entry.minimum_order:
        facts.append(_("Pesanan minimal %(n)s %(unit)s") % {"n": number_id(entry.minimum_order), "unit": entry.unit})
    if entry.capacity:
        facts.append(_("Kapasitas %(n)s %(unit)s per bulan") % {"n": number_id(entry.capacity), "unit": entry.unit})
    if facts:
        lines.append(_p(" · ".join(facts), styles.line))
    if entry.certificates:
        lines.append(
            _p("; ".join(f"{label} {number_}" for label, number_, _expires in entry.certificates), styles.line)
        )
    if entry.export_ready:
        lines.append(Paragraph(f'<font color="#0a5c3b"><b>{escape(_("Siap ekspor"))}</b></font>', styles.line))
    if entry.description:
        text = entry.description
        if len(text) > DESCRIPTION_CHARS:
            text = text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0] + " …"
        lines.append(_p(text, styles.line))
    lines.append(_p(entry.url, styles.line))
    photo = (images.photo(entry.photo) if entry.photo else None) or ""
    code = [images.qr(entry.url, QR_SIZE), _p(_("Tanya produk ini"), styles.small)]
    table = Table([[photo, lines, code]], colWidths=[PHOTO_WIDTH + 0.3 * cm, text_width, QR_SIZE + 0.3 * cm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def build_pdf(row, handle, progress):
    """Write the printable catalogue to `handle`: a cover, the products by category, a page on how to ask."""
    title = _("Katalog Produk UMKM")
    place = kabupaten_title(row.kabupaten)
    document = SimpleDocTemplate(
        handle,
        pagesize=A4,
        leftMargin=1.8 * cm,
        rightMargin=1.8 * cm,
        topMargin=1.6 * cm,
        bottomMargin=1.8 * cm,
        title=f"{title} {place}",
        author="UMKM Portal",
    )
    styles = _Styles()
    folder = tempfile.TemporaryDirectory(prefix="katalog-")
    images = _ImageFiles(folder.name)
    text_width = document.width - PHOTO_WIDTH - QR_SIZE - 0.6 * cm
    story = []
    category = None
    count = 0
    for entry in entries(row, listings(row)):
        if entry.category != category:
            category = entry.category
            story.append(Paragraph(escape(category), styles.category))
        story.append(_entry_block(entry, styles, images, text_width))
        count += 1
        progress(count)
    if not count:
        story.append(_p(_("Tidak ada produk yang cocok dengan pilihan ini."), styles.body))

    cover = [
        Spacer(1, 5 * cm),
        _p(str(title).upper(), styles.title),
        _p(place, styles.subtitle),
        Spacer(1, 0.6 * cm),
        _p(tanggal(row.day), styles.cover),
    ]
    for label, value in filter_lines(row):
        cover.append(_p(f"{label}: {value}", styles.cover))
    cover += [
        Spacer(1, 0.4 * cm),
        _p(ngettext("%(count)s produk", "%(count)s produk", count) % {"count": number_id(count)}, styles.cover),
        Spacer(1, 1.5 * cm),
        _p(
            _(
                "Semua produk di katalog ini telah lolos kurasi dinas dan ditampilkan dengan persetujuan pelaku "
                "usahanya. Sertifikat yang tercantum berlaku pada tanggal katalog ini."
            ),
            styles.cover,
        ),
        PageBreak(),
    ]
    home = catalogue_url(row.site, row.kabupaten_id)
    contact = [
        PageBreak(),
        _p(_("Cara bertanya dan memesan"), styles.heading),
        _p(
            _(
                "Setiap produk punya halaman sendiri di katalog daring: buka alamat di bawah produk itu atau "
                "pindai kode QR-nya, lalu isi formulir “Tanya produk”. Permintaan Anda diterima "
                "koordinator UMKM %(place)s, yang menghubungkan Anda dengan pelaku usaha dan mengikutinya sampai "
                "pesanan. Anda menerima tautan untuk melihat perkembangannya lewat e-mail."
            )
            % {"place": place},
            styles.body,
        ),
        Spacer(1, 0.4 * cm),
        _p(_("Katalog lengkap dan terbaru:"), styles.body),
        _p(home, styles.body),
        Spacer(1, 0.3 * cm),
        KeepTogether([images.qr(home, 4.5 * cm)]),
        Spacer(1, 0.4 * cm),
        _p(
            _("Harga, pesanan minimal dan kapasitas dapat berubah; pastikan kepada pelaku usaha saat memesan."),
            styles.body,
        ),
    ]
    footer = f"{title} · {place} · {tanggal(row.day)}"
    with folder:
        document.build(cover + story + contact, canvasmaker=numbered_canvas(footer, from_page=2))
    return count


#
# The buyer-desk sheet
#


def sheet_header():
    return [
        _("Produk"),
        _("Kategori"),
        _("Usaha"),
        _("Kecamatan"),
        _("Harga mulai (Rp)"),
        _("Harga sampai (Rp)"),
        _("Satuan"),
        _("Pesanan minimal"),
        _("Kapasitas per bulan"),
        _("Sertifikat (nomor, berlaku sampai)"),
        _("Siap ekspor"),
        _("Halaman produk"),
    ]


def sheet_rows(row, progress):
    """The header, then one row per listed product: numbers stay numbers, text is neutralised."""
    yield sheet_header()
    yes, no = _("Ya"), _("Tidak")
    for count, entry in enumerate(entries(row, listings(row)), start=1):
        low, high = entry.prices or (None, None)
        yield [
            neutralise(entry.name),
            neutralise(entry.category),
            neutralise(entry.business),
            neutralise(entry.kecamatan),
            int(low) if low is not None else None,
            int(high) if high is not None else None,
            neutralise(entry.unit),
            entry.minimum_order,
            entry.capacity,
            neutralise("; ".join(certificate_text(certificate) for certificate in entry.certificates)),
            yes if entry.export_ready else no,
            entry.url,
        ]
        progress(count)


def build_xlsx(row, handle, progress):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Produk")[:31])
    sheet.freeze_panes = "A2"
    widths = [34, 18, 30, 18, 14, 14, 10, 12, 14, 60, 10, 48]
    for i, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + i)].width = width
    rows = sheet_rows(row, progress)
    bold = Font(bold=True)
    sheet.append([_bold(sheet, str(title), bold) for title in next(rows)])
    count = 0
    for cells in rows:
        sheet.append(cells)
        count += 1
    workbook.save(handle)
    return count


def _bold(sheet, text, font):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=text)
    cell.font = font
    return cell


def build_csv(row, handle, progress):
    # UTF-8 with a byte order mark: Excel on an office PC then reads accented names right.
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    rows = sheet_rows(row, progress)
    writer.writerow(next(rows))
    count = 0
    for cells in rows:
        writer.writerow(["" if cell is None else cell for cell in cells])
        count += 1
    text.flush()
    text.detach()
    return count


BUILDERS = {
    CatalogueFile.Format.PDF: build_pdf,
    CatalogueFile.Format.XLSX: build_xlsx,
    CatalogueFile.Format.CSV: build_csv,
}

#
# The worker's side
#


def run_build(row, *, attempt=1):
    """Build the row's file and store it; on an error the build is tried again later (a database or storage
    that did not answer) or marked failed, never left running. A row whose key no one can ask for any more
    (the generation moved, the day passed) is dropped instead of built."""
    started = timezone.now()
    claimable = CatalogueFile.objects.filter(
        pk=row.pk, status__in=[CatalogueFile.Status.QUEUED, CatalogueFile.Status.RUNNING]
    )
    if not claimable.update(status=CatalogueFile.Status.RUNNING, started_at=started, done=0):
        return row
    row.refresh_from_db()
    mine = CatalogueFile.objects.filter(pk=row.pk, started_at=started)
    if row.generation != catalogue_cache.generation(row.kabupaten_id) or row.day != timezone.localdate():
        mine.delete()
        return None
    try:
        row.total = listings(row).count()
        mine.update(total=row.total)

        def progress(count):
            if count % CHUNK == 0 and not mine.update(done=count):
                raise Superseded(row.pk)

        with translation.override(row.language), tempfile.TemporaryFile() as handle:
            count = BUILDERS[row.format](row, handle, progress)
            handle.seek(0)
            row.file.save(download_name(row, row.kabupaten), File(handle), save=False)
        finished = {"file": row.file.name, "done": count, "total": count, "status": CatalogueFile.Status.DONE}
        if not mine.update(**finished, finished_at=timezone.now()):
            row.file.delete(save=False)
            raise Superseded(row.pk)
    except Superseded:
        logger.warning("catalogue file %s: another run took it over; this one stops", row.pk)
    except Exception as error:
        from programs.tasks import build_catalogue_file

        failed = {"status": CatalogueFile.Status.FAILED, "error": FAILED_MESSAGE, "finished_at": timezone.now()}
        queued = {"status": CatalogueFile.Status.QUEUED}
        retry_or_fail(
            error, task=build_catalogue_file, job_id=row.pk, attempt=attempt, mine=mine, queued=queued, failed=failed
        )
    row.refresh_from_db()
    return row


def mark_failed(row_id):
    """The build's task failed outside run_build (its workers kept dying): say so on the row, so the next
    request after RETRY_FAILED_AFTER queues it again."""
    CatalogueFile.objects.filter(
        pk=row_id, status__in=[CatalogueFile.Status.QUEUED, CatalogueFile.Status.RUNNING]
    ).update(status=CatalogueFile.Status.FAILED, error=FAILED_MESSAGE, finished_at=timezone.now())


def remove_stale(now=None):
    """Delete the rows and files no request will ask for again: of an older generation or an earlier day,
    STALE_GRACE after they were asked for (a download under way may still read one). Return how many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    removed = 0
    old = CatalogueFile.objects.filter(created_at__lt=now - STALE_GRACE).exclude(status=CatalogueFile.Status.RUNNING)
    current = {}
    for pk, code, generation, day, name in old.values_list("pk", "kabupaten", "generation", "day", "file").iterator():
        if code not in current:
            current[code] = catalogue_cache.generation(code)
        if day == today and generation == current[code]:
            continue
        # The row first, and only while it still names this file: of two sweeps one wins.
        if CatalogueFile.objects.filter(pk=pk, file=name).delete()[0]:
            if name:
                CatalogueFile._meta.get_field("file").storage.delete(name)
            removed += 1
    return removed
