"""The registry's members: owners, businesses and their groups, with the rules that hold for every save."""

import contextlib

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, RangeOperators
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.models import Q, Value
from django.db.models.functions import Cast, NullIf
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from psycopg2 import errorcodes
from simple_history.models import HistoricalRecords

from registry.models.regions import Desa, Kecamatan, area_codes_seen_by, group_scoped, in_area_of
from registry.search import SearchKey
from registry.sizing import SizeClass
from registry.validators import (
    mask_nik,
    mask_phone,
    normalize_nib,
    normalize_nik,
    normalize_phone,
    validate_start_year,
)

#
# Members: owners, businesses, groups
#


class Category(models.TextChoices):
    """Simple categories the UI offers beside the KBLI code."""

    MAKANAN = "makanan", _("Makanan")
    MINUMAN = "minuman", _("Minuman")
    KERAJINAN = "kerajinan", _("Kerajinan")
    BATIK = "batik", _("Batik dan tenun")
    FESYEN = "fesyen", _("Fesyen dan konveksi")
    AGRO = "agro", _("Agro dan perikanan")
    JASA = "jasa", _("Jasa")
    PERDAGANGAN = "perdagangan", _("Perdagangan")
    LAINNYA = "lainnya", _("Lainnya")


class Source(models.TextChoices):
    FORM = "form", _("Formulir koordinator")
    IMPORT = "import", _("Impor berkas")
    NATIONAL = "national", _("Data nasional (SIDT)")
    ADMIN = "admin", _("Admin")


class Provenance(models.Model):
    """Where a record came from (form, import file and row, national extract, admin) and when
    (`created_at` beside it); later changes are in the record's history."""

    source = models.CharField(_("sumber data"), max_length=10, choices=Source.choices, default=Source.FORM)
    source_ref = models.CharField(
        _("asal data"), max_length=200, blank=True, editable=False, help_text=_("Misalnya berkas impor dan barisnya.")
    )

    class Meta:
        abstract = True


class SoftDeletable(models.Model):
    """A record that is deleted by marking it: it leaves every list, count, search, export and dashboard
    (the default manager hides it) until an admin restores it or `manage.py purge_deleted` destroys it."""

    deleted_at = models.DateTimeField(_("dihapus pada"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    delete_reason = models.CharField(_("alasan dihapus"), max_length=300, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_deleted(self):
        return self.deleted_at is not None


class LiveManager(models.Manager):
    """Only records that are not deleted; `all_objects` beside it sees every row (admin, purge)."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


def move_version(record, save_kwargs=None):
    """Every change of an existing owner or business moves its `version`, whoever makes it (a form, a service,
    the admin, the import's bulk updates), so a form opened before sees that it is stale
    (services.refuse_if_stale). Called by their `save()` with its keyword arguments, and by the import."""
    fields = (save_kwargs or {}).get("update_fields")
    if record._state.adding or (fields is not None and not fields):  # new, or a save that writes nothing
        return
    record.version += 1
    if fields is not None:
        save_kwargs["update_fields"] = {*fields, "version"}


# pg_advisory_xact_lock's first key for a NIB being stored (the second is the NIB): see hold_nibs.
_NIB_LOCK = 0x7A13


def hold_nibs(nibs, using=DEFAULT_DB_ALIAS):
    """Two transactions storing one NIB for two owners at once would each wait for the other in the exclusion
    constraint's check (registry_business_nib_one_owner checks after its row is in), and PostgreSQL would end
    one with a deadlock error: a 500, or a failed import, instead of the constraint's message. Holding the NIBs
    for the rest of the transaction first makes the second wait for the first to commit and then fail the
    constraint itself. The locks are taken in order (unnest keeps the array's), so two holders of several NIBs
    never wait for each other either. Call it inside a transaction: the business's `save()` through `nib_held`,
    and an import's chunk that is a transaction of its own (registry.imports._Writer.write)."""
    keys = sorted({int(nib) % 2**31 for nib in nibs if nib and nib.isdigit()})  # a malformed NIB fails the check
    if keys:
        with connections[using].cursor() as cursor:
            statement = "SELECT count(pg_advisory_xact_lock(%s, key)) FROM unnest(%s::int[]) AS key"
            cursor.execute(statement, [_NIB_LOCK, keys])


def lost_to_a_deadlock(error):
    """Whether a database error is PostgreSQL ending this transaction's statement to break a deadlock: with one
    NIB written at once where no lock is held first (an all-or-nothing import), it may pick either side; the
    caller then answers as for the constraint's violation."""
    return getattr(error.__cause__, "pgcode", None) == errorcodes.DEADLOCK_DETECTED


def nib_held(business, save_kwargs):
    """A transaction around a save that writes a NIB, holding it first (hold_nibs); nothing for other saves.
    Without a transaction of its own a save in autocommit would deadlock the same way."""
    fields = save_kwargs.get("update_fields")
    if not business.nib.isdigit() or (fields is not None and "nib" not in fields):
        return contextlib.nullcontext()
    using = save_kwargs.get("using") or router.db_for_write(Business, instance=business)
    return _holding(business.nib, using)


@contextlib.contextmanager
def _holding(nib, using):
    with transaction.atomic(using=using, savepoint=False):
        hold_nibs([nib], using)
        yield


def follow_desa(record):
    """The kecamatan follows the desa, so area checks never need a join. Called by the owner's and the
    business's `save()`, and by the import before its bulk writes."""
    record.kecamatan_id = record.desa.kecamatan_id if record.desa_id else None


class OwnerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Return owners living in the user's area or running a business there."""
        codes = area_codes_seen_by(user)
        if codes is None:
            return self.all()
        if group_scoped(user):  # a group coordinator: only their members' owners
            return self.filter(pk__in=Business.objects.visible_to(user).values("owner"))
        return self.filter(Q(kecamatan__in=codes) | Q(pk__in=Business.objects.visible_to(user).values("owner")))


class Owner(SoftDeletable, Provenance):
    """A person who runs one or more businesses (pelaku usaha); personal data under UU 27/2022."""

    class Sex(models.TextChoices):
        MALE = "L", _("Laki-laki")
        FEMALE = "P", _("Perempuan")

    class Education(models.TextChoices):
        NONE = "none", _("Tidak/belum sekolah")
        SD = "sd", _("SD/sederajat")
        SMP = "smp", _("SMP/sederajat")
        SMA = "sma", _("SMA/SMK/sederajat")
        DIPLOMA = "diploma", _("Diploma (D1-D3)")
        S1 = "s1", _("S1/D4")
        S2 = "s2", _("S2")
        S3 = "s3", _("S3")

    name = models.CharField(_("nama"), max_length=150)
    nik = models.CharField(_("NIK"), max_length=16)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("tanggal lahir"))
    phone = models.CharField(_("nomor HP"), max_length=16, blank=True, help_text=_("Disimpan dalam format +62."))
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    desa = models.ForeignKey(
        Desa,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("desa/kelurahan domisili"),
    )
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    education = models.CharField(_("pendidikan terakhir"), max_length=10, choices=Education.choices, blank=True)
    has_disability = models.BooleanField(_("penyandang disabilitas"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("didaftarkan oleh"),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)

    objects = LiveManager.from_queryset(OwnerQuerySet)()
    all_objects = OwnerQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = _("pelaku usaha")
        indexes = [
            GinIndex(OpClass(SearchKey("name"), name="gin_trgm_ops"), name="registry_owner_search_trgm"),
            # The business list sorted by owner walks owners in this order.
            models.Index(fields=["name", "id"], name="registry_owner_name_id"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["nik"], name="registry_owner_unique_nik", violation_error_message=_("NIK ini sudah terdaftar.")
            ),
            models.CheckConstraint(
                condition=Q(nik__regex=r"^[0-9]{16}$"),
                name="registry_owner_nik_16_digits",
                violation_error_message=_("NIK harus 16 digit angka."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        follow_desa(self)
        move_version(self, kwargs)
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.nik:
            try:
                self.nik = normalize_nik(self.nik)
            except ValidationError as error:
                errors["nik"] = error
        if self.phone:
            try:
                self.phone = normalize_phone(self.phone)
            except ValidationError as error:
                errors["phone"] = error
        if errors:
            raise ValidationError(errors)

    @property
    def masked_nik(self):
        return mask_nik(self.nik)

    @property
    def masked_phone(self):
        return mask_phone(self.phone) if self.phone else ""


class BusinessGroupQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Return the groups of the user's kecamatan; for a group coordinator, only the groups they coordinate."""
        groups = in_area_of(self, user)
        return groups.filter(coordinator=user) if group_scoped(user) else groups


class BusinessGroup(models.Model):
    """A group or cluster below the kecamatan: "Kelompok mente Desa Jelbudan", Kabat's batik cluster."""

    choice_label = "name"  # the column __str__ shows (filter bars read select options by it)

    name = models.CharField(_("nama"), max_length=150)
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="business_groups")
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_groups",
        verbose_name=_("koordinator"),
    )
    description = models.TextField(_("keterangan"), blank=True)

    objects = BusinessGroupQuerySet.as_manager()

    class Meta:
        ordering = ["kecamatan", "name"]
        verbose_name = _("kelompok usaha")
        verbose_name_plural = _("kelompok usaha")
        constraints = [
            models.UniqueConstraint(
                fields=["kecamatan", "name"],
                name="registry_businessgroup_unique_name",
                violation_error_message=_("Kelompok dengan nama ini sudah ada di kecamatan tersebut."),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("registry:group_detail", kwargs={"pk": self.pk})

    def members_seen_by(self, user):
        """The group's members the user may see (a group coordinator: all of them; they are theirs)."""
        return Business.objects.visible_to(user).filter(groups=self)


class BusinessQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Return the businesses inside the user's assigned areas; none without one (fail closed). A group
        coordinator sees, inside their area, only the members of the groups they coordinate."""
        businesses = in_area_of(self, user)
        if group_scoped(user):
            members = Business.groups.through.objects.filter(businessgroup__coordinator=user)
            businesses = businesses.filter(pk__in=members.values("business_id"))
        return businesses

    def verified(self):
        return self.filter(verification=Business.Verification.VERIFIED)

    def pending(self):
        return self.filter(verification=Business.Verification.PENDING)

    def guided(self):
        return self.exclude(guided_by="")


class Business(SoftDeletable, Provenance):
    """A registered UMKM (anggota): one owner, one desa and so one kecamatan, any number of products."""

    class Status(models.TextChoices):
        ACTIVE = "aktif", _("Aktif")
        INACTIVE = "tidak_aktif", _("Tidak aktif")
        CLOSED = "tutup", _("Tutup")

    class Verification(models.TextChoices):
        PENDING = "menunggu", _("Menunggu verifikasi")
        VERIFIED = "terverifikasi", _("Terverifikasi")
        REJECTED = "ditolak", _("Ditolak")

    class LegalForm(models.TextChoices):
        PERSONAL = "perorangan", _("Perorangan")
        UD = "ud", _("UD")
        CV = "cv", _("CV")
        PT = "pt", _("PT")
        PT_PERORANGAN = "pt_perorangan", _("PT perorangan")
        KOPERASI = "koperasi", _("Koperasi")
        FIRMA = "firma", _("Firma")
        OTHER = "lainnya", _("Lainnya")

    class KbliVersion(models.TextChoices):
        KBLI_2020 = "2020", _("KBLI 2020")
        KBLI_2025 = "2025", _("KBLI 2025")

    class Market(models.TextChoices):
        LOCAL = "lokal", _("Lokal")
        KABUPATEN = "kabupaten", _("Kabupaten")
        PROVINCE = "provinsi", _("Provinsi")
        NATIONAL = "nasional", _("Nasional")
        EXPORT = "ekspor", _("Ekspor")

    class Channel(models.TextChoices):
        OFFLINE = "offline", _("Toko/offline")
        SOUVENIR = "oleh_oleh", _("Toko oleh-oleh")
        MODERN_RETAIL = "ritel_modern", _("Ritel modern")
        MARKETPLACE = "marketplace", _("Marketplace")
        SOCIAL = "media_sosial", _("Media sosial")

    name = models.CharField(_("nama usaha"), max_length=200)
    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="businesses", verbose_name=_("pemilik"))
    desa = models.ForeignKey(
        Desa, on_delete=models.PROTECT, related_name="businesses", verbose_name=_("desa/kelurahan")
    )
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="businesses", editable=False)
    address = models.CharField(_("alamat usaha"), max_length=255, blank=True)
    latitude = models.DecimalField(_("lintang"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("bujur"), max_digits=9, decimal_places=6, null=True, blank=True)
    kbli_code = models.CharField(_("kode KBLI"), max_length=5, blank=True)
    kbli_version = models.CharField(
        _("versi KBLI"), max_length=4, choices=KbliVersion.choices, default=KbliVersion.KBLI_2020
    )
    category = models.CharField(_("kategori"), max_length=20, choices=Category.choices)
    description = models.TextField(_("deskripsi usaha"), blank=True)
    start_year = models.PositiveSmallIntegerField(_("tahun mulai"), null=True, blank=True)
    nib = models.CharField(_("NIB"), max_length=13, blank=True)
    legal_form = models.CharField(
        _("bentuk usaha"), max_length=15, choices=LegalForm.choices, default=LegalForm.PERSONAL
    )
    workers_male = models.PositiveIntegerField(_("tenaga kerja laki-laki"), default=0)
    workers_female = models.PositiveIntegerField(_("tenaga kerja perempuan"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    guided_by = models.CharField(
        _("binaan dinas"), max_length=150, blank=True, help_text=_("Dinas pembina; kosong bila bukan binaan.")
    )
    guided_since = models.DateField(_("binaan sejak"), null=True, blank=True)
    is_flagship = models.BooleanField(_("usaha unggulan"), default=False)
    groups = models.ManyToManyField(BusinessGroup, blank=True, related_name="businesses", verbose_name=_("kelompok"))
    markets = ArrayField(
        models.CharField(max_length=10, choices=Market.choices), default=list, blank=True, verbose_name=_("pasar")
    )
    sales_channels = ArrayField(
        models.CharField(max_length=15, choices=Channel.choices), default=list, blank=True, verbose_name=_("saluran")
    )
    size_class = models.CharField(
        _("skala terkini"),
        max_length=10,
        choices=SizeClass.choices,
        blank=True,
        editable=False,
        help_text=_("Skala dihitung dari data tahunan terbaru (PP 7/2021)."),
    )
    verification = models.CharField(
        _("verifikasi"), max_length=15, choices=Verification.choices, default=Verification.PENDING
    )
    verification_note = models.CharField(_("alasan penolakan"), max_length=500, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("diverifikasi pada"), null=True, blank=True)
    national_id = models.CharField(
        _("ID data nasional (SIDT)"), max_length=40, blank=True, help_text=_("id_data_badan_usaha dari ekstrak SIDT.")
    )
    national_record = models.JSONField(
        _("kolom SIDT lain"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("Kolom ekstrak SIDT yang tidak punya tempat sendiri, disimpan apa adanya untuk ekspor balik."),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("didaftarkan oleh"),
    )
    created_at = models.DateTimeField(_("didaftarkan"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)

    objects = LiveManager.from_queryset(BusinessQuerySet)()
    all_objects = BusinessQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = verbose_name_plural = _("usaha")
        permissions = [
            ("verify_business", _("Dapat memverifikasi pendaftaran usaha")),
            ("export_business", _("Dapat mengekspor daftar usaha")),
            ("set_guidance", _("Dapat menetapkan binaan dan usaha unggulan")),
            ("import_business", _("Dapat mengimpor usaha dari berkas Excel/CSV")),
            ("export_sidt", _("Dapat mengekspor usaha dalam kolom SIDT")),
        ]
        indexes = [
            models.Index(fields=["kecamatan", "name"], name="registry_business_kec_name"),
            models.Index(fields=["verification", "created_at"], name="registry_business_queue"),
            GinIndex(OpClass(SearchKey("name"), name="gin_trgm_ops"), name="registry_business_search_trgm"),
            # The list's order (name, id) over live rows: the first pages without sorting the table.
            models.Index(
                fields=["name", "id"],
                include=["kecamatan"],
                name="registry_business_name_id",
                condition=Q(deleted_at__isnull=True),
            ),
            # A kecamatan's businesses of one category (the dashboard tally's cells), and the list filtered by
            # both in its order (name, id): its first page reads 26 entries, not the kecamatan's (name) index
            # filtered by category (339 rows for Sidoarjo's food businesses at a million).
            models.Index(
                fields=["kecamatan", "category", "name", "id"],
                name="registry_business_kec_cat_name",
                condition=Q(deleted_at__isnull=True),
            ),
            # The list sorted by category or by size class (BusinessTable's orders), without sorting the table.
            models.Index(
                fields=["category", "name", "id"],
                name="registry_business_cat_name",
                condition=Q(deleted_at__isnull=True),
            ),
            models.Index(
                fields=["size_class", "name", "id"],
                name="registry_business_size_name",
                condition=Q(deleted_at__isnull=True),
            ),
            # Lookups by NIB (the import's matching, the duplicate check); the exclusion constraint's GiST
            # index serves them too, but slower.
            models.Index(fields=["nib"], condition=~Q(nib=""), name="registry_business_nib"),
            # Newest first (a search for a common word lists its hits this way).
            models.Index(
                fields=["created_at", "id"],
                include=["kecamatan"],
                name="registry_business_created_id",
                condition=Q(deleted_at__isnull=True),
            ),
        ]
        constraints = [
            # OSS issues one NIB to a business actor (pelaku usaha), who may run several businesses under it:
            # a NIB is shared only by businesses of one owner.
            # Compared as a number: GiST over the 13 digits as text cost an import about 0.3 ms a row (five
            # times more than as bigint; docs/performance.md). NULLIF keeps a blank NIB out of the cast.
            ExclusionConstraint(
                name="registry_business_nib_one_owner",
                expressions=[
                    (Cast(NullIf("nib", Value("")), models.BigIntegerField()), RangeOperators.EQUAL),
                    ("owner", RangeOperators.NOT_EQUAL),
                ],
                condition=~Q(nib=""),
                violation_error_message=_(
                    "NIB ini sudah terdaftar untuk pelaku usaha lain (satu NIB satu pelaku usaha)."
                ),
            ),
            models.UniqueConstraint(
                fields=["national_id"],
                condition=~Q(national_id=""),
                name="registry_business_unique_national_id",
                violation_error_message=_("ID SIDT ini sudah dipakai usaha lain."),
            ),
            models.CheckConstraint(
                condition=Q(nib="") | Q(nib__regex=r"^[0-9]{13}$"),
                name="registry_business_nib_13_digits",
                violation_error_message=_("NIB harus 13 digit angka."),
            ),
            models.CheckConstraint(
                condition=~Q(verification="ditolak") | ~Q(verification_note=""),
                name="registry_business_rejection_has_reason",
                violation_error_message=_("Penolakan harus disertai alasan."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        follow_desa(self)
        if kwargs.get("update_fields") is not None and "desa" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "kecamatan"}
        move_version(self, kwargs)
        with nib_held(self, kwargs):
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("registry:business_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.nib:
            try:
                self.nib = normalize_nib(self.nib)
            except ValidationError as error:
                errors["nib"] = error
        if self.start_year is not None:
            try:
                validate_start_year(self.start_year)
            except ValidationError as error:
                errors["start_year"] = error
        if self.kbli_code and not (self.kbli_code.isdigit() and len(self.kbli_code) == 5):
            errors["kbli_code"] = ValidationError(_("Kode KBLI harus 5 digit angka, misalnya 10792."))
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = ValidationError(_("Isi lintang dan bujur bersama-sama, atau kosongkan keduanya."))
        if errors:
            raise ValidationError(errors)

    @property
    def is_guided(self):
        return bool(self.guided_by)

    def get_markets_display(self):
        labels = dict(self.Market.choices)
        return ", ".join(str(labels.get(m, m)) for m in self.markets)

    def get_sales_channels_display(self):
        labels = dict(self.Channel.choices)
        return ", ".join(str(labels.get(c, c)) for c in self.sales_channels)

    @property
    def workers_total(self):
        return self.workers_male + self.workers_female
