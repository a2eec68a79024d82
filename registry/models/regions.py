"""Regions from the Kemendagri list, and the area assignments that make the one area door."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

#
# Regions
#


class Provinsi(models.Model):
    """A province, keyed by its two-digit Kemendagri code ("35")."""

    code = models.CharField(_("kode"), max_length=2, primary_key=True)
    name = models.CharField(_("nama"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = _("provinsi")

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
        KABUPATEN = "kabupaten", _("Kabupaten")
        KOTA = "kota", _("Kota")

    code = models.CharField(_("kode"), max_length=5, primary_key=True)
    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    provinsi = models.ForeignKey(
        Provinsi, on_delete=models.PROTECT, related_name="kabupaten_set", verbose_name=_("provinsi")
    )

    objects = KabupatenQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = _("kabupaten/kota")

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


def group_scoped(user):
    """Whether `user` is a group coordinator: beyond their area they see only the members of the groups
    they coordinate (BusinessQuerySet.visible_to and the querysets built on it). Their role is read once
    per user object (registry.roles.role_of); a superuser never is one."""
    from registry.roles import GROUP_COORDINATOR, role_of

    return user.is_authenticated and not user.is_superuser and role_of(user) == GROUP_COORDINATOR


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

    code = models.CharField(_("kode"), max_length=8, primary_key=True)
    name = models.CharField(_("nama"), max_length=100)
    kabupaten = models.ForeignKey(
        Kabupaten, on_delete=models.PROTECT, related_name="kecamatan_set", verbose_name=_("kabupaten/kota")
    )

    objects = KecamatanQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = _("kecamatan")
        # A coordinator's worklist of their kecamatan (reports:coordinator); the dinas has its own dashboard.
        permissions = [("use_worklist", _("Dapat memakai dasbor kecamatan (daftar kerja koordinator)"))]

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
        KELURAHAN = "kelurahan", _("Kelurahan")
        DESA = "desa", _("Desa")
        DESA_ADAT = "desa_adat", _("Desa adat")

    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    postal_code = models.CharField(_("kode pos"), max_length=5, blank=True)
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="desa_set", verbose_name=_("kecamatan")
    )

    objects = DesaQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = _("desa/kelurahan")

    def __str__(self):
        return self.name


#
# Area assignments
#


class AreaAssignment(models.Model):
    """One area a user works in: a whole kabupaten (dinas staff) or one kecamatan (a coordinator)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="area_assignments", verbose_name=_("pengguna")
    )
    kabupaten = models.ForeignKey(
        Kabupaten, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("kabupaten/kota")
    )
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("kecamatan")
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        ordering = ["user", "kabupaten", "kecamatan"]
        verbose_name = _("penugasan wilayah")
        verbose_name_plural = _("penugasan wilayah")
        constraints = [
            models.CheckConstraint(
                condition=Q(kabupaten__isnull=False, kecamatan__isnull=True)
                | Q(kabupaten__isnull=True, kecamatan__isnull=False),
                name="registry_areaassignment_one_area",
                violation_error_message=_("Pilih satu wilayah: kabupaten atau kecamatan, tidak keduanya."),
            ),
            models.UniqueConstraint(
                fields=["user", "kabupaten"],
                name="registry_areaassignment_unique_kabupaten",
                violation_error_message=_("Pengguna ini sudah ditugaskan di kabupaten tersebut."),
            ),
            models.UniqueConstraint(
                fields=["user", "kecamatan"],
                name="registry_areaassignment_unique_kecamatan",
                violation_error_message=_("Pengguna ini sudah ditugaskan di kecamatan tersebut."),
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.area}"

    @property
    def area(self):
        return self.kecamatan or self.kabupaten

    def clean(self):
        if (self.kabupaten_id is None) == (self.kecamatan_id is None):
            raise ValidationError(_("Pilih satu wilayah: kabupaten atau kecamatan, tidak keduanya."))
