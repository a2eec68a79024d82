"""Finding duplicate businesses and owners, and merging a pair into one record with a trail.

A merge moves every row that points at the removed record onto the survivor, whatever app it belongs
to (products, documents, yearly figures, program records...), found through Django's relation
metadata, so the registry needs to know nothing about the programs app. If a move would break a
unique rule (both have yearly figures for 2025, say), nothing is merged and the conflict is named.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from registry.models import Business, DuplicateDecision, MergeRecord, Owner
from registry.services import SIMILAR_NAME_THRESHOLD as SIMILAR_NAME

# The reasons the finders' SQL gives (in Indonesian, the msgids), for the translation catalogue; a pair's
# reason is shown through gettext (registry.admin).
REASONS = (
    gettext_noop("Pemilik (NIK) sama, nama mirip"),
    gettext_noop("Nama mirip di desa yang sama"),
    gettext_noop("Nama dan tanggal lahir sama, NIK berbeda"),
)


def _pairs(sql, params, kind):
    decided = set(DuplicateDecision.objects.filter(kind=kind).values_list("first_id", "second_id"))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [(first, second, reason) for first, second, reason in rows if (first, second) not in decided]


def business_candidates(limit=200):
    """Pairs (first_id, second_id, reason) of live businesses: one owner with two similar names, or a
    similar name in the same desa; pairs judged "not a duplicate" are left out."""
    sql = """
        SELECT a.id, b.id,
               CASE WHEN a.owner_id = b.owner_id THEN 'Pemilik (NIK) sama, nama mirip'
                    ELSE 'Nama mirip di desa yang sama' END
        FROM registry_business a
        JOIN registry_business b ON a.id < b.id AND (a.desa_id = b.desa_id OR a.owner_id = b.owner_id)
        WHERE a.deleted_at IS NULL AND b.deleted_at IS NULL
          AND (a.nib <> '' AND a.nib = b.nib OR similarity(upper(a.name), upper(b.name)) >= %s)
        ORDER BY a.id, b.id
        LIMIT %s
    """
    return _pairs(sql, [SIMILAR_NAME, limit], DuplicateDecision.Kind.BUSINESS)


def owner_candidates(limit=200):
    """Pairs of live owners with the same name (accents and case aside) and the same birth date: most
    often one person registered twice with a mistyped NIK."""
    sql = """
        SELECT a.id, b.id, 'Nama dan tanggal lahir sama, NIK berbeda'
        FROM registry_owner a
        JOIN registry_owner b ON a.id < b.id AND a.birth_date = b.birth_date
             AND upper(unaccent(a.name)) = upper(unaccent(b.name))
        WHERE a.deleted_at IS NULL AND b.deleted_at IS NULL
        ORDER BY a.id, b.id
        LIMIT %s
    """
    return _pairs(sql, [limit], DuplicateDecision.Kind.OWNER)


def not_a_duplicate(kind, first_id, second_id, *, by):
    """Remember that an admin judged the pair different, so it is not proposed again."""
    first_id, second_id = sorted((int(first_id), int(second_id)))
    DuplicateDecision.objects.get_or_create(
        kind=kind, first_id=first_id, second_id=second_id, defaults={"decided_by": by}
    )


def related_rows(record):
    """(relation, rows) for every foreign key, in any app, that points at `record`."""
    result = []
    for relation in record._meta.related_objects:
        if relation.many_to_many or relation.one_to_one or not relation.field.concrete:
            continue
        model = relation.related_model
        if model._meta.app_label == record._meta.app_label and model.__name__.startswith("Historical"):
            continue  # history is moved separately, below
        rows = model._base_manager.filter(**{relation.field.name: record})
        result.append((relation, rows))
    return result


def what_moves(removed):
    """[(label, count)] of what a merge would move from `removed` to the record kept, for the admin to
    confirm: every pointing row found as `merge` finds them, and a business's groups."""
    moving = [
        (str(relation.related_model._meta.verbose_name_plural), count)
        for relation, rows in related_rows(removed)
        if (count := rows.count())
    ]
    if isinstance(removed, Business) and (groups := removed.groups.count()):
        moving.append(("kelompok", groups))
    return moving


@transaction.atomic
def merge(survivor, removed, *, by):
    """Move everything of `removed` onto `survivor` (two businesses, or two owners), then delete `removed`.

    Raises PermissionDenied for a non-admin, ValidationError for a pair that cannot be merged.
    """
    if not by.is_superuser:
        raise PermissionDenied("Hanya admin yang dapat menggabungkan data.")
    model = type(survivor)
    if type(removed) is not model or model not in (Business, Owner):
        raise ValidationError(_("Hanya dua usaha, atau dua pemilik, yang dapat digabungkan."))
    if survivor.pk == removed.pk:
        raise ValidationError(_("Pilih dua data yang berbeda."))
    survivor = model.all_objects.select_for_update().get(pk=survivor.pk)
    removed = model.all_objects.select_for_update().get(pk=removed.pk)
    if survivor.is_deleted or removed.is_deleted:
        raise ValidationError(_("Data yang dihapus tidak dapat digabungkan; pulihkan dulu."))
    snapshot = {key: _plain(value) for key, value in model_to_dict(removed).items()}
    moved, conflicts = {}, []
    for relation, rows in related_rows(removed):
        label = str(relation.related_model._meta.verbose_name_plural)
        ids = list(rows.values_list("pk", flat=True))
        if not ids:
            continue
        moves = {relation.field.name: survivor}
        if any(field.name == "version" for field in relation.related_model._meta.concrete_fields):
            moves["version"] = F("version") + 1  # an edit form opened before the merge is now stale
        try:
            with transaction.atomic():
                relation.related_model._base_manager.filter(pk__in=ids).update(**moves)
        except IntegrityError:
            conflicts.append(label)
            continue
        moved[label] = len(ids)
        history = getattr(relation.related_model, "history", None)
        if history is not None:  # the moved rows' own history now names the survivor too
            history.filter(id__in=ids).update(**{relation.field.attname: survivor.pk})
    if conflicts:
        transaction.set_rollback(True)
        raise ValidationError(
            _(
                "Tidak digabungkan: %(names)s ada di kedua data dan bertabrakan (misalnya data tahunan untuk "
                "tahun yang sama). Hapus atau betulkan salah satu dulu."
            )
            % {"names": ", ".join(conflicts)}
        )
    if model is Business:
        survivor.groups.add(*removed.groups.all())
        removed.groups.clear()
    model.history.filter(id=removed.pk).update(id=survivor.pk)
    kind = DuplicateDecision.Kind.BUSINESS if model is Business else DuplicateDecision.Kind.OWNER
    record = MergeRecord.objects.create(
        kind=kind, survivor_id=survivor.pk, removed_id=removed.pk, removed_data=snapshot, moved=moved, merged_by=by
    )
    model.all_objects.filter(pk=removed.pk).delete()
    model.history.filter(id=removed.pk).delete()  # the delete's own history entry: the trail is the record
    # The survivor changed (its groups, its parts): a save moves its version and names the admin, so an
    # edit form opened before the merge is refused instead of dropping what the merge brought.
    survivor._history_user = by
    survivor.save(update_fields=["updated_at"])
    return record


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list):
        return [getattr(item, "pk", item) for item in value]
    if value is None or isinstance(value, bool | int | str | float):
        return value
    return str(value)
