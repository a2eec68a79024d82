"""Selling events (pameran, bazar, belanja produk lokal): writes with rules, and the event's figures.

Who may do what (registry/roles.py:_EVENT_WORK): the dinas creates and edits the events of its kabupaten
(`add_marketevent`, `change_marketevent`); the dinas and the coordinators add the businesses they see as
participants, give their booths, record their sales after the event and take a participant off again while
no sales are recorded (`add_eventbooth`, `change_eventbooth`, `delete_eventbooth`). Every service checks
the area again (`MarketEvent.objects.visible_to`, `Business.objects.visible_to`), so a forged POST or a
command cannot write outside it. Each guard returns None when the step is allowed, else the sentence
saying why not; the services raise it, the pages show it.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import EventBooth, MarketEvent
from programs.services import cancel_with_reason
from registry.models import Business, Category, Kabupaten
from registry.services import refuse_if_stale, require_visible

BOOTH_LIMIT = 500  # participants added in one go (a group or cluster, ticked rows)


def _day(value):
    return f"{value:%d-%m-%Y}"


def why_not_record_sales(event):
    """Sales are recorded from the event's first day on (a bazaar of several days is recorded as it goes), and
    never for a cancelled event."""
    if event.is_cancelled:
        return CANCELLED
    if event.starts_on > timezone.localdate():
        return _("Penjualan dicatat mulai hari pertama acara (%(day)s).") % {"day": _day(event.starts_on)}
    return None


CANCELLED = _("Acara ini sudah dibatalkan.")


def why_not_cancel_event(event):
    """An event is cancelled once, and only while no sales are recorded for it (with sales, it was held)."""
    if event.is_cancelled:
        return CANCELLED
    if event.booths.exclude(sales=None, transactions=None).exists():
        return _("Penjualan acara ini sudah dicatat: acara yang sudah berlangsung tidak dapat dibatalkan.")
    return None


def _check_event_area(event_pk, user):
    require_visible(MarketEvent, event_pk, user, _("Acara ini di luar wilayah kerja Anda."))


@transaction.atomic
def create_event(event, *, by):
    """Create an event in a kabupaten the user works in. Raises PermissionDenied or ValidationError."""
    if not by.has_perm("programs.add_marketevent"):
        raise PermissionDenied(_("Hanya dinas yang membuat acara."))
    require_visible(Kabupaten, event.kabupaten_id, by, _("Kabupaten ini di luar wilayah kerja Anda."))
    event.name, event.place = " ".join(event.name.split()), " ".join(event.place.split())
    event.created_by = by
    event._history_user = by
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def update_event(event, *, version, by):
    """Save corrections to an event (any field but its kabupaten), unless someone saved it since `version`
    was read or it was cancelled. An event whose sales are recorded cannot move to a day after today: it was
    held."""
    current = MarketEvent.objects.select_for_update().get(pk=event.pk)
    if not by.has_perm("programs.change_marketevent"):
        raise PermissionDenied(_("Hanya dinas yang mengubah acara."))
    _check_event_area(current.pk, by)
    refuse_if_stale(current, version, _("Acara ini"))
    if current.is_cancelled:
        raise ValidationError(CANCELLED)
    if event.kabupaten_id != current.kabupaten_id:
        raise ValidationError(_("Kabupaten acara tidak dapat diubah."))
    if event.starts_on and event.starts_on > timezone.localdate() and current.booths.exclude(sales=None).exists():
        raise ValidationError(
            {
                "starts_on": _(
                    "Penjualan acara ini sudah dicatat, jadi acara sudah berlangsung: tanggal mulai tidak "
                    "boleh sesudah hari ini."
                )
            }
        )
    event.name, event.place = " ".join(event.name.split()), " ".join(event.place.split())
    event.created_by_id, event.created_at = current.created_by_id, current.created_at
    event.cancelled_at, event.cancelled_by_id, event.cancel_reason = None, None, ""  # refused above when set
    event.version = current.version  # save() moves it on
    event._history_user = by
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def cancel_event(event, *, reason, version, by):
    """Cancel an event with a reason (required: the coordinators and the participants' businesses read it on
    its page); its participants stay listed, nobody joins it or records sales at it any more, and the dashboard
    stops counting it. Raises PermissionDenied, or ValidationError without a reason, for an event already
    cancelled or with sales recorded, or a stale `version`."""
    current = MarketEvent.objects.select_for_update().get(pk=event.pk)
    if not by.has_perm("programs.change_marketevent"):
        raise PermissionDenied(_("Hanya dinas yang membatalkan acara."))
    _check_event_area(current.pk, by)
    refuse_if_stale(current, version, _("Acara ini"))
    why_not = why_not_cancel_event(current)
    if why_not:
        raise ValidationError(why_not)
    return cancel_with_reason(
        current, reason, by, missing=_("Tuliskan alasan pembatalan; koordinator dan peserta membacanya.")
    )


def candidates(event, user):
    """The businesses `user` may add to `event`: live, active, in the event's kabupaten, not on it yet."""
    return (
        Business.objects.visible_to(user)
        .filter(kecamatan__kabupaten=event.kabupaten_id, status=Business.Status.ACTIVE)
        .exclude(event_booths__event=event)
    )


@transaction.atomic
def add_booth(event, business, *, booth="", by):
    """Add a business of the user's area to an event, with its booth (number or name, may stay empty).

    Raises ValidationError for a business outside the event's kabupaten, one not active, or one already
    taking part; PermissionDenied for an event or a business outside the user's area."""
    if not by.has_perm("programs.add_eventbooth"):
        raise PermissionDenied(_("Anda tidak dapat menambah peserta acara."))
    event = MarketEvent.objects.get(pk=event.pk)
    _check_event_area(event.pk, by)
    if event.is_cancelled:
        raise ValidationError(CANCELLED)
    require_visible(Business, business.pk, by, _("Usaha ini di luar wilayah kerja Anda."))
    business = Business.objects.select_related("kecamatan").get(pk=business.pk)
    if business.kecamatan.kabupaten_id != event.kabupaten_id:
        raise ValidationError(_("%(name)s di luar kabupaten acara.") % {"name": business.name})
    if business.status != Business.Status.ACTIVE:
        raise ValidationError(_("%(name)s tidak aktif.") % {"name": business.name})
    if EventBooth.objects.filter(event=event, business=business).exists():
        raise ValidationError(_("%(name)s sudah terdaftar di acara ini.") % {"name": business.name})
    row = EventBooth(event=event, business=business, booth=" ".join(booth.split()))
    row._history_user = by
    row.full_clean()
    row.save()
    return row


def add_booths(event, businesses, *, by):
    """Add several businesses; returns (added, refused): the booths made, and {business pk: why not}.
    Each business is its own transaction, so one refused row keeps the others."""
    added, refused = [], {}
    for business in list(businesses)[:BOOTH_LIMIT]:
        try:
            added.append(add_booth(event, business, by=by))
        except ValidationError as error:
            refused[business.pk] = " ".join(error.messages)
    return added, refused


def _lock_booth(booth, by, version=None):
    current = EventBooth.objects.select_for_update().select_related("event", "business").get(pk=booth.pk)
    _check_event_area(current.event_id, by)
    require_visible(Business, current.business_id, by, _("Usaha ini di luar wilayah kerja Anda."))
    if version is not None:
        refuse_if_stale(current, version, _("Baris %(name)s") % {"name": current.business.name})
    return current


@transaction.atomic
def record_booth(booth, *, version, booth_number, sales, transactions, by):
    """Save one participant's booth, sales (Rupiah) and number of transactions, unless the row moved since
    `version`. Sales before the event's first day, or a negative figure, are refused."""
    if not by.has_perm("programs.change_eventbooth"):
        raise PermissionDenied(_("Anda tidak dapat mencatat penjualan acara."))
    current = _lock_booth(booth, by, version)
    booth_number = " ".join((booth_number or "").split())
    changed_sales = (sales, transactions) != (current.sales, current.transactions)
    if changed_sales and (sales is not None or transactions is not None):
        reason = why_not_record_sales(current.event)
        if reason:
            raise ValidationError(reason)
    if sales is not None and sales < 0:
        raise ValidationError({"sales": _("Penjualan tidak boleh negatif.")})
    if transactions is not None and transactions < 0:
        raise ValidationError({"transactions": _("Jumlah transaksi tidak boleh negatif.")})
    if sales is None and transactions:
        raise ValidationError({"sales": _("Isi nilai penjualan untuk transaksi yang dicatat.")})
    if booth_number == current.booth and not changed_sales:
        return current  # nothing to write: the version stays
    current.booth = booth_number
    if changed_sales:
        current.sales, current.transactions = sales, transactions
        current.sales_recorded_by, current.sales_recorded_at = by, timezone.now()
    current._history_user = by
    current.full_clean()
    current.save()
    return current


@transaction.atomic
def remove_booth(booth, *, by):
    """Take a participant off an event while no sales are recorded for it."""
    if not by.has_perm("programs.delete_eventbooth"):
        raise PermissionDenied(_("Anda tidak dapat menghapus peserta acara."))
    current = _lock_booth(booth, by)
    if current.sales is not None or current.transactions is not None:
        raise ValidationError(
            _("Penjualan %(name)s sudah dicatat; kosongkan dulu penjualannya bila memang tidak ikut.")
            % {"name": current.business.name}
        )
    current._history_user = by
    current.delete()
    return current


#
# Figures of one event (its page) and of the events on the dashboard
#


def event_totals(booths):
    """Participants, sales and transactions of `booths` (an EventBooth queryset): one query."""
    totals = booths.aggregate(
        participants=Count("pk"),
        recorded=Count("pk", filter=Q(sales__isnull=False)),
        sales=Sum("sales"),
        transactions=Sum("transactions"),
    )
    totals["sales"] = totals["sales"] or Decimal(0)
    totals["transactions"] = totals["transactions"] or 0
    return totals


def sales_by(booths, field, labels=None):
    """[(label, participants, sales)] of `booths` grouped by the business's `field` (category, kecamatan
    name), most sales first: one query."""
    rows = (
        booths.values(f"business__{field}")
        .annotate(participants=Count("pk"), sales=Sum("sales"))
        .order_by(f"business__{field}")
    )
    result = [
        (
            (labels or {}).get(row[f"business__{field}"], row[f"business__{field}"]) or "-",
            row["participants"],
            row["sales"] or Decimal(0),
        )
        for row in rows
    ]
    return sorted(result, key=lambda row: (-row[2], str(row[0])))


CATEGORY_LABELS = dict(Category.choices)
