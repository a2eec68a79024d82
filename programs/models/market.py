"""Finding markets: a business's consent to be shown, its products in the public catalogue, buyer
inquiries followed from first contact to an order, and selling events (pameran, bazar, belanja lokal).

A product is on the public pages only through `Listing.objects.public()`: one definition, read by every
public page, the sitemap, the printable catalogue and the buyer-desk sheet."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programs.models import Cancellable, CurationSubmission, ExportFacilitation, Placement
from registry.countries import validate_country
from registry.models import Business, Kabupaten, Product
from registry.models.members import move_version
from registry.models.regions import area_codes_seen_by

#
# Consent
#


class ListingConsentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)

    def visible_to(self, user):
        return self.filter(business__in=Business.objects.visible_to(user).values("pk"))


class ListingConsent(models.Model):
    """A business's consent to be shown in the public catalogue: who recorded it and when, what may be
    shown, and how buyers reach it. Withdrawal closes the row (it is kept as the record); a new consent is
    a new row. At most one row per business is open."""

    class Contact(models.TextChoices):
        PORTAL = "portal", _("Lewat portal (diteruskan koordinator)")
        WHATSAPP = "whatsapp", _("WhatsApp usaha")
        EMAIL = "email", _("E-mail usaha")

    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="listing_consents", verbose_name=_("usaha")
    )
    show_price = models.BooleanField(_("harga boleh ditampilkan"), default=True)
    show_capacity = models.BooleanField(_("kapasitas boleh ditampilkan"), default=True)
    show_address = models.BooleanField(
        _("alamat usaha boleh ditampilkan"), default=False, help_text=_("Alamat tempat usaha, bukan alamat rumah.")
    )
    contact_channel = models.CharField(
        _("cara pembeli menghubungi"), max_length=10, choices=Contact.choices, default=Contact.PORTAL
    )
    contact = models.CharField(
        _("kontak usaha"),
        max_length=100,
        blank=True,
        help_text=_("Nomor WhatsApp atau e-mail usaha yang boleh dilihat pembeli; bukan nomor pribadi pemilik."),
    )
    evidence = models.CharField(
        _("bukti persetujuan"),
        max_length=200,
        blank=True,
        help_text=_("Misalnya: formulir persetujuan bertanda tangan, diarsipkan di kecamatan."),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("dicatat"), auto_now_add=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("alasan dicabut"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)

    objects = ListingConsentQuerySet.as_manager()

    class Meta:
        ordering = ["business", "-recorded_at", "pk"]
        verbose_name = _("persetujuan tampil di katalog")
        verbose_name_plural = _("persetujuan tampil di katalog")
        constraints = [
            models.UniqueConstraint(
                fields=["business"],
                condition=Q(withdrawn_at__isnull=True),
                name="programs_listingconsent_one_open",
                violation_error_message=_("Usaha ini sudah memberi persetujuan yang masih berlaku."),
            ),
            models.CheckConstraint(
                condition=Q(contact_channel="portal") | ~Q(contact=""),
                name="programs_listingconsent_contact_given",
                violation_error_message=_("Isi kontak usaha untuk WhatsApp atau e-mail."),
            ),
        ]

    def __str__(self):
        return f"{self.business} ({self.recorded_at:%d-%m-%Y})"


#
# Listings
#


class ListingQuerySet(models.QuerySet):
    def public(self):
        """The listings any visitor may see: listed and not taken down, of a product that passed a
        curation, of a business that is not deleted and whose consent is open."""
        return self.filter(
            unlisted_at__isnull=True,
            product__business__deleted_at__isnull=True,
        ).filter(
            Exists(ListingConsent.objects.filter(business=OuterRef("product__business"), withdrawn_at__isnull=True)),
            Exists(
                CurationSubmission.objects.filter(
                    product=OuterRef("product"), decision=CurationSubmission.Decision.PASSED
                )
            ),
        )

    def in_kabupaten(self, kabupaten):
        return self.filter(product__business__kecamatan__kabupaten=kabupaten)

    def visible_to(self, user):
        return self.filter(product__business__in=Business.objects.visible_to(user).values("pk"))


class Listing(models.Model):
    """A curated product in the public catalogue, with what a buyer asks first: price range, minimum
    order, capacity per month, and whether the dinas calls it export-ready."""

    product = models.OneToOneField(Product, on_delete=models.PROTECT, related_name="listing", verbose_name=_("produk"))
    price_from = models.DecimalField(_("harga mulai (Rp)"), max_digits=15, decimal_places=0, null=True, blank=True)
    price_to = models.DecimalField(_("harga sampai (Rp)"), max_digits=15, decimal_places=0, null=True, blank=True)
    minimum_order = models.PositiveIntegerField(_("pesanan minimal"), null=True, blank=True)
    capacity_per_month = models.PositiveIntegerField(_("kapasitas per bulan"), null=True, blank=True)
    description_en = models.TextField(
        _("deskripsi dalam bahasa Inggris"), blank=True, help_text=_("Untuk pembeli luar negeri; boleh kosong.")
    )
    export_ready = models.BooleanField(
        _("siap ekspor"), default=False, help_text=_("Diisi dinas, misalnya sesudah kurasi ekspor.")
    )
    listed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    listed_at = models.DateTimeField(_("ditampilkan sejak"), auto_now_add=True)
    unlisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unlisted_at = models.DateTimeField(_("diturunkan"), null=True, blank=True)
    unlist_reason = models.CharField(_("alasan diturunkan"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    # Who saved the listing last (named when another editor's save is refused as stale).
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)

    objects = ListingQuerySet.as_manager()

    class Meta:
        ordering = ["-listed_at", "pk"]
        verbose_name = _("produk di katalog")
        verbose_name_plural = _("produk di katalog")
        permissions = [("mark_export_ready", _("Dapat menandai produk siap ekspor"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_from__isnull=True) | Q(price_to__isnull=True) | Q(price_to__gte=F("price_from")),
                name="programs_listing_price_range",
                violation_error_message=_("Harga sampai tidak boleh lebih kecil dari harga mulai."),
            ),
            models.CheckConstraint(
                condition=Q(price_from__isnull=True) | Q(price_from__gte=0),
                name="programs_listing_price_not_negative",
                violation_error_message=_("Harga tidak boleh negatif."),
            ),
        ]

    def __str__(self):
        return str(self.product)


class CatalogueEntryQuerySet(models.QuerySet):
    def in_kabupaten(self, kabupaten):
        return self.filter(kabupaten=kabupaten)

    def certified(self, field, day):
        """Entries holding the certificate of `field` (a `*_until` column) valid on `day`."""
        return self.filter(**{f"{field}__gte": day})


class CatalogueEntry(models.Model):
    """One narrow row per listing that `Listing.objects.public()` shows, for the public catalogue to narrow,
    order and count a kabupaten's listings on its own indexes (programs/catalogue_entries.py keeps it, in
    the writing transaction; the rows shown are still read through `Listing.objects.public()`).

    Certificates are stored as the last day they are valid (`NO_END` for a document without an end date,
    NULL for none), so "valid today" is decided when reading. The search keys are `umkm_search_key` of the
    product's and of the business's name, as registry.search compares them."""

    listing = models.OneToOneField(Listing, on_delete=models.CASCADE, primary_key=True, related_name="+")
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="+")
    kabupaten = models.ForeignKey(
        Kabupaten, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    kecamatan = models.ForeignKey(
        "registry.Kecamatan", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    category = models.CharField(max_length=20)
    export_ready = models.BooleanField()
    listed_at = models.DateTimeField()
    halal_until = models.DateField(null=True)
    pirt_until = models.DateField(null=True)
    bpom_until = models.DateField(null=True)
    sni_until = models.DateField(null=True)
    product_key = models.TextField()
    business_key = models.TextField()

    objects = CatalogueEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-listed_at", "listing"]  # Listing's own order
        indexes = [
            models.Index(F("kabupaten"), F("listed_at").desc(), F("listing"), name="programs_entry_newest"),
            # btree_gin: the kabupaten inside the trigram index, so a search rechecks only its own rows.
            GinIndex(
                F("kabupaten"), OpClass(F("product_key"), name="gin_trgm_ops"), name="programs_entry_product_trgm"
            ),
            GinIndex(
                F("kabupaten"), OpClass(F("business_key"), name="gin_trgm_ops"), name="programs_entry_business_trgm"
            ),
        ]

    def __str__(self):
        return str(self.listing_id)


class CatalogueWord(models.Model):
    """A word of a listed product's or business's name (its search key, split where it is not a letter or a
    digit), per kabupaten: a typo search first finds the words like it here (a few thousand rows, not every
    name), then the entries containing them on the entries' trigram indexes, as pg_trgm's documentation
    recommends ("Text Search Integration"). Kept by programs/catalogue_entries.py in the same statement as
    the entries; a word no entry has any more is dropped by the rebuild."""

    kabupaten = models.ForeignKey(
        Kabupaten, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    word = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kabupaten", "word"], name="programs_word_unique")]
        indexes = [GinIndex(F("kabupaten"), OpClass(F("word"), name="gin_trgm_ops"), name="programs_word_trgm")]

    def __str__(self):
        return self.word


#
# Buyer inquiries
#


class InquiryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(business__in=Business.objects.visible_to(user).values("pk"))

    def open(self):
        return self.exclude(status__in=[Inquiry.Status.PLACEMENT, Inquiry.Status.CLOSED])


class Inquiry(models.Model):
    """A buyer's question about a product (or, at an event, an office's parcel order), followed by the
    coordinator and the dinas from first contact to an order, a placement or an export."""

    class BuyerKind(models.TextChoices):
        SHOP = "toko", _("Toko atau toko oleh-oleh")
        RETAILER = "ritel", _("Ritel modern")
        HOTEL = "horeka", _("Hotel, restoran atau kafe")
        EXPORTER = "eksportir", _("Eksportir atau pembeli luar negeri")
        OFFICE = "instansi", _("Kantor atau instansi (misalnya parsel)")
        OTHER = "lainnya", _("Lainnya")

    class Status(models.TextChoices):
        NEW = "baru", _("Baru")
        CONTACTED = "dihubungi", _("Sudah dihubungi")
        SAMPLE_SENT = "sampel", _("Sampel dikirim")
        ORDER = "pesanan", _("Pesanan")
        PLACEMENT = "penempatan", _("Penempatan atau ekspor")
        CLOSED = "ditutup", _("Ditutup")

    class CloseReason(models.TextChoices):
        PRICE = "harga", _("Harga tidak cocok")
        CAPACITY = "kapasitas", _("Kapasitas atau waktu tidak cukup")
        REQUIREMENTS = "syarat", _("Syarat pembeli belum terpenuhi (izin, sertifikat, kemasan)")
        NO_ANSWER = "tidak_dijawab", _("Pembeli tidak menjawab")
        BUYER_CANCELLED = "batal", _("Pembeli membatalkan")
        SPAM = "spam", _("Bukan permintaan sungguhan")
        OTHER = "lainnya", _("Lainnya")

    class Source(models.TextChoices):
        CATALOGUE = "katalog", _("Katalog publik")
        STAFF = "petugas", _("Dicatat petugas")
        EVENT = "acara", _("Di acara")

    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="inquiries", verbose_name=_("usaha"))
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="inquiries", verbose_name=_("produk")
    )
    event = models.ForeignKey(
        "MarketEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("acara"),
    )
    source = models.CharField(_("asal"), max_length=10, choices=Source.choices, default=Source.CATALOGUE)
    buyer_name = models.CharField(_("nama pembeli"), max_length=120)
    buyer_organisation = models.CharField(_("perusahaan atau instansi"), max_length=150, blank=True)
    buyer_kind = models.CharField(_("jenis pembeli"), max_length=10, choices=BuyerKind.choices)
    # Required on the public form; a staff-recorded inquiry (a phone call, an office's order at an event)
    # may have none, and then no status link is mailed.
    buyer_email = models.EmailField(_("e-mail pembeli"), max_length=254, blank=True)
    buyer_phone = models.CharField(_("telepon pembeli"), max_length=30, blank=True)
    quantity = models.PositiveIntegerField(_("jumlah"))
    destination = models.CharField(_("tujuan pengiriman"), max_length=150)
    destination_country = models.CharField(
        _("negara tujuan"), max_length=2, default="ID", validators=[validate_country]
    )
    needed_by = models.DateField(_("dibutuhkan sebelum"), null=True, blank=True)
    message = models.TextField(_("pesan"), max_length=2000, blank=True)
    language = models.CharField(_("bahasa"), max_length=10, default="id", editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    first_contact_at = models.DateTimeField(_("pertama dihubungi"), null=True, blank=True)
    order_quantity = models.PositiveIntegerField(_("jumlah dipesan"), null=True, blank=True)
    order_value = models.DecimalField(_("nilai pesanan (Rp)"), max_digits=15, decimal_places=0, null=True, blank=True)
    ordered_at = models.DateTimeField(_("dipesan"), null=True, blank=True)
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, null=True, blank=True, related_name="inquiries")
    export = models.ForeignKey(
        ExportFacilitation, on_delete=models.PROTECT, null=True, blank=True, related_name="inquiries"
    )
    close_reason = models.CharField(_("alasan ditutup"), max_length=15, choices=CloseReason.choices, blank=True)
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)
    # The buyer's private status link carries a token; only its SHA-256 is stored.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # When the worker mailed the status link (programs.tasks.mail_inquiry_link); empty until then.
    link_sent_at = models.DateTimeField(_("tautan status dikirim"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("masuk"), auto_now_add=True)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)

    objects = InquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("permintaan pembeli")
        verbose_name_plural = _("permintaan pembeli")
        indexes = [models.Index(fields=["status", "created_at"], name="programs_inquiry_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(order_value__isnull=True) | Q(order_value__gte=0),
                name="programs_inquiry_order_value_not_negative",
                violation_error_message=_("Nilai pesanan tidak boleh negatif."),
            ),
            models.CheckConstraint(
                condition=~Q(status="ditutup") | ~Q(close_reason=""),
                name="programs_inquiry_closed_with_reason",
                violation_error_message=_("Pilih alasan permintaan ditutup."),
            ),
        ]

    def __str__(self):
        return f"{self.buyer_organisation or self.buyer_name} → {self.product or self.business}"

    def get_absolute_url(self):
        return reverse("programs:inquiry_detail", args=[self.pk])

    @staticmethod
    def hash_token(token):
        return hashlib.sha256(token.encode()).hexdigest()

    def new_token(self):
        """Set a fresh status-link token on the inquiry and return it (the only time it is seen)."""
        token = secrets.token_urlsafe(24)
        self.token_hash = self.hash_token(token)
        return token


class InquiryStep(models.Model):
    """One move of an inquiry: its status after the move, a note, who and when."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(_("status"), max_length=12, choices=Inquiry.Status.choices)
    note = models.CharField(_("catatan"), max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        ordering = ["inquiry", "at", "pk"]
        verbose_name = _("langkah permintaan")
        verbose_name_plural = _("langkah permintaan")

    def __str__(self):
        return f"{self.inquiry_id} {self.status}"


#
# Selling events
#


class MarketEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Events of the kabupaten the user works in (a coordinator sees their kabupaten's events)."""
        codes = area_codes_seen_by(user)
        if codes is None:
            return self.all()
        return self.filter(kabupaten__in={code[:5] for code in codes})


class MarketEvent(Cancellable):
    """An exhibition, bazaar or buy-local event, with the businesses taking part and what each sold."""

    class Kind(models.TextChoices):
        EXHIBITION = "pameran", _("Pameran")
        BAZAAR = "bazar", _("Bazar")
        BUY_LOCAL = "belanja_lokal", _("Belanja produk lokal")

    name = models.CharField(_("nama acara"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=15, choices=Kind.choices)
    kabupaten = models.ForeignKey(
        Kabupaten, on_delete=models.PROTECT, related_name="market_events", verbose_name=_("kabupaten")
    )
    place = models.CharField(_("tempat"), max_length=200)
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("sampai"))
    organiser = models.CharField(_("penyelenggara"), max_length=150, blank=True)
    note = models.TextField(_("catatan"), max_length=2000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)

    objects = MarketEventQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("acara pemasaran")
        verbose_name_plural = _("acara pemasaran")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="programs_marketevent_ends_after_start",
                violation_error_message=_("Tanggal akhir harus sesudah tanggal mulai."),
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        move_version(self, kwargs)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("programs:event_detail", args=[self.pk])


class EventBooth(models.Model):
    """A business taking part in an event: its booth and the sales it recorded there."""

    event = models.ForeignKey(MarketEvent, on_delete=models.CASCADE, related_name="booths")
    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="event_booths", verbose_name=_("usaha")
    )
    booth = models.CharField(_("stan"), max_length=30, blank=True, help_text=_("Nomor atau nama stan."))
    sales = models.DecimalField(_("penjualan (Rp)"), max_digits=15, decimal_places=0, null=True, blank=True)
    transactions = models.PositiveIntegerField(_("jumlah transaksi"), null=True, blank=True)
    sales_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sales_recorded_at = models.DateTimeField(_("penjualan dicatat"), null=True, blank=True)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "booth", "pk"]
        verbose_name = _("peserta acara")
        verbose_name_plural = _("peserta acara")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "business"],
                name="programs_eventbooth_once_per_event",
                violation_error_message=_("Usaha ini sudah terdaftar di acara ini."),
            ),
            models.CheckConstraint(
                condition=Q(sales__isnull=True) | Q(sales__gte=0),
                name="programs_eventbooth_sales_not_negative",
                violation_error_message=_("Penjualan tidak boleh negatif."),
            ),
        ]

    def __str__(self):
        return f"{self.business} @ {self.event}"

    def save(self, *args, **kwargs):
        move_version(self, kwargs)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.event.get_absolute_url()
