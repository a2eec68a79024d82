"""Readable change history for detail pages, with personal data masked."""

import datetime
import decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper

from registry.templatetags.umkm import rupiah
from registry.validators import mask_nik, mask_phone

_MASKERS = {"nik": mask_nik, "phone": lambda v: mask_phone(v) if v else "", "birth_date": lambda v: "****"}
# Bookkeeping fields: the entry itself already says who changed what and when.
_HIDDEN = {"version", "updated_at", "created_at", "kecamatan", "size_class", "verified_by", "verified_at"}


def masked(field, value):
    """A personal-data field's value as lists and logs may show it; other fields unchanged."""
    if field in _MASKERS:
        return _MASKERS[field](value) if value else ""
    return value


class MaskedHistoryHelper(HistoricalRecordContextHelper):
    """Django admin's history view (simple-history) with NIK, phone and birth date masked."""

    def prepare_delta_change_value(self, change, value):
        if change.field in _MASKERS:
            return masked(change.field, value)
        return super().prepare_delta_change_value(change, value)


def _display(record, field, value):
    if field in _MASKERS:
        return masked(field, value)
    model_field = record.instance_type._meta.get_field(field)
    if model_field.is_relation and value is not None:
        # Bounded: at most one small lookup per changed relation in the newest entries.
        return model_field.related_model._default_manager.filter(pk=value).first() or value
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d-%m-%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, decimal.Decimal):
        return rupiah(value)  # every Decimal in the registry is whole Rupiah
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
            changes = []
            if older is not None and newer.history_type == "~":
                delta = newer.diff_against(older)
                changes = [
                    {
                        "field": newer.instance_type._meta.get_field(c.field).verbose_name,
                        "old": _display(newer, c.field, c.old),
                        "new": _display(newer, c.field, c.new),
                    }
                    for c in delta.changes
                    if c.field not in _HIDDEN
                ]
                if not changes:
                    continue
            entries.append(
                {
                    "at": newer.history_date,
                    "user": newer.history_user,
                    "kind": {"+": _("dibuat"), "~": _("diubah"), "-": _("dihapus")}[newer.history_type],
                    "object": newer.instance_type._meta.verbose_name,
                    "label": str(newer.instance),
                    "changes": changes,
                }
            )
    entries.sort(key=lambda entry: entry["at"], reverse=True)
    return entries[:limit]
