"""Writes with rules for buyer inquiries (issue 20, item 3): a buyer's question from the public catalogue,
one recorded by staff (a phone call, an office's parcel order at an event), and each move from new to
contacted, sample sent, order, placement or export, or closed with a reason.

Every move takes the inquiry's row lock, checks the version the user's page was read at, writes an
InquiryStep and moves the version. The buyer's status link and the staff's notice leave through the worker
(programs.inquiry_tasks), queued in the creating transaction: no mail is sent in a request, and a failed
send never loses the inquiry.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext_lazy as _

from programs.models import (
    CurationSubmission,
    ExportFacilitation,
    Inquiry,
    InquiryStep,
    Listing,
    MarketEvent,
    Placement,
)
from programs.services import place_product, record_export
from registry.models import Business

Status = Inquiry.Status

# The order of the open statuses: a move goes forward (a step may be skipped: a buyer who orders on the
# first call), or to closed from any open status. Placement (or export) and closed are final.
FORWARD = [Status.NEW, Status.CONTACTED, Status.SAMPLE_SENT, Status.ORDER, Status.PLACEMENT]
FINAL = {Status.PLACEMENT, Status.CLOSED}


class StaleInquiry(ValidationError):
    """The inquiry moved since the user's page was read."""


def next_statuses(inquiry):
    """The statuses an inquiry may be moved to from where it stands."""
    if inquiry.status in FINAL:
        return []
    later = FORWARD[FORWARD.index(inquiry.status) + 1 :]
    if inquiry.status != Status.ORDER:
        later = [status for status in later if status != Status.PLACEMENT]  # an order comes first
    return [*later, Status.CLOSED]


def _queue_mails(inquiry, *, domain, protocol):
    """Queue the buyer's status link and the staff's notice; the task rows join the caller's transaction."""
    from programs.inquiry_tasks import mail_inquiry_link, tell_staff_of_inquiry

    if inquiry.buyer_email:
        mail_inquiry_link.enqueue(inquiry.pk, domain=domain, protocol=protocol)
    tell_staff_of_inquiry.enqueue(inquiry.pk, domain=domain, protocol=protocol)


def _clean(value):
    return " ".join((value or "").split())


def _save_new(inquiry, by, *, domain, protocol):
    inquiry.new_token()  # the link the buyer gets is made by the worker when it mails it; this one is never shown
    for field in ("buyer_name", "buyer_organisation", "buyer_phone", "destination"):
        setattr(inquiry, field, _clean(getattr(inquiry, field)))
    inquiry.full_clean()
    inquiry.save()
    InquiryStep.objects.create(inquiry=inquiry, status=Status.NEW, by=by)
    _queue_mails(inquiry, domain=domain, protocol=protocol)
    return inquiry


@transaction.atomic
def submit_inquiry(product, inquiry, *, language, domain, protocol):
    """Store a buyer's inquiry about a product of the public catalogue (no login).

    Raises Http404-worthy `Listing.DoesNotExist` when the product is not public: the view answers exactly as
    for a missing product."""
    listing = Listing.objects.public().select_related("product__business").get(product=product.pk)
    inquiry.product = listing.product
    inquiry.business = listing.product.business
    inquiry.source = Inquiry.Source.CATALOGUE
    inquiry.language = language
    inquiry.created_by = None
    if not inquiry.buyer_email:
        raise ValidationError({"buyer_email": _("Isi e-mail Anda: tautan status dikirim ke sana.")})
    return _save_new(inquiry, None, domain=domain, protocol=protocol)


@transaction.atomic
def record_inquiry(business, inquiry, *, event=None, language="id", by, domain, protocol):
    """Record an inquiry staff received (a phone call, a visit, an office's parcel order at an event)."""
    if not Business.objects.visible_to(by).filter(pk=business.pk).exists():
        raise PermissionDenied(_("Usaha ini di luar wilayah kerja Anda."))
    if inquiry.product_id and inquiry.product.business_id != business.pk:
        raise ValidationError({"product": _("Produk ini bukan milik usaha tersebut.")})
    if event is not None:
        if not MarketEvent.objects.visible_to(by).filter(pk=event.pk).exists():
            raise PermissionDenied(_("Acara ini di luar wilayah kerja Anda."))
        if event.kabupaten_id != business.kecamatan.kabupaten_id:
            raise ValidationError(_("Acara ini diadakan di kabupaten lain."))
        if event.is_cancelled:
            raise ValidationError(_("Acara ini sudah dibatalkan."))
    inquiry.business = business
    inquiry.event = event
    inquiry.source = Inquiry.Source.EVENT if event is not None else Inquiry.Source.STAFF
    inquiry.language = language
    inquiry.created_by = by
    return _save_new(inquiry, by, domain=domain, protocol=protocol)


def _refuse_if_stale(inquiry, version):
    if version is None or inquiry.version == version:
        return
    last = inquiry.steps.select_related("by").order_by("-at", "-pk").first()
    who = (last.by.get_full_name() or last.by.username) if last and last.by else _("pengguna lain")
    at = last.at if last else timezone.now()
    raise StaleInquiry(
        _(
            "Permintaan ini sudah diubah oleh %(who)s pada %(localtime)s setelah Anda membukanya. Muat ulang "
            "halaman, lalu ulangi perubahan Anda."
        )
        % {"who": who, "localtime": format_date(timezone.localtime(at), "d-m-Y H:i")}
    )


def _placement_for(inquiry, *, placement, new_placement, by):
    if inquiry.product_id is None:
        raise ValidationError(_("Permintaan ini tanpa produk: penempatan dicatat untuk satu produk."))
    if placement is not None:
        if (
            not Placement.objects.visible_to(by)
            .filter(pk=placement.pk, submission__product=inquiry.product_id)
            .exists()
        ):
            raise ValidationError({"placement": _("Penempatan ini bukan untuk produk yang ditanyakan.")})
        return placement
    if not new_placement:
        raise ValidationError(_("Pilih penempatan yang sudah ada, atau isi data penempatan baru."))
    submission = (
        CurationSubmission.objects.filter(
            product=inquiry.product_id, decision=CurationSubmission.Decision.PASSED, placement__isnull=True
        )
        .order_by("-decided_at", "-pk")
        .first()
    )
    if submission is None:
        raise ValidationError(
            _(
                "Produk ini tidak punya kurasi yang lolos dan belum ditempatkan: "
                "penempatan baru butuh kurasi yang lolos."
            )
        )
    return place_product(submission, by=by, starts_on=timezone.localdate(), **new_placement)


def _export_for(inquiry, *, export, new_export, by):
    if export is not None:
        if not ExportFacilitation.objects.visible_to(by).filter(pk=export.pk, business=inquiry.business_id).exists():
            raise ValidationError({"export": _("Fasilitasi ekspor ini bukan milik usaha tersebut.")})
        return export
    record = ExportFacilitation(
        product_id=inquiry.product_id,
        year=timezone.localdate().year,
        buyer=(inquiry.buyer_organisation or inquiry.buyer_name)[:150],
        **new_export,
    )
    return record_export(inquiry.business, record, by=by)


@transaction.atomic
def move_inquiry(
    inquiry,
    *,
    to_status,
    by,
    version,
    note="",
    order_quantity=None,
    order_value=None,
    placement=None,
    new_placement=None,
    export=None,
    new_export=None,
    close_reason="",
):
    """Move an inquiry one step and record it (InquiryStep), under the row lock.

    `version` is the one the user's page was read at (None skips the check, for a command). To placement,
    give an existing `placement` of the product or `new_placement` (channel, retailer, partner: made from
    a passed curation of the product); to an export, an existing `export` of the business or `new_export`
    (country, value, organiser). Raises ValidationError for a stale page, an illegal step or a missing detail.
    """
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    if not Inquiry.objects.visible_to(by).filter(pk=inquiry.pk).exists():
        raise PermissionDenied(_("Permintaan ini di luar wilayah kerja Anda."))
    _refuse_if_stale(inquiry, version)
    if to_status not in next_statuses(inquiry):
        raise ValidationError(
            _("Permintaan berstatus %(status)s tidak dapat diubah ke %(label)s.")
            % {"status": inquiry.get_status_display(), "label": Status(to_status).label}
        )
    now = timezone.now()
    fields = ["status", "version"]
    if to_status == Status.ORDER:
        if not order_quantity or order_value is None or order_value <= 0:
            raise ValidationError(_("Isi jumlah dan nilai pesanan."))
        inquiry.order_quantity, inquiry.order_value, inquiry.ordered_at = order_quantity, order_value, now
        fields += ["order_quantity", "order_value", "ordered_at"]
    elif to_status == Status.PLACEMENT:
        if (placement or new_placement) and (export or new_export):
            raise ValidationError(_("Pilih penempatan atau ekspor, tidak keduanya."))
        if export is not None or new_export:
            inquiry.export = _export_for(inquiry, export=export, new_export=new_export, by=by)
            fields.append("export")
        else:
            inquiry.placement = _placement_for(inquiry, placement=placement, new_placement=new_placement, by=by)
            fields.append("placement")
    elif to_status == Status.CLOSED:
        if close_reason not in Inquiry.CloseReason.values:
            raise ValidationError({"close_reason": _("Pilih alasan permintaan ditutup.")})
        inquiry.close_reason, inquiry.closed_at = close_reason, now
        fields += ["close_reason", "closed_at"]
    if inquiry.first_contact_at is None and to_status != Status.CLOSED:
        inquiry.first_contact_at = now  # any move forward means someone spoke to the buyer
        fields.append("first_contact_at")
    inquiry.status = to_status
    inquiry.version += 1
    inquiry.save(update_fields=fields)
    InquiryStep.objects.create(inquiry=inquiry, status=to_status, note=_clean(note)[:500], by=by)
    return inquiry
