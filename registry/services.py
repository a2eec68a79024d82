"""Writes with rules for the registry. Views, commands and admin actions all call these."""

from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import TrigramSimilarity
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import ProtectedError, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from lokal import wilayah

from registry import roles, signals
from registry.images import reencode_photo
from registry.models import (
    Business,
    BusinessGroup,
    Desa,
    ExportValue,
    Kabupaten,
    Kecamatan,
    LegalDocument,
    Owner,
    Product,
    ProductPhoto,
    Provinsi,
    Source,
    YearlyFigure,
    area_codes,
    area_codes_seen_by,
    group_scoped,
    lost_to_a_deadlock,
)

#
# Regions
#

_LEVEL_MODELS = {1: Provinsi, 2: Kabupaten, 3: Kecamatan, 4: Desa}


def _collect(code, into):
    """Add the region `code`, its ancestors and all its descendants to `into` (level -> {code: region})."""
    region = wilayah.get_wilayah(code)
    if region is None:
        raise ValueError(f"Kode wilayah {code!r} tidak dikenal dalam data Kemendagri.")
    parts = code.split(".")
    for depth in range(1, len(parts)):
        ancestor = wilayah.get_wilayah(".".join(parts[:depth]))
        into[ancestor.level][ancestor.code] = ancestor
    stack = [region]
    while stack:
        node = stack.pop()
        into[node.level][node.code] = node
        if node.level < 4:
            stack.extend(wilayah.list_wilayah(node.code))


def _row(region):
    code, name = region.code, region.name
    parent = code.rsplit(".", 1)[0]
    if region.level == 1:
        return Provinsi(code=code, name=name)
    if region.level == 2:
        kind = Kabupaten.Kind.KOTA if region.type == "kota" else Kabupaten.Kind.KABUPATEN
        return Kabupaten(code=code, name=name, kind=kind, provinsi_id=parent)
    if region.level == 3:
        return Kecamatan(code=code, name=name, kabupaten_id=parent)
    kind = {"kelurahan": Desa.Kind.KELURAHAN, "desa_adat": Desa.Kind.DESA_ADAT}.get(region.type, Desa.Kind.DESA)
    return Desa(code=code, name=name, kind=kind, postal_code=region.postal_code or "", kecamatan_id=parent)


@transaction.atomic
def load_regions(codes=None):
    """Upsert the official Kemendagri regions under `codes` (all of Indonesia when empty).

    Returns the number of rows per model. Idempotent: names and postal codes are refreshed in place.
    Raises ValueError for a code the official list does not know.
    """
    collected = {level: {} for level in _LEVEL_MODELS}
    for code in codes or [p.code for p in wilayah.list_wilayah()]:
        _collect(wilayah.normalize_wilayah_code(code), collected)
    counts = {}
    for level, model in _LEVEL_MODELS.items():
        rows = [_row(region) for region in collected[level].values()]
        update_fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
        model.objects.bulk_create(
            rows, batch_size=5000, update_conflicts=True, unique_fields=["code"], update_fields=update_fields
        )
        counts[model] = len(rows)
    return counts


#
# Members
#

SIMILAR_NAME_THRESHOLD = 0.45


def find_duplicates(*, nik="", nib="", name="", desa=None, exclude_pk=None):
    """Return [(reason, business)] for likely duplicates: same NIK, same NIB, or a similar name in the same desa.

    Looks across every area on purpose (a duplicate may sit in the next kecamatan); callers show a
    link only to what the user may see.
    """
    found = {}
    candidates = Business.objects.select_related("owner", "desa", "kecamatan")
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    if nik:
        for business in candidates.filter(owner__nik=nik)[:5]:
            found.setdefault(business.pk, ("NIK pemilik sama", business))
    if nib:
        for business in candidates.filter(nib=nib)[:5]:
            found.setdefault(business.pk, ("NIB sama", business))
    if name and desa is not None:
        similar = (
            candidates.filter(desa=desa)
            .annotate(similarity=TrigramSimilarity(Upper("name"), name.upper()))
            .filter(similarity__gte=SIMILAR_NAME_THRESHOLD)
            .order_by("-similarity")[:5]
        )
        for business in similar:
            found.setdefault(business.pk, ("Nama mirip di desa yang sama", business))
    return list(found.values())


def require_visible(model, pk, user, message):
    """Raise PermissionDenied(message) unless row `pk` of `model` lies in the user's area (its visible_to)."""
    if not model.objects.visible_to(user).filter(pk=pk).exists():
        raise PermissionDenied(message)


def _check_area(user, kecamatan_id):
    require_visible(Kecamatan, kecamatan_id, user, "Kecamatan ini di luar wilayah kerja Anda.")


NIB_OTHER_OWNER = "NIB ini sudah terdaftar untuk pelaku usaha lain (satu NIB satu pelaku usaha)."


def _unique_violation(error):
    """Turn a unique-key race lost to another save into the same message a form check would give."""
    text = str(error)
    if "registry_owner_unique_nik" in text:
        return ValidationError({"nik": _("NIK ini sudah terdaftar.")})
    if "registry_business_nib_one_owner" in text:
        return ValidationError({"nib": NIB_OTHER_OWNER})
    if "registry_legaldocument_unique_number" in text:
        return ValidationError(_("Nomor dokumen legalitas ini sudah terdaftar."))
    return ValidationError(_("Data bentrok dengan data lain yang baru saja disimpan. Periksa lalu simpan lagi."))


@transaction.atomic
def register_business(business, *, owner, by, products=(), documents=(), figures=(), groups=(), source=Source.FORM):
    """Store a new member: its owner (new or already registered), products with photos, documents, figures,
    and the groups it belongs to.

    `business`, `owner` and the parts are unsaved instances; products are (Product, [uploaded photos]);
    figures are YearlyFigure and ExportValue rows.
    Raises PermissionDenied outside the user's area, ValidationError when a rule or a unique key fails.
    """
    _check_area(by, business.desa.kecamatan_id)
    existing = Owner.objects.select_for_update().filter(nik=owner.nik).first() if owner.nik else None
    if existing is not None:
        if not Owner.objects.visible_to(by).filter(pk=existing.pk).exists():
            raise ValidationError(
                {"nik": _("NIK ini sudah terdaftar di wilayah lain. Hubungi dinas untuk memindahkannya.")}
            )
        owner = existing
    else:
        owner.created_by = by
        owner._history_user = by
        owner.full_clean()
    business.owner = owner
    business.registered_by = by
    business.source = source
    business.verification = Business.Verification.PENDING
    business._history_user = by
    business.full_clean(exclude=["owner", "kecamatan"])
    try:
        with transaction.atomic():
            if existing is None:
                owner.save()
            business.owner = owner
            business.save()
            for product, photos in products:
                product.business = business
                product._history_user = by
                product.full_clean()
                product.save()
                for upload in photos:
                    add_product_photo(product, upload=upload, by=by)
            for document in documents:
                document.business = business
                document._history_user = by
                document.full_clean()
                document.save()
            for figure in figures:
                figure.business = business
                figure._history_user = by
                figure.full_clean()
                figure.save()
            set_groups(business, groups, by)
    except (IntegrityError, OperationalError) as error:  # a deadlock lost to an import: see lost_to_a_deadlock
        if isinstance(error, OperationalError) and not lost_to_a_deadlock(error):
            raise
        raise _unique_violation(error) from None
    return business


def set_groups(business, groups, by):
    """The business belongs to exactly `groups` (None: leave them), each a group the user may see. The one
    writer of a business's membership: the services' forms, and the admin's business page
    (BusinessAdmin.save_related); a group's page adds and removes members in bulk (add_group_members,
    remove_group_members).

    A group coordinator sees only their own groups: the business keeps the groups they cannot see, and
    must stay in one of theirs (else it would leave their sight)."""
    if groups is None:
        return
    for group in groups:
        _check_area(by, group.kecamatan_id)
    groups = list(groups)
    if group_scoped(by):
        own = set(BusinessGroup.objects.visible_to(by).values_list("pk", flat=True))
        if any(group.pk not in own for group in groups):
            raise PermissionDenied("Kelompok ini bukan kelompok Anda.")
        if not groups:
            raise ValidationError({"groups": "Pilih kelompok Anda: anggota yang Anda daftarkan masuk kelompok Anda."})
        if business.pk:
            groups += list(business.groups.exclude(pk__in=own))
    business.groups.set(groups)


#
# Groups and clusters
#

GROUP_COORDINATOR_OUTSIDE = "Koordinator ini tidak ditugaskan di kecamatan kelompok tersebut."


def coordinator_choices(user):
    """Active group coordinators whose assigned area lies in `user`'s area: who a dinas may name."""
    codes = area_codes_seen_by(user)
    people = get_user_model().objects.filter(is_active=True, groups__name=roles.group_name(roles.GROUP_COORDINATOR))
    if codes is not None:
        kabupaten = Kecamatan.objects.filter(pk__in=codes).values("kabupaten")
        people = people.filter(Q(area_assignments__kecamatan__in=codes) | Q(area_assignments__kabupaten__in=kabupaten))
    return people.distinct().order_by("first_name", "last_name", "username")


def _check_group_coordinator(group):
    """The named coordinator must be an active group coordinator assigned to the group's kecamatan (their
    area door then opens on it)."""
    person = group.coordinator
    if person is None:
        return
    if not person.is_active or roles.role_of(person) != roles.GROUP_COORDINATOR:
        raise ValidationError({"coordinator": "Pilih pengguna dengan peran koordinator kelompok."})
    if group.kecamatan_id not in area_codes(person):
        raise ValidationError({"coordinator": GROUP_COORDINATOR_OUTSIDE})


@transaction.atomic
def save_group(group, *, by):
    """Create or change a group or cluster: its name, kecamatan, coordinator and description.

    The kecamatan (and, when changing, the kecamatan it had) must lie in `by`'s area; a group that has
    members keeps its kecamatan (its members live there). Raises PermissionDenied or ValidationError.
    """
    _check_area(by, group.kecamatan_id)
    if group.pk:
        current = BusinessGroup.objects.select_for_update().get(pk=group.pk)
        _check_area(by, current.kecamatan_id)
        if current.kecamatan_id != group.kecamatan_id and current.businesses.exists():
            raise ValidationError(
                {"kecamatan": "Kelompok yang sudah beranggota tidak dapat dipindah ke kecamatan lain."}
            )
    group.name = " ".join(group.name.split())
    group.full_clean()
    _check_group_coordinator(group)
    group.save()
    return group


def _lock_group(group, by):
    group = BusinessGroup.objects.select_for_update().get(pk=group.pk)
    _check_area(by, group.kecamatan_id)
    return group


MEMBERS_AT_ONCE = 2000  # one add: a search's hits or a page's ticks (Balongbendo's group has 100+)


@transaction.atomic
def add_group_members(group, businesses, *, by):
    """Add `businesses` (a queryset or ids) to `group`, in one statement; those already in it stay.

    Each must be a live business of the group's kecamatan that `by` may see; a business outside is
    refused, naming it, and nothing is added. Returns the number added.
    """
    group = _lock_group(group, by)
    ids = list(businesses.values_list("pk", flat=True)) if hasattr(businesses, "values_list") else list(businesses)
    ids = sorted({int(pk) for pk in ids})
    if not ids:
        raise ValidationError("Pilih sedikitnya satu usaha untuk ditambahkan.")
    if len(ids) > MEMBERS_AT_ONCE:
        raise ValidationError(f"Paling banyak {MEMBERS_AT_ONCE} usaha sekali tambah; persempit pencarian.")
    allowed = set(
        Business.objects.visible_to(by).filter(pk__in=ids, kecamatan=group.kecamatan_id).values_list("pk", flat=True)
    )
    outside = [pk for pk in ids if pk not in allowed]
    if outside:
        names = list(Business.objects.visible_to(by).filter(pk__in=outside).values_list("name", flat=True)[:3])
        raise ValidationError(
            "Hanya usaha di kecamatan kelompok yang dapat ditambahkan"
            + (f": {', '.join(names)} di luar kecamatan tersebut." if names else ".")
        )
    through = Business.groups.through
    before = through.objects.filter(businessgroup=group).count()
    through.objects.bulk_create(
        [through(business_id=pk, businessgroup_id=group.pk) for pk in ids], ignore_conflicts=True
    )
    signals.businesses_changed.send(sender=Business, businesses=Business.objects.filter(pk__in=ids))
    return through.objects.filter(businessgroup=group).count() - before


@transaction.atomic
def remove_group_members(group, businesses, *, by):
    """Take `businesses` (ids) out of `group`; the businesses themselves stay. Returns the number removed."""
    group = _lock_group(group, by)
    ids = sorted({int(pk) for pk in businesses})
    if not ids:
        raise ValidationError("Pilih sedikitnya satu anggota untuk dikeluarkan.")
    visible = Business.objects.visible_to(by).filter(pk__in=ids).values("pk")
    removed, _ = Business.groups.through.objects.filter(businessgroup=group, business__in=visible).delete()
    signals.businesses_changed.send(sender=Business, businesses=Business.objects.filter(pk__in=ids))
    return removed


def _name(user):
    return (user.get_full_name() or user.get_username()) if user else "pengguna lain"


def refuse_if_stale(current, version, what, *, editor=None):
    """Optimistic locking: raise ValidationError naming the last editor if `current` (read under lock)
    moved past `version`, the version the user's form was read at. `editor` defaults to the author of
    the newest history entry. A soft-deleted record is refused with who deleted it."""
    _refuse_if_deleted(current, what)
    if current.version == version:
        return
    newest = None if editor else current.history.select_related("history_user").first()
    who = _name(editor or (newest.history_user if newest else None))
    at = getattr(current, "updated_at", None) or (newest.history_date if newest else timezone.now())
    raise ValidationError(
        _(
            "%(what)s sudah diubah oleh %(who)s pada %(localtime)s setelah Anda membukanya. Muat ulang "
            "halaman, lalu ulangi perubahan Anda."
        )
        % {"what": what, "who": who, "localtime": format(timezone.localtime(at), "%d-%m-%Y %H:%M")}
    )


def _refuse_if_deleted(record, what):
    if getattr(record, "is_deleted", False):
        raise ValidationError(
            _("%(what)s sudah dihapus oleh %(name)s pada %(localtime)s setelah Anda membukanya.")
            % {
                "what": what,
                "name": _name(record.deleted_by),
                "localtime": format(timezone.localtime(record.deleted_at), "%d-%m-%Y %H:%M"),
            }
        )


def _lock_live(model, pk, what):
    """Lock row `pk` for a state change; one deleted meanwhile is refused with who deleted it (not a 500)."""
    record = model.all_objects.select_for_update().get(pk=pk)
    _refuse_if_deleted(record, what)
    return record


@transaction.atomic
def update_business(business, *, version, by, groups=None):
    """Save changes made to `business` (and, given `groups`, the groups it belongs to) unless someone else
    saved it since `version` was read.

    Raises ValidationError naming the other editor (optimistic locking), PermissionDenied outside the area.
    """
    current = Business.all_objects.select_for_update().get(pk=business.pk)
    _check_area(by, current.kecamatan_id)
    _check_area(by, business.desa.kecamatan_id)
    refuse_if_stale(current, version, "Data ini")
    business.version = current.version  # save() moves it on
    business._history_user = by
    business.full_clean(exclude=["owner", "kecamatan"])
    try:
        with transaction.atomic():
            business.save()
            set_groups(business, groups, by)
    except (IntegrityError, OperationalError) as error:  # a deadlock lost to an import: see lost_to_a_deadlock
        if isinstance(error, OperationalError) and not lost_to_a_deadlock(error):
            raise
        raise _unique_violation(error) from None
    return business


@transaction.atomic
def verify_business(business, *, by):
    """Mark a waiting or rejected registration as verified. Raises ValidationError if already verified."""
    business = _lock_live(Business, business.pk, "Usaha ini")
    _check_area(by, business.kecamatan_id)
    if business.verification == Business.Verification.VERIFIED:
        raise ValidationError(_("%(business_name)s sudah terverifikasi.") % {"business_name": business.name})
    business.verification = Business.Verification.VERIFIED
    business.verification_note = ""
    business.verified_by = by
    business.verified_at = timezone.now()
    business._history_user = by
    business.save(update_fields=["verification", "verification_note", "verified_by", "verified_at", "updated_at"])
    return business


@transaction.atomic
def reject_business(business, *, reason, by):
    """Reject a registration with a reason the coordinator reads. Raises ValidationError without a reason."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("Tuliskan alasan penolakan agar koordinator dapat memperbaikinya."))
    business = _lock_live(Business, business.pk, "Usaha ini")
    _check_area(by, business.kecamatan_id)
    if business.verification == Business.Verification.REJECTED:
        raise ValidationError(_("%(business_name)s sudah ditolak.") % {"business_name": business.name})
    business.verification = Business.Verification.REJECTED
    business.verification_note = reason[:500]
    business.verified_by = by
    business.verified_at = timezone.now()
    business._history_user = by
    business.save(update_fields=["verification", "verification_note", "verified_by", "verified_at", "updated_at"])
    return business


def add_product_photo(product, *, upload, by):
    """Store a re-encoded, EXIF-free copy of an uploaded photo with its thumbnail. Raises ValidationError."""
    photo_file, thumbnail_file = reencode_photo(upload)
    photo = ProductPhoto(product=product, uploaded_by=by)
    photo.image.save("photo.jpg", photo_file, save=False)
    photo.thumbnail.save("thumb.jpg", thumbnail_file, save=False)
    photo.save()
    return photo


#
# After registration: products, documents, figures, owner data, guidance
#


@transaction.atomic
def add_product(business, product, *, photos=(), by):
    """Add a product (with photos) to a member. Raises PermissionDenied outside the area, ValidationError."""
    _check_area(by, business.kecamatan_id)
    product.business = business
    product._history_user = by
    product.full_clean()
    product.save()
    for upload in photos:
        add_product_photo(product, upload=upload, by=by)
    return product


@transaction.atomic
def add_document(business, document, *, by):
    """Record a legal document of a member (or of one of its products)."""
    _check_area(by, business.kecamatan_id)
    document.business = business
    document._history_user = by
    document.full_clean()
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError as error:
        raise _unique_violation(error) from None
    return document


@transaction.atomic
def record_yearly_figure(business, figure, *, by):
    """Store one year's figures, replacing that year's earlier entry; the size class is recomputed."""
    _check_area(by, business.kecamatan_id)
    locked = _lock_live(Business, business.pk, "Usaha ini")
    existing = business.yearly_figures.filter(year=figure.year).first()
    if existing is not None:
        figure.pk, figure.created_at = existing.pk, existing.created_at
    figure.business = business
    figure._history_user = by
    figure.full_clean(validate_unique=existing is None, validate_constraints=existing is None)
    figure.save()  # moves the business's size class and version (YearlyFigure.update_business_size)
    # A save of the business itself, so its history names who changed the size class: an edit form
    # opened before is refused with that name.
    locked.refresh_from_db(fields=["size_class", "version"])
    locked._history_user = by
    locked.save(update_fields=["updated_at"])
    return figure


@transaction.atomic
def update_owner(owner, *, version, by):
    """Save changes to an owner's data unless someone else saved since `version` (optimistic locking)."""
    current = Owner.all_objects.select_for_update().get(pk=owner.pk)
    require_visible(Owner, owner.pk, by, "Pemilik ini di luar wilayah kerja Anda.")
    refuse_if_stale(current, version, "Data pemilik")
    owner.version = current.version  # save() moves it on
    owner._history_user = by
    owner.full_clean()
    try:
        with transaction.atomic():
            owner.save()
    except IntegrityError as error:
        raise _unique_violation(error) from None
    return owner


@transaction.atomic
def set_guidance(business, *, guided_by, guided_since, is_flagship, by):
    """Record whether a dinas guides the business (binaan), since when, and whether it is a flagship."""
    business = _lock_live(Business, business.pk, "Usaha ini")
    _check_area(by, business.kecamatan_id)
    guided_by = " ".join((guided_by or "").split())
    if guided_since and not guided_by:
        raise ValidationError(_("Isi nama dinas pembina bila mengisi tanggal binaan."))
    if guided_since and guided_since > timezone.localdate():
        raise ValidationError(_("Tanggal binaan tidak boleh di masa depan."))
    business.guided_by, business.guided_since, business.is_flagship = guided_by, guided_since, is_flagship
    business._history_user = by
    business.save(update_fields=["guided_by", "guided_since", "is_flagship", "updated_at"])
    return business


#
# Soft delete and restore
#


@transaction.atomic
def delete_business(business, *, reason, by):
    """Take a business out of every list (soft delete) with a reason; its owner goes too when they have no
    other business left. Nothing is destroyed: an admin can restore it until `purge_deleted` runs."""
    business = _lock_live(Business, business.pk, "Usaha ini")
    require_visible(Business, business.pk, by, "Usaha ini di luar wilayah kerja Anda.")
    reason = _delete_reason(reason)
    now = timezone.now()
    _mark_deleted(business, now=now, reason=reason, by=by)
    owner = business.owner
    if not owner.is_deleted and not Business.objects.filter(owner=owner).exists():
        _mark_deleted(owner, now=now, reason=f"Usaha terakhirnya dihapus: {reason}"[:300], by=by)
    return business


@transaction.atomic
def delete_owner(owner, *, reason, by):
    """Take an owner and every business of theirs out of every list (soft delete), with a reason.
    Admins only (a person, not one business, is going); `restore_owner` brings them all back."""
    if not by.is_superuser:
        raise PermissionDenied("Hanya admin yang dapat menghapus data pelaku usaha.")
    owner = Owner.all_objects.select_for_update().get(pk=owner.pk)
    reason = _delete_reason(reason)
    if owner.is_deleted:
        raise ValidationError(_("%(owner_name)s sudah dihapus.") % {"owner_name": owner.name})
    now = timezone.now()
    for business in Business.objects.select_for_update().filter(owner=owner):
        _mark_deleted(business, now=now, reason=reason, by=by)
    _mark_deleted(owner, now=now, reason=reason, by=by)
    return owner


@transaction.atomic
def restore_owner(owner, *, by):
    """Bring a deleted owner back, with the businesses that were deleted together with them. Admins only."""
    if not by.is_superuser:
        raise PermissionDenied("Hanya admin yang dapat memulihkan data yang dihapus.")
    owner = Owner.all_objects.select_for_update().get(pk=owner.pk)
    if not owner.is_deleted:
        raise ValidationError(_("%(owner_name)s tidak sedang dihapus.") % {"owner_name": owner.name})
    together = Business.all_objects.select_for_update().filter(owner=owner, deleted_at=owner.deleted_at)
    for record in (*together, owner):
        _mark_deleted(record, now=None, by=by)
    return owner


def _delete_reason(reason):
    reason = " ".join((reason or "").split())[:300]
    if len(reason) < 5:
        raise ValidationError({"reason": _("Tuliskan alasan menghapus (minimal 5 huruf).")})
    return reason


def _mark_deleted(record, *, now, by, reason=""):
    """Mark `record` deleted at `now` by `by`, or restore it (`now=None`), with its history author."""
    record.deleted_at, record.deleted_by, record.delete_reason = now, by if now else None, reason
    record._history_user = by
    record.save(update_fields=["deleted_at", "deleted_by", "delete_reason", "updated_at"])


@transaction.atomic
def restore_business(business, *, by):
    """Bring a deleted business (and its owner, if deleted) back into every list. Admins only."""
    if not by.is_superuser:
        raise PermissionDenied("Hanya admin yang dapat memulihkan data yang dihapus.")
    business = Business.all_objects.select_for_update().get(pk=business.pk)
    if not business.is_deleted:
        raise ValidationError(_("%(business_name)s tidak sedang dihapus.") % {"business_name": business.name})
    for record in (business.owner, business):
        if record.is_deleted:
            _mark_deleted(record, now=None, by=by)
    return business


def _delete_stored_files(names):
    for name in names:
        default_storage.delete(name)


def purge_deleted(*, older_than):
    """Destroy businesses and owners deleted before `older_than`, with their parts and history.

    A business that program records still point at (a training, a referral...) is kept: those records
    are the dinas's own history. Returns (purged businesses, purged owners, kept businesses).
    """
    purged, kept = 0, []
    for business in Business.all_objects.filter(deleted_at__lt=older_than).order_by("pk"):
        try:
            with transaction.atomic():
                photos = ProductPhoto.objects.filter(product__business=business)
                files = [name for row in photos.values_list("image", "thumbnail", "medium") for name in row if name]
                files += LegalDocument.objects.filter(business=business).exclude(scan="").values_list("scan", flat=True)
                # The files go only once the rows are gone for good: a rollback keeps rows and files together.
                transaction.on_commit(partial(_delete_stored_files, files))
                part_ids = {}
                for model in (LegalDocument, Product, YearlyFigure):
                    parts = model.objects.filter(business=business)
                    part_ids[model] = list(parts.values_list("pk", flat=True))
                    parts.delete()
                ExportValue.objects.filter(business=business).delete()
                business.groups.clear()
                Business.all_objects.filter(pk=business.pk).delete()
                # History last: deleting a row writes one more history entry, which must go too.
                for model, ids in part_ids.items():
                    model.history.filter(id__in=ids).delete()
                Business.history.filter(id=business.pk).delete()
            purged += 1
        except ProtectedError:
            kept.append(business)
    owners = Owner.all_objects.filter(deleted_at__lt=older_than).exclude(pk__in=Business.all_objects.values("owner"))
    owner_ids = list(owners.values_list("pk", flat=True))
    Owner.all_objects.filter(pk__in=owner_ids).delete()
    Owner.history.filter(id__in=owner_ids).delete()
    return purged, len(owner_ids), kept
