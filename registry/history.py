"""Readable change history for detail pages, with personal data masked."""

import datetime
import decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper

from registry.templatetags.umkm import rupiah
from registry.validators import mask_nik, mask_phone

_MASKERS = {"nik": mask_nik, "phone": lambda v: mask_phone(v) if v else "", "birth_date": lambda v: "****"}
# Bookkeeping fields: the entry itself already says who changed what and when.
_HIDDEN = {"version", "updated_at", "created_at", "kecamatan", "size_class", "verified_by", "verified_at"}

DELETED, RESTORED = _("dihapus"), _("dipulihkan")
KINDS = {"+": _("dibuat"), "~": _("diubah"), "-": DELETED}


def masked(field, value):
    """A personal-data field's value as lists and logs may show it; other fields unchanged."""
    if field in _MASKERS:
        return _MASKERS[field](value) if value else ""
    return value


class MaskedHistoryHelper(HistoricalRecordContextHelper):
    """Django admin's history view (simple-history) as the portal's pages show it: NIK, phone and birth date
    masked, people and other records by name (not their ids), Rupiah as Rupiah and a score as a number."""

    def prepare_delta_change_value(self, change, value):
        if self.model._meta.get_field(change.field).many_to_many:
            return super().prepare_delta_change_value(change, value)
        return _display(self.model, change.field, value)


def person(user):
    """A person as the history names them: their full name, else their user name."""
    return user.get_full_name() or user.get_username()


def _display(model, field, value):
    """A stored value as a person reads it."""
    if field in _MASKERS:
        return masked(field, value)
    model_field = model._meta.get_field(field)
    if isinstance(model_field, models.FileField):
        # The stored name is a random one (registry.models.parts): a person reads that there is a file.
        return _("berkas terlampir") if value else ""
    if model_field.is_relation and value is not None:
        # Bounded: at most one small lookup per changed relation in the newest entries.
        related = model_field.related_model._default_manager.filter(pk=value).first()
        if isinstance(related, AbstractBaseUser):
            return person(related)
        return related or value
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d-%m-%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, decimal.Decimal):
        if model_field.decimal_places == 0 and model_field.max_digits == 15:
            return rupiah(value)  # the house's Rupiah field
        return formats.number_format(int(value) if value == value.to_integral() else value)  # a score
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if model_field.choices and value is not None:
        labels = dict(model_field.flatchoices)
        if isinstance(value, list):
            return ", ".join(str(labels.get(item, item)) for item in value)
        return labels.get(value, value)
    return "" if value is None else value


def change_history(*histories, limit=30):
    """Return the newest changes of the given history querysets as dicts: when, who, what, changes.

    Each queryset is read once (limit + 1 rows) and diffed in memory, so the cost stays constant.
    """
    entries = []
    for history in histories:
        records = list(history.select_related("history_user")[: limit + 1])
        if not records:
            continue
        for newer, older in zip(records, [*records[1:], None], strict=True):
            if older is None and len(records) > limit:
                break
            changes, kind = [], KINDS[newer.history_type]
            if older is not None and newer.history_type == "~":
                deleted_at = getattr(newer, "deleted_at", None)
                if deleted_at != getattr(older, "deleted_at", None):
                    # A soft delete or a restore (registry.services): said as such, with the reason given.
                    # (Its fields are not editable, so simple-history's diff leaves them out.)
                    kind = DELETED if deleted_at else RESTORED
                    reason = newer.delete_reason if deleted_at else ""
                    changes = [{"field": _("alasan"), "old": "", "new": reason}] if reason else []
                    entries.append(_entry(newer, kind, changes))
                    continue
                delta = newer.diff_against(older)
                changes = [_change(newer.instance_type, c) for c in delta.changes if c.field not in _HIDDEN]
                if not changes:
                    continue
            entries.append(_entry(newer, kind, changes))
    entries.sort(key=lambda entry: entry["at"], reverse=True)
    return entries[:limit]


def _change(model, change):
    old, new = _display(model, change.field, change.old), _display(model, change.field, change.new)
    if old and new and isinstance(model._meta.get_field(change.field), models.FileField):
        old, new = _("berkas lama"), _("berkas baru")  # a file replaced by another
    return {"field": model._meta.get_field(change.field).verbose_name, "old": old, "new": new}


def _entry(record, kind, changes):
    return {
        "at": record.history_date,
        "user": record.history_user,
        "kind": kind,
        "object": record.instance_type._meta.verbose_name,
        "label": str(record.instance),
        "changes": changes,
    }
