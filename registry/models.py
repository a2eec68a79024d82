"""Regions, area assignments, and the registry itself: owners, businesses, products, documents, figures."""

import datetime
import uuid

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, RangeOperators
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from registry.countries import COUNTRY_NAMES, validate_country
from registry.search import SearchKey
from registry.sizing import RULE_VERSION, SizeClass, compute_size_class, rank
from registry.validators import (
    mask_nik,
    mask_phone,
    normalize_bpom,
    normalize_nib,
    normalize_nik,
    normalize_phone,
    normalize_pirt,
    pirt_expiry_year,
    validate_start_year,
)

#
# Regions
#


class Provinsi(models.Model):
    """A province, keyed by its two-digit Kemendagri code ("35")."""

    code = models.CharField("kode", max_length=2, primary_key=True)
    name = models.CharField("nama", max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "provinsi"

    def __str__(self):
        return self.name


class KabupatenQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Return the kabupaten/kota that hold at least one kecamatan the user may see."""
        return self.filter(pk__in=Kecamatan.objects.within_areas_of(user).values("kabupaten"))


class Kabupaten(models.Model):
    """A kabupaten or kota, keyed by its dotted code ("35.15")."""

    choice_label = "name"  # the column __str__ shows (filter bars read select options by it)

    class Kind(models.TextChoices):
        KABUPATEN = "kabupaten", "Kabupaten"
        KOTA = "kota", "Kota"

    code = models.CharField("kode", max_length=5, primary_key=True)
    name = models.CharField("nama", max_length=100)
    kind = models.CharField("jenis", max_length=10, choices=Kind.choices)
    provinsi = models.ForeignKey(
        Provinsi, on_delete=models.PROTECT, related_name="kabupaten_set", verbose_name="provinsi"
    )

    objects = KabupatenQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "kabupaten/kota"

    def __str__(self):
        return self.name


def area_codes(user):
    """The codes of the kecamatan inside `user`'s assignments, read once per user object (a request's
    user): every list, filter choice and count of the request then tests a short literal list instead
    of planning the assignment subqueries again. Saving or deleting an assignment made through this user
    object forgets them (forget_area_codes)."""
    codes = user.__dict__.get("_area_codes")
    if codes is None:
        assignments = AreaAssignment.objects.filter(user=user)
        codes = list(
            Kecamatan.objects.filter(
                Q(pk__in=assignments.filter(kecamatan__isnull=False).values("kecamatan"))
                | Q(kabupaten__in=assignments.filter(kabupaten__isnull=False).values("kabupaten"))
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        user.__dict__["_area_codes"] = codes
    return codes


def area_codes_seen_by(user):
    """The kecamatan codes `user` may see, for a `kecamatan__in` filter: None for a superuser (every one),
    none for an anonymous or inactive user (fail closed), else their assignments' (area_codes)."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    return area_codes(user)


def in_area_of(queryset, user, lookup="kecamatan"):
    """`queryset` narrowed to the user's area through its `lookup` to a kecamatan, tested as a literal list
    of codes: the planner then picks the index of the list's order, not a join with the kecamatan table."""
    codes = area_codes_seen_by(user)
    return queryset.all() if codes is None else queryset.filter(**{f"{lookup}__in": codes})


def forget_area_codes(sender, instance, **kwargs):
    """post_save/post_delete of an AreaAssignment: the user object it was made with reads its area again."""
    user = instance._state.fields_cache.get("user")
    if user is not None:
        user.__dict__.pop("_area_codes", None)


class KecamatanQuerySet(models.QuerySet):
    def within_areas_of(self, user):
        """Return the kecamatan the user may see: the one place that turns assignments into area.

        Fails closed: anonymous, inactive and unassigned users get none; superusers get all.
        """
        return in_area_of(self, user, lookup="pk")

    def visible_to(self, user):
        """Return the kecamatan inside the user's areas (see within_areas_of)."""
        return self.within_areas_of(user)


class Kecamatan(models.Model):
    """A kecamatan (district), keyed by its dotted code ("35.15.12" is Balongbendo)."""

    choice_label = "name"  # the column __str__ shows (filter bars read select options by it)

    code = models.CharField("kode", max_length=8, primary_key=True)
    name = models.CharField("nama", max_length=100)
    kabupaten = models.ForeignKey(
        Kabupaten, on_delete=models.PROTECT, related_name="kecamatan_set", verbose_name="kabupaten/kota"
    )

    objects = KecamatanQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "kecamatan"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("registry:kecamatan_detail", args=[self.code])


class DesaQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Return the desa/kelurahan inside the user's areas."""
        return in_area_of(self, user)


class Desa(models.Model):
    """A desa or kelurahan, keyed by its dotted code ("35.15.12.2001" is Wonokupang)."""

    choice_label = "name"  # the column __str__ shows (filter bars read select options by it)

    class Kind(models.TextChoices):
        KELURAHAN = "kelurahan", "Kelurahan"
        DESA = "desa", "Desa"
        DESA_ADAT = "desa_adat", "Desa adat"

    code = models.CharField("kode", max_length=13, primary_key=True)
    name = models.CharField("nama", max_length=100)
    kind = models.CharField("jenis", max_length=10, choices=Kind.choices)
    postal_code = models.CharField("kode pos", max_length=5, blank=True)
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="desa_set", verbose_name="kecamatan"
    )

    objects = DesaQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "desa/kelurahan"

    def __str__(self):
        return self.name


#
# Area assignments
#


class AreaAssignment(models.Model):
    """One area a user works in: a whole kabupaten (dinas staff) or one kecamatan (a coordinator)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="area_assignments", verbose_name="pengguna"
    )
    kabupaten = models.ForeignKey(
        Kabupaten, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="kabupaten/kota"
    )
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="kecamatan"
    )
    created_at = models.DateTimeField("dibuat", auto_now_add=True)

    class Meta:
        ordering = ["user", "kabupaten", "kecamatan"]
        verbose_name = "penugasan wilayah"
        verbose_name_plural = "penugasan wilayah"
        constraints = [
            models.CheckConstraint(
                condition=Q(kabupaten__isnull=False, kecamatan__isnull=True)
                | Q(kabupaten__isnull=True, kecamatan__isnull=False),
                name="registry_areaassignment_one_area",
                violation_error_message="Pilih satu wilayah: kabupaten atau kecamatan, tidak keduanya.",
            ),
            models.UniqueConstraint(
                fields=["user", "kabupaten"],
                name="registry_areaassignment_unique_kabupaten",
                violation_error_message="Pengguna ini sudah ditugaskan di kabupaten tersebut.",
            ),
            models.UniqueConstraint(
                fields=["user", "kecamatan"],
                name="registry_areaassignment_unique_kecamatan",
                violation_error_message="Pengguna ini sudah ditugaskan di kecamatan tersebut.",
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.area}"

    @property
    def area(self):
        return self.kecamatan or self.kabupaten

    def clean(self):
        if (self.kabupaten_id is None) == (self.kecamatan_id is None):
            raise ValidationError("Pilih satu wilayah: kabupaten atau kecamatan, tidak keduanya.")


#
# Members: owners, businesses, groups
#


class Category(models.TextChoices):
    """Simple categories the UI offers beside the KBLI code."""

    MAKANAN = "makanan", "Makanan"
    MINUMAN = "minuman", "Minuman"
    KERAJINAN = "kerajinan", "Kerajinan"
    BATIK = "batik", "Batik dan tenun"
    FESYEN = "fesyen", "Fesyen dan konveksi"
    AGRO = "agro", "Agro dan perikanan"
    JASA = "jasa", "Jasa"
    PERDAGANGAN = "perdagangan", "Perdagangan"
    LAINNYA = "lainnya", "Lainnya"


class Source(models.TextChoices):
    FORM = "form", "Formulir koordinator"
    IMPORT = "import", "Impor berkas"
    NATIONAL = "national", "Data nasional (SIDT)"
    ADMIN = "admin", "Admin"


class Provenance(models.Model):
    """Where a record came from (form, import file and row, national extract, admin) and when
    (`created_at` beside it); later changes are in the record's history."""

    source = models.CharField("sumber data", max_length=10, choices=Source.choices, default=Source.FORM)
    source_ref = models.CharField(
        "asal data", max_length=200, blank=True, editable=False, help_text="Misalnya berkas impor dan barisnya."
    )

    class Meta:
        abstract = True


class SoftDeletable(models.Model):
    """A record that is deleted by marking it: it leaves every list, count, search, export and dashboard
    (the default manager hides it) until an admin restores it or `manage.py purge_deleted` destroys it."""

    deleted_at = models.DateTimeField("dihapus pada", null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    delete_reason = models.CharField("alasan dihapus", max_length=300, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_deleted(self):
        return self.deleted_at is not None


class LiveManager(models.Manager):
    """Only records that are not deleted; `all_objects` beside it sees every row (admin, purge)."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class OwnerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Return owners living in the user's area or running a business there."""
        codes = area_codes_seen_by(user)
        if codes is None:
            return self.all()
        return self.filter(Q(kecamatan__in=codes) | Q(pk__in=Business.objects.visible_to(user).values("owner")))


class Owner(SoftDeletable, Provenance):
    """A person who runs one or more businesses (pelaku usaha); personal data under UU 27/2022."""

    class Sex(models.TextChoices):
        MALE = "L", "Laki-laki"
        FEMALE = "P", "Perempuan"

    class Education(models.TextChoices):
        NONE = "none", "Tidak/belum sekolah"
        SD = "sd", "SD/sederajat"
        SMP = "smp", "SMP/sederajat"
        SMA = "sma", "SMA/SMK/sederajat"
        DIPLOMA = "diploma", "Diploma (D1-D3)"
        S1 = "s1", "S1/D4"
        S2 = "s2", "S2"
        S3 = "s3", "S3"

    name = models.CharField("nama", max_length=150)
    nik = models.CharField("NIK", max_length=16)
    sex = models.CharField("jenis kelamin", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("tanggal lahir")
    phone = models.CharField("nomor HP", max_length=16, blank=True, help_text="Disimpan dalam format +62.")
    address = models.CharField("alamat", max_length=255, blank=True)
    desa = models.ForeignKey(
        Desa, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="desa/kelurahan domisili"
    )
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    education = models.CharField("pendidikan terakhir", max_length=10, choices=Education.choices, blank=True)
    has_disability = models.BooleanField("penyandang disabilitas", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="didaftarkan oleh",
    )
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    updated_at = models.DateTimeField("diubah", auto_now=True)
    version = models.PositiveIntegerField("versi", default=1, editable=False)

    objects = LiveManager.from_queryset(OwnerQuerySet)()
    all_objects = OwnerQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "pelaku usaha"
        indexes = [
            GinIndex(OpClass(SearchKey("name"), name="gin_trgm_ops"), name="registry_owner_search_trgm"),
            # The business list sorted by owner walks owners in this order.
            models.Index(fields=["name", "id"], name="registry_owner_name_id"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["nik"], name="registry_owner_unique_nik", violation_error_message="NIK ini sudah terdaftar."
            ),
            models.CheckConstraint(
                condition=Q(nik__regex=r"^[0-9]{16}$"),
                name="registry_owner_nik_16_digits",
                violation_error_message="NIK harus 16 digit angka.",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The kecamatan follows the desa, so area checks never need a join.
        self.kecamatan_id = self.desa.kecamatan_id if self.desa_id else None
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
        """Return the groups of the user's kecamatan."""
        return in_area_of(self, user)


class BusinessGroup(models.Model):
    """A group or cluster below the kecamatan: "Kelompok mente Desa Jelbudan", Kabat's batik cluster."""

    choice_label = "name"  # the column __str__ shows (filter bars read select options by it)

    name = models.CharField("nama", max_length=150)
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="business_groups")
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_groups",
        verbose_name="koordinator",
    )
    description = models.TextField("keterangan", blank=True)

    objects = BusinessGroupQuerySet.as_manager()

    class Meta:
        ordering = ["kecamatan", "name"]
        verbose_name = "kelompok usaha"
        verbose_name_plural = "kelompok usaha"
        constraints = [
            models.UniqueConstraint(
                fields=["kecamatan", "name"],
                name="registry_businessgroup_unique_name",
                violation_error_message="Kelompok dengan nama ini sudah ada di kecamatan tersebut.",
            )
        ]

    def __str__(self):
        return self.name


class BusinessQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Return the businesses inside the user's assigned areas; none without one (fail closed)."""
        return in_area_of(self, user)

    def verified(self):
        return self.filter(verification=Business.Verification.VERIFIED)

    def pending(self):
        return self.filter(verification=Business.Verification.PENDING)

    def guided(self):
        return self.exclude(guided_by="")


class Business(SoftDeletable, Provenance):
    """A registered UMKM (anggota): one owner, one desa and so one kecamatan, any number of products."""

    class Status(models.TextChoices):
        ACTIVE = "aktif", "Aktif"
        INACTIVE = "tidak_aktif", "Tidak aktif"
        CLOSED = "tutup", "Tutup"

    class Verification(models.TextChoices):
        PENDING = "menunggu", "Menunggu verifikasi"
        VERIFIED = "terverifikasi", "Terverifikasi"
        REJECTED = "ditolak", "Ditolak"

    class LegalForm(models.TextChoices):
        PERSONAL = "perorangan", "Perorangan"
        UD = "ud", "UD"
        CV = "cv", "CV"
        PT = "pt", "PT"
        PT_PERORANGAN = "pt_perorangan", "PT perorangan"
        KOPERASI = "koperasi", "Koperasi"
        FIRMA = "firma", "Firma"
        OTHER = "lainnya", "Lainnya"

    class KbliVersion(models.TextChoices):
        KBLI_2020 = "2020", "KBLI 2020"
        KBLI_2025 = "2025", "KBLI 2025"

    class Market(models.TextChoices):
        LOCAL = "lokal", "Lokal"
        KABUPATEN = "kabupaten", "Kabupaten"
        PROVINCE = "provinsi", "Provinsi"
        NATIONAL = "nasional", "Nasional"
        EXPORT = "ekspor", "Ekspor"

    class Channel(models.TextChoices):
        OFFLINE = "offline", "Toko/offline"
        SOUVENIR = "oleh_oleh", "Toko oleh-oleh"
        MODERN_RETAIL = "ritel_modern", "Ritel modern"
        MARKETPLACE = "marketplace", "Marketplace"
        SOCIAL = "media_sosial", "Media sosial"

    name = models.CharField("nama usaha", max_length=200)
    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="businesses", verbose_name="pemilik")
    desa = models.ForeignKey(Desa, on_delete=models.PROTECT, related_name="businesses", verbose_name="desa/kelurahan")
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="businesses", editable=False)
    address = models.CharField("alamat usaha", max_length=255, blank=True)
    latitude = models.DecimalField("lintang", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("bujur", max_digits=9, decimal_places=6, null=True, blank=True)
    kbli_code = models.CharField("kode KBLI", max_length=5, blank=True)
    kbli_version = models.CharField(
        "versi KBLI", max_length=4, choices=KbliVersion.choices, default=KbliVersion.KBLI_2020
    )
    category = models.CharField("kategori", max_length=20, choices=Category.choices)
    description = models.TextField("deskripsi usaha", blank=True)
    start_year = models.PositiveSmallIntegerField("tahun mulai", null=True, blank=True)
    nib = models.CharField("NIB", max_length=13, blank=True)
    legal_form = models.CharField("bentuk usaha", max_length=15, choices=LegalForm.choices, default=LegalForm.PERSONAL)
    workers_male = models.PositiveIntegerField("tenaga kerja laki-laki", default=0)
    workers_female = models.PositiveIntegerField("tenaga kerja perempuan", default=0)
    status = models.CharField("status", max_length=12, choices=Status.choices, default=Status.ACTIVE)
    guided_by = models.CharField(
        "binaan dinas", max_length=150, blank=True, help_text="Dinas pembina; kosong bila bukan binaan."
    )
    guided_since = models.DateField("binaan sejak", null=True, blank=True)
    is_flagship = models.BooleanField("usaha unggulan", default=False)
    groups = models.ManyToManyField(BusinessGroup, blank=True, related_name="businesses", verbose_name="kelompok")
    markets = ArrayField(
        models.CharField(max_length=10, choices=Market.choices), default=list, blank=True, verbose_name="pasar"
    )
    sales_channels = ArrayField(
        models.CharField(max_length=15, choices=Channel.choices), default=list, blank=True, verbose_name="saluran"
    )
    size_class = models.CharField(
        "skala terkini",
        max_length=10,
        choices=SizeClass.choices,
        blank=True,
        editable=False,
        help_text="Skala dihitung dari data tahunan terbaru (PP 7/2021).",
    )
    verification = models.CharField(
        "verifikasi", max_length=15, choices=Verification.choices, default=Verification.PENDING
    )
    verification_note = models.CharField("alasan penolakan", max_length=500, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField("diverifikasi pada", null=True, blank=True)
    national_id = models.CharField(
        "ID data nasional (SIDT)", max_length=40, blank=True, help_text="id_data_badan_usaha dari ekstrak SIDT."
    )
    national_record = models.JSONField(
        "kolom SIDT lain",
        default=dict,
        blank=True,
        editable=False,
        help_text="Kolom ekstrak SIDT yang tidak punya tempat sendiri, disimpan apa adanya untuk ekspor balik.",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="didaftarkan oleh",
    )
    created_at = models.DateTimeField("didaftarkan", auto_now_add=True)
    updated_at = models.DateTimeField("diubah", auto_now=True)
    version = models.PositiveIntegerField("versi", default=1, editable=False)

    objects = LiveManager.from_queryset(BusinessQuerySet)()
    all_objects = BusinessQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = verbose_name_plural = "usaha"
        permissions = [
            ("verify_business", "Dapat memverifikasi pendaftaran usaha"),
            ("export_business", "Dapat mengekspor daftar usaha"),
            ("set_guidance", "Dapat menetapkan binaan dan usaha unggulan"),
            ("import_business", "Dapat mengimpor usaha dari berkas Excel/CSV"),
            ("export_sidt", "Dapat mengekspor usaha dalam kolom SIDT"),
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
            # A kecamatan's businesses of one category (list filters; the dashboard tally's cells).
            models.Index(
                fields=["kecamatan", "category"], name="registry_business_kec_cat", condition=Q(deleted_at__isnull=True)
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
            ExclusionConstraint(
                name="registry_business_nib_one_owner",
                expressions=[("nib", RangeOperators.EQUAL), ("owner", RangeOperators.NOT_EQUAL)],
                condition=~Q(nib=""),
                violation_error_message="NIB ini sudah terdaftar untuk pelaku usaha lain (satu NIB satu pelaku usaha).",
            ),
            models.UniqueConstraint(
                fields=["national_id"],
                condition=~Q(national_id=""),
                name="registry_business_unique_national_id",
                violation_error_message="ID SIDT ini sudah dipakai usaha lain.",
            ),
            models.CheckConstraint(
                condition=Q(nib="") | Q(nib__regex=r"^[0-9]{13}$"),
                name="registry_business_nib_13_digits",
                violation_error_message="NIB harus 13 digit angka.",
            ),
            models.CheckConstraint(
                condition=~Q(verification="ditolak") | ~Q(verification_note=""),
                name="registry_business_rejection_has_reason",
                violation_error_message="Penolakan harus disertai alasan.",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The kecamatan always follows the desa: one source of truth for the area check.
        self.kecamatan_id = self.desa.kecamatan_id
        if kwargs.get("update_fields") is not None and "desa" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "kecamatan"}
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
            errors["kbli_code"] = ValidationError("Kode KBLI harus 5 digit angka, misalnya 10792.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = ValidationError("Isi lintang dan bujur bersama-sama, atau kosongkan keduanya.")
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


#
# Products and their photos
#


class ProductQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(business__in=Business.objects.visible_to(user).values("pk"))


class Product(Provenance):
    """Something a business makes or sells: lumpia bandeng, sinom belimbing wuluh, batik tulis."""

    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="products", verbose_name="usaha")
    name = models.CharField("nama produk", max_length=200)
    category = models.CharField("kategori", max_length=20, choices=Category.choices)
    description = models.TextField("deskripsi", blank=True)
    price = models.DecimalField("harga (Rp)", max_digits=15, decimal_places=0, null=True, blank=True)
    unit = models.CharField("satuan", max_length=30, blank=True, help_text="Misalnya pcs, pak, kg, botol.")
    packaging = models.CharField("kemasan", max_length=100, blank=True)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    updated_at = models.DateTimeField("diubah", auto_now=True)

    objects = ProductQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["business", "name", "pk"]
        verbose_name = verbose_name_plural = "produk"
        indexes = [GinIndex(OpClass(SearchKey("name"), name="gin_trgm_ops"), name="registry_product_search_trgm")]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gte=0),
                name="registry_product_price_not_negative",
                violation_error_message="Harga tidak boleh negatif.",
            )
        ]

    def __str__(self):
        return self.name


def _photo_path(instance, filename):
    # Server-generated names only: nothing of the uploaded file name reaches the disk.
    return f"products/{instance.product_id}/{uuid.uuid4().hex}.jpg"


def _thumbnail_path(instance, filename):
    return f"products/{instance.product_id}/thumbs/{uuid.uuid4().hex}.jpg"


class ProductPhotoQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(product__business__in=Business.objects.visible_to(user).values("pk"))


class ProductPhoto(models.Model):
    """A product photo, re-encoded as JPEG without EXIF, with a thumbnail; served only through a view."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos", verbose_name="produk")
    image = models.ImageField("foto", upload_to=_photo_path, width_field="width", height_field="height")
    thumbnail = models.ImageField("gambar kecil", upload_to=_thumbnail_path)
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField("diunggah", auto_now_add=True)

    objects = ProductPhotoQuerySet.as_manager()

    class Meta:
        ordering = ["product", "created_at", "pk"]
        verbose_name = "foto produk"
        verbose_name_plural = "foto produk"

    def __str__(self):
        return f"Foto {self.product}"

    def get_absolute_url(self):
        return reverse("registry:productphoto_image", args=[self.pk])

    def get_thumbnail_url(self):
        return reverse("registry:productphoto_thumbnail", args=[self.pk])


#
# Legal documents
#


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
        NIB = "nib", "NIB"
        PIRT = "pirt", "P-IRT"
        HALAL = "halal", "Sertifikat halal"
        BPOM_MD = "bpom_md", "BPOM MD"
        BPOM_ML = "bpom_ml", "BPOM ML"
        HKI = "hki", "HKI/merek"
        SNI = "sni", "SNI"

    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="documents", verbose_name="usaha")
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="documents", verbose_name="produk"
    )
    kind = models.CharField("jenis", max_length=10, choices=Kind.choices)
    number = models.CharField("nomor", max_length=60)
    issued_on = models.DateField("tanggal terbit", null=True, blank=True)
    expires_on = models.DateField("berlaku sampai", null=True, blank=True)
    scan = models.FileField("pindaian", upload_to=_scan_path, blank=True)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    updated_at = models.DateTimeField("diubah", auto_now=True)

    objects = LegalDocumentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["business", "kind", "pk"]
        verbose_name = "dokumen legalitas"
        verbose_name_plural = "dokumen legalitas"
        indexes = [models.Index(fields=["kind", "expires_on"], name="registry_document_expiry")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "number"],
                name="registry_legaldocument_unique_number",
                violation_error_message="Nomor dokumen ini sudah terdaftar.",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(issued_on__isnull=True) | Q(expires_on__gte=F("issued_on")),
                name="registry_legaldocument_expiry_after_issue",
                violation_error_message="Tanggal berlaku harus sesudah tanggal terbit.",
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
            raise ValidationError({"number": "Nomor BPOM tidak cocok dengan jenisnya (MD atau ML)."})
        if self.product_id and self.product.business_id != self.business_id:
            raise ValidationError({"product": "Produk ini bukan milik usaha tersebut."})

    @property
    def is_expired(self):
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    def expires_within(self, days):
        today = timezone.localdate()
        return self.expires_on is not None and today <= self.expires_on <= today + datetime.timedelta(days=days)


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
        Business, on_delete=models.PROTECT, related_name="yearly_figures", verbose_name="usaha"
    )
    year = models.PositiveSmallIntegerField("tahun")
    capital = models.DecimalField("modal usaha (Rp)", max_digits=15, decimal_places=0, null=True, blank=True)
    revenue = models.DecimalField("omzet setahun (Rp)", max_digits=15, decimal_places=0, null=True, blank=True)
    assets = models.DecimalField("aset (Rp)", max_digits=15, decimal_places=0, null=True, blank=True)
    workers = models.PositiveIntegerField("tenaga kerja", null=True, blank=True)
    size_class = models.CharField(
        "skala dihitung", max_length=10, choices=SizeClass.choices, blank=True, editable=False
    )
    size_rule = models.CharField("aturan skala", max_length=20, blank=True, editable=False)
    reported_size_class = models.CharField("skala dilaporkan", max_length=10, choices=SizeClass.choices, blank=True)
    reported_source = models.CharField(
        "sumber skala dilaporkan", max_length=30, blank=True, help_text="Misalnya pemilik, OSS, SIDT."
    )
    size_mismatch = models.BooleanField("skala berbeda", default=False, editable=False)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    updated_at = models.DateTimeField("diubah", auto_now=True)

    objects = YearlyFigureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["business", "-year"]
        verbose_name = "data tahunan"
        verbose_name_plural = "data tahunan"
        constraints = [
            models.UniqueConstraint(
                fields=["business", "year"],
                name="registry_yearlyfigure_unique_year",
                violation_error_message="Data tahun ini sudah ada untuk usaha tersebut.",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990) & Q(year__lte=2100),
                name="registry_yearlyfigure_year_range",
                violation_error_message="Tahun tidak masuk akal.",
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
    def update_business_size(business_ids):
        """The business keeps the class of its newest year, so lists filter on it without a join."""
        newest = YearlyFigure.objects.filter(business=OuterRef("pk")).order_by("-year").values("size_class")[:1]
        Business.all_objects.filter(pk__in=business_ids).update(size_class=Coalesce(Subquery(newest), Value("")))

    def clean(self):
        if self.year and self.year > timezone.localdate().year:
            raise ValidationError({"year": "Tahun data tidak boleh di masa depan."})


class ExportValue(Provenance):
    """Export sales of a business in one year to one country (ISO 3166 code)."""

    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="exports", verbose_name="usaha")
    year = models.PositiveSmallIntegerField("tahun")
    country = models.CharField("negara tujuan", max_length=2, validators=[validate_country])
    value = models.DecimalField("nilai ekspor (Rp)", max_digits=15, decimal_places=0)

    class Meta:
        ordering = ["business", "-year", "country"]
        verbose_name = "nilai ekspor"
        verbose_name_plural = "nilai ekspor"
        constraints = [
            models.UniqueConstraint(
                fields=["business", "year", "country"],
                name="registry_exportvalue_unique_country_year",
                violation_error_message="Nilai ekspor ke negara ini pada tahun tersebut sudah ada.",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="registry_exportvalue_not_negative",
                violation_error_message="Nilai ekspor tidak boleh negatif.",
            ),
        ]

    def __str__(self):
        return f"{self.business} → {self.country_name} {self.year}"

    @property
    def country_name(self):
        return COUNTRY_NAMES.get(self.country, self.country)


#
# Access log (UU 27/2022: who saw or exported personal data)
#


class AccessLogManager(models.Manager):
    def record(self, **fields):
        """Write one access-log row, on the primary database by name: the GET request that logs a read may
        itself be reading a replica (umkm_portal.routers), and this is the one write a GET makes."""
        return self.db_manager(DEFAULT_DB_ALIAS).create(**fields)


class AccessLog(models.Model):
    """One read of personal data: a detail page opened, a list exported, a NIK revealed."""

    class Action(models.TextChoices):
        VIEW = "view", "Membuka detail"
        EXPORT = "export", "Ekspor"
        REVEAL = "reveal", "Menampilkan NIK lengkap"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField("tindakan", max_length=10, choices=Action.choices)
    object_type = models.CharField("jenis data", max_length=50)
    object_id = models.CharField("id data", max_length=40, blank=True)
    detail = models.JSONField("rincian", default=dict, blank=True)
    row_count = models.PositiveIntegerField("jumlah baris", null=True, blank=True)
    created_at = models.DateTimeField("waktu", auto_now_add=True, db_index=True)

    objects = AccessLogManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "log akses"
        verbose_name_plural = "log akses"
        indexes = [models.Index(fields=["object_type", "object_id"], name="registry_accesslog_object")]

    def __str__(self):
        return f"{self.user} {self.get_action_display()} {self.object_type} {self.object_id}"


#
# Registration drafts
#


class RegistrationDraftQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A draft is private to the person typing it."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class RegistrationDraft(models.Model):
    """A half-filled registration form kept on the server, so a dropped connection loses nothing typed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registration_drafts")
    data = models.JSONField("isian", default=dict)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    updated_at = models.DateTimeField("disimpan", auto_now=True)

    objects = RegistrationDraftQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = "draf pendaftaran"
        verbose_name_plural = "draf pendaftaran"

    def __str__(self):
        return self.title

    @property
    def title(self):
        return self.data.get("business-name") or self.data.get("owner-name") or "Draf tanpa nama"


#
# Duplicates: pairs judged "not a duplicate", and the trail of merges
#


class DuplicateDecision(models.Model):
    """A candidate pair an admin judged not to be a duplicate, so the finder stops proposing it."""

    class Kind(models.TextChoices):
        BUSINESS = "usaha", "Usaha"
        OWNER = "pemilik", "Pemilik"

    kind = models.CharField("jenis", max_length=10, choices=Kind.choices)
    first_id = models.PositiveIntegerField("id pertama")
    second_id = models.PositiveIntegerField("id kedua")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("diputuskan", auto_now_add=True)

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = "bukan duplikat"
        verbose_name_plural = "bukan duplikat"
        constraints = [
            models.UniqueConstraint(fields=["kind", "first_id", "second_id"], name="registry_duplicatedecision_once"),
            models.CheckConstraint(condition=Q(first_id__lt=F("second_id")), name="registry_duplicatedecision_ordered"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.first_id} ≠ {self.second_id}"


class MergeRecord(models.Model):
    """What a merge did: which record survived, the removed record's data, and how many rows moved."""

    kind = models.CharField("jenis", max_length=10, choices=DuplicateDecision.Kind.choices)
    survivor_id = models.PositiveIntegerField("id yang dipertahankan")
    removed_id = models.PositiveIntegerField("id yang digabungkan")
    removed_data = models.JSONField("data yang digabungkan")
    moved = models.JSONField("baris yang dipindahkan", default=dict)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField("digabungkan", auto_now_add=True)

    class Meta:
        ordering = ["-merged_at"]
        verbose_name = "penggabungan"
        verbose_name_plural = "penggabungan"
        indexes = [models.Index(fields=["kind", "survivor_id"], name="registry_merge_survivor")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.removed_id} → {self.survivor_id}"


#
# Imports of spreadsheets (registry.imports does the reading, checking and writing)
#


def _import_path(instance, filename):
    return f"impor/{uuid.uuid4().hex}.{'xlsx' if filename.lower().endswith('.xlsx') else 'csv'}"


class ImportBatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Each user sees the files they uploaded (they hold personal data of that user's area)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class ImportBatch(models.Model):
    """One uploaded sheet on its way in: its columns, how they map to fields, and what the import did.

    A confirmed import is queued and written by a worker (registry.tasks.import_batch), which reports its
    progress here."""

    class Status(models.TextChoices):
        NEW = "baru", "Belum diimpor"
        QUEUED = "antre", "Menunggu"
        RUNNING = "berjalan", "Sedang diimpor"
        DONE = "selesai", "Selesai"
        FAILED = "gagal", "Gagal"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField("nama berkas", max_length=200)
    file = models.FileField("berkas", upload_to=_import_path)
    headers = models.JSONField("judul kolom", default=list)
    mapping = models.JSONField("pemetaan kolom", default=dict)
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.NEW)
    all_or_nothing = models.BooleanField("semua atau tidak sama sekali", default=True)
    total_rows = models.PositiveIntegerField("jumlah baris", default=0)
    processed_rows = models.PositiveIntegerField("baris diproses", default=0)
    error = models.CharField("kesalahan", max_length=500, blank=True)
    sheet = models.CharField(
        "lembar kerja", max_length=100, blank=True, help_text="Kosong: lembar pertama berisi data."
    )
    figures_year = models.PositiveSmallIntegerField(
        "tahun data angka", null=True, blank=True, help_text="Dipakai bila berkas tidak punya kolom tahun."
    )
    summary = models.JSONField("hasil", default=dict, blank=True)
    created_at = models.DateTimeField("diunggah", auto_now_add=True)
    started_at = models.DateTimeField("mulai diimpor", null=True, blank=True)
    imported_at = models.DateTimeField("diimpor", null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "impor berkas"
        verbose_name_plural = "impor berkas"

    def __str__(self):
        return f"{self.filename} ({self.created_at:%d-%m-%Y %H:%M})"

    def get_absolute_url(self):
        return reverse("registry:import_preview", args=[self.pk])

    @property
    def percent(self):
        return min(100, round(100 * self.processed_rows / self.total_rows)) if self.total_rows else 0

    def column_mapping(self):
        """{column index: field} (JSON keys are strings)."""
        return {int(index): target for index, target in self.mapping.items()}


class ImportColumnMemory(models.Model):
    """Which field a header name meant the last time this user mapped it: the next sheet maps itself."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    header = models.CharField("judul kolom", max_length=200)
    target = models.CharField("kolom tujuan", max_length=30)

    class Meta:
        ordering = ["user", "header"]
        verbose_name = "ingatan kolom impor"
        verbose_name_plural = "ingatan kolom impor"
        constraints = [models.UniqueConstraint(fields=["user", "header"], name="registry_importcolumnmemory_once")]

    def __str__(self):
        return f"{self.header} → {self.target}"
