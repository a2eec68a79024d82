"""What a member has: products and photos, legal documents, yearly figures and export values."""

import datetime
import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.countries import country_name, validate_country
from registry.models.members import Business, Category, Provenance
from registry.search import SearchKey
from registry.sizing import RULE_VERSION, SizeClass, compute_size_class, rank
from registry.validators import (
    normalize_bpom,
    normalize_nib,
    normalize_pirt,
    pirt_expiry_year,
)

#
# Products and their photos
#


class ProductQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(business__in=Business.objects.visible_to(user).values("pk"))


class Product(Provenance):
    """Something a business makes or sells: lumpia bandeng, sinom belimbing wuluh, batik tulis."""

    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="products", verbose_name=_("usaha"))
    name = models.CharField(_("nama produk"), max_length=200)
    category = models.CharField(_("kategori"), max_length=20, choices=Category.choices)
    description = models.TextField(_("deskripsi"), blank=True)
    price = models.DecimalField(_("harga (Rp)"), max_digits=15, decimal_places=0, null=True, blank=True)
    unit = models.CharField(_("satuan"), max_length=30, blank=True, help_text=_("Misalnya pcs, pak, kg, botol."))
    packaging = models.CharField(_("kemasan"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = ProductQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["business", "name", "pk"]
        verbose_name = verbose_name_plural = _("produk")
        indexes = [
            GinIndex(OpClass(SearchKey("name"), name="gin_trgm_ops"), name="registry_product_search_trgm"),
            # The product list's orders other than by business (registry.views.ProductListView): a page reads
            # its rows along one of these, not a million products sorted.
            models.Index(fields=["name", "id"], name="registry_product_name_id"),
            models.Index(fields=["price", "id"], name="registry_product_price_id"),
            models.Index(fields=["created_at", "id"], name="registry_product_created_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gte=0),
                name="registry_product_price_not_negative",
                violation_error_message=_("Harga tidak boleh negatif."),
            )
        ]

    def __str__(self):
        return self.name


def _photo_path(instance, filename):
    # Server-generated names only: nothing of the uploaded file name reaches the disk.
    return f"products/{instance.product_id}/{uuid.uuid4().hex}.jpg"


def _thumbnail_path(instance, filename):
    return f"products/{instance.product_id}/thumbs/{uuid.uuid4().hex}.jpg"


def _medium_path(instance, filename):
    return f"products/{instance.product_id}/medium/{uuid.uuid4().hex}.jpg"


class ProductPhotoQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(product__business__in=Business.objects.visible_to(user).values("pk"))


class ProductPhoto(models.Model):
    """A product photo, re-encoded as JPEG without EXIF, with a thumbnail; served only through a view."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos", verbose_name=_("produk"))
    image = models.ImageField(_("foto"), upload_to=_photo_path, width_field="width", height_field="height")
    thumbnail = models.ImageField(_("gambar kecil"), upload_to=_thumbnail_path)
    # The middle size for the public catalogue, made on its first request (programs.public.medium_photo).
    medium = models.ImageField(_("gambar sedang"), upload_to=_medium_path, blank=True, editable=False)
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)

    objects = ProductPhotoQuerySet.as_manager()

    class Meta:
        ordering = ["product", "created_at", "pk"]
        verbose_name = _("foto produk")
        verbose_name_plural = _("foto produk")

    def __str__(self):
        return f"Foto {self.product}"

    def get_absolute_url(self):
        return reverse("registry:productphoto_image", args=[self.pk])

    def get_thumbnail_url(self):
        return reverse("registry:productphoto_thumbnail", args=[self.pk])


#
# Legal documents
#

# A document "expires soon" when it expires within this many months (the detail page, the list filter and
# the dashboard all use it).
EXPIRY_WINDOW_MONTHS = 6


def months_ahead(day, months):
    """The same day `months` later (clamped to the month's end): the end of an "expires within" window."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _scan_path(instance, filename):
    # Server-generated name; only the extension the content check settled on is kept.
    extension = "pdf" if filename.lower().endswith(".pdf") else "jpg"
    return f"documents/{uuid.uuid4().hex}.{extension}"


class LegalDocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(business__in=Business.objects.visible_to(user).values("pk"))


class LegalDocument(Provenance):
    """A permit or certificate of a business, or of one of its products: number, dates, optional scan."""

    class Kind(models.TextChoices):
        NIB = "nib", _("NIB")
        PIRT = "pirt", _("P-IRT")
        HALAL = "halal", _("Sertifikat halal")
        BPOM_MD = "bpom_md", _("BPOM MD")
        BPOM_ML = "bpom_ml", _("BPOM ML")
        HKI = "hki", _("HKI/merek")
        SNI = "sni", _("SNI")

    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="documents", verbose_name=_("usaha"))
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="documents", verbose_name=_("produk")
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    number = models.CharField(_("nomor"), max_length=60)
    issued_on = models.DateField(_("tanggal terbit"), null=True, blank=True)
    expires_on = models.DateField(_("berlaku sampai"), null=True, blank=True)
    scan = models.FileField(_("pindaian"), upload_to=_scan_path, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = LegalDocumentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["business", "kind", "pk"]
        verbose_name = _("dokumen legalitas")
        verbose_name_plural = _("dokumen legalitas")
        indexes = [models.Index(fields=["kind", "expires_on"], name="registry_document_expiry")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "number"],
                name="registry_legaldocument_unique_number",
                violation_error_message=_("Nomor dokumen ini sudah terdaftar."),
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(issued_on__isnull=True) | Q(expires_on__gte=F("issued_on")),
                name="registry_legaldocument_expiry_after_issue",
                violation_error_message=_("Tanggal berlaku harus sesudah tanggal terbit."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def save(self, *args, **kwargs):
        if self.kind == self.Kind.PIRT and self.expires_on is None and self.number.isdigit():
            # A P-IRT number carries its own expiry year; the last day of that year is the safe reading.
            self.expires_on = datetime.date(pirt_expiry_year(self.number), 12, 31)
        super().save(*args, **kwargs)

    def clean(self):
        normalizers = {
            self.Kind.NIB: normalize_nib,
            self.Kind.PIRT: normalize_pirt,
            self.Kind.BPOM_MD: normalize_bpom,
            self.Kind.BPOM_ML: normalize_bpom,
        }
        if self.kind in normalizers:
            try:
                self.number = normalizers[self.kind](self.number)
            except ValidationError as error:
                raise ValidationError({"number": error}) from None
        else:
            self.number = " ".join((self.number or "").split())
        if self.kind in (self.Kind.BPOM_MD, self.Kind.BPOM_ML) and self.number[:2] != self.kind[-2:].upper():
            raise ValidationError({"number": _("Nomor BPOM tidak cocok dengan jenisnya (MD atau ML).")})
        if self.product_id and self.product.business_id != self.business_id:
            raise ValidationError({"product": _("Produk ini bukan milik usaha tersebut.")})

    @property
    def is_expired(self):
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    @property
    def expires_soon(self):
        """It expires between today and EXPIRY_WINDOW_MONTHS from now: the one "expiring soon", as the list
        filter and the dashboard count it (registry.measures.document_expiring)."""
        today = timezone.localdate()
        return self.expires_on is not None and today <= self.expires_on <= months_ahead(today, EXPIRY_WINDOW_MONTHS)


#
# Yearly figures
#


def rank_expression(field):
    """The rank of registry.sizing.rank() in SQL: 0 for no class."""
    return Case(
        *[When(**{field: size_class}, then=Value(rank(size_class))) for size_class in SizeClass.values],
        default=Value(0),
        output_field=models.IntegerField(),
    )


class YearlyFigureQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(business__in=Business.objects.visible_to(user).values("pk"))

    def rose(self):
        """Years whose computed class is above the class of the business's year before (naik kelas)."""
        # (business, year) is unique: the year before is one index lookup, its rank computed inside it.
        # Without order_by() the default ordering would join the business to sort a single row.
        before = YearlyFigure.objects.filter(business=OuterRef("business"), year=OuterRef("year") - 1).order_by()
        previous_rank = before.annotate(rank=rank_expression("size_class")).values("rank")[:1]
        return self.annotate(rank_now=rank_expression("size_class"), rank_before=Subquery(previous_rank)).filter(
            rank_before__gt=0, rank_now__gt=F("rank_before")
        )


class YearlyFigure(Provenance):
    """One year's capital, sales, assets and workers; the size class is computed from them on save."""

    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="yearly_figures", verbose_name=_("usaha")
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    capital = models.DecimalField(_("modal usaha (Rp)"), max_digits=15, decimal_places=0, null=True, blank=True)
    revenue = models.DecimalField(_("omzet setahun (Rp)"), max_digits=15, decimal_places=0, null=True, blank=True)
    assets = models.DecimalField(_("aset (Rp)"), max_digits=15, decimal_places=0, null=True, blank=True)
    workers = models.PositiveIntegerField(_("tenaga kerja"), null=True, blank=True)
    size_class = models.CharField(
        _("skala dihitung"), max_length=10, choices=SizeClass.choices, blank=True, editable=False
    )
    size_rule = models.CharField(_("aturan skala"), max_length=20, blank=True, editable=False)
    reported_size_class = models.CharField(_("skala dilaporkan"), max_length=10, choices=SizeClass.choices, blank=True)
    reported_source = models.CharField(
        _("sumber skala dilaporkan"), max_length=30, blank=True, help_text=_("Misalnya pemilik, OSS, SIDT.")
    )
    size_mismatch = models.BooleanField(_("skala berbeda"), default=False, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = YearlyFigureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["business", "-year"]
        verbose_name = _("data tahunan")
        verbose_name_plural = _("data tahunan")
        constraints = [
            models.UniqueConstraint(
                fields=["business", "year"],
                name="registry_yearlyfigure_unique_year",
                violation_error_message=_("Data tahun ini sudah ada untuk usaha tersebut."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990) & Q(year__lte=2100),
                name="registry_yearlyfigure_year_range",
                violation_error_message=_("Tahun tidak masuk akal."),
            ),
        ]

    def __str__(self):
        return f"{self.business} {self.year}"

    CLASSIFIED_FIELDS = ["size_class", "size_rule", "size_mismatch"]

    def save(self, *args, **kwargs):
        self.classify()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *self.CLASSIFIED_FIELDS}
        super().save(*args, **kwargs)
        self.update_business_size([self.business_id])

    def classify(self):
        """Set the computed size class (PP 7/2021) and whether it differs from the reported one."""
        size_class = compute_size_class(capital=self.capital, revenue=self.revenue)
        self.size_class = size_class or ""
        self.size_rule = RULE_VERSION if size_class else ""
        self.size_mismatch = bool(self.reported_size_class and size_class and self.reported_size_class != size_class)

    @staticmethod
    def newest_size_class(figures):
        """The class a business takes from `figures` (classified, of one business): its newest year's, the later
        figure winning a tie. The rule `update_business_size` applies in SQL, for a business not saved yet (the
        import's new businesses, inserted in bulk)."""
        newest = None
        for figure in figures:
            if newest is None or figure.year >= newest.year:
                newest = figure
        return newest.size_class if newest else ""

    @staticmethod
    def update_business_size(business_ids):
        """The business keeps the class of its newest year, so lists filter on it without a join. When the
        class changes, `version` moves too, so an edit form opened before cannot write the old class back."""
        newest = YearlyFigure.objects.filter(business=OuterRef("pk")).order_by("-year").values("size_class")[:1]
        size_class = Coalesce(Subquery(newest), Value(""))
        Business.all_objects.filter(pk__in=business_ids).exclude(size_class=size_class).update(
            size_class=size_class, version=F("version") + 1
        )

    def clean(self):
        if self.year and self.year > timezone.localdate().year:
            raise ValidationError({"year": _("Tahun data tidak boleh di masa depan.")})


class ExportValue(Provenance):
    """Export sales of a business in one year to one country (ISO 3166 code)."""

    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="exports", verbose_name=_("usaha"))
    year = models.PositiveSmallIntegerField(_("tahun"))
    country = models.CharField(_("negara tujuan"), max_length=2, validators=[validate_country])
    value = models.DecimalField(_("nilai ekspor (Rp)"), max_digits=15, decimal_places=0)

    class Meta:
        ordering = ["business", "-year", "country"]
        verbose_name = _("nilai ekspor")
        verbose_name_plural = _("nilai ekspor")
        constraints = [
            models.UniqueConstraint(
                fields=["business", "year", "country"],
                name="registry_exportvalue_unique_country_year",
                violation_error_message=_("Nilai ekspor ke negara ini pada tahun tersebut sudah ada."),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="registry_exportvalue_not_negative",
                violation_error_message=_("Nilai ekspor tidak boleh negatif."),
            ),
        ]

    def __str__(self):
        return f"{self.business} → {self.country_name} {self.year}"

    @property
    def country_name(self):
        return country_name(self.country)
