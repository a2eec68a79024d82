"""Writes with rules for the public catalogue's staff side: a business's consent to be shown, and its curated
products' listings. Views, the demo and the admin call these.

Every write that changes what the public may see calls `catalogue_cache.forget_business` (after commit), so
every cached public page and file of the kabupaten drops the change at once.

A consent is an auditable record: it is never edited. Changing what may be shown records a new consent that
closes the open one ("diganti"), in one transaction, with the open one's version checked; withdrawing closes
it with a reason.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from programs import catalogue_cache
from programs.models import CurationSubmission, Listing, ListingConsent
from registry.models import Business, Owner, Product
from registry.services import refuse_if_stale, require_visible
from registry.validators import normalize_phone

OUTSIDE_AREA = _("Usaha ini di luar wilayah kerja Anda.")
NO_CURATION = _(
    "Produk ini belum lolos kurasi. Hanya produk yang lolos kurasi dinas yang dapat ditampilkan di katalog."
)
NO_CONSENT = _("Usaha ini belum memberi persetujuan tampil di katalog. Catat persetujuannya dulu di halaman usaha.")
CONSENT_WITHDRAWN = _("Persetujuan usaha ini sudah dicabut. Catat persetujuan baru dulu di halaman usaha.")
REPLACED = "Diganti dengan persetujuan baru."


def _lock_business(business, by):
    require_visible(Business, business.pk, by, OUTSIDE_AREA)
    return Business.objects.select_for_update().get(pk=business.pk)


OWNERS_PHONE = _(
    "Nomor ini nomor HP pribadi pemilik. Pembeli hanya boleh melihat kontak usaha (UU 27/2022): isi nomor "
    'WhatsApp usaha, atau pilih "Lewat portal".'
)


def _owners_phone(business):
    """The business owner's personal phone in E.164, or "" (none, or written in a way no one can dial)."""
    phone = Owner.objects.filter(pk=business.owner_id).values_list("phone", flat=True).first()
    try:
        return normalize_phone(phone) if phone else ""
    except ValidationError:
        return ""


def clean_contact(channel, contact, business=None):
    """The business's contact for its channel, normalised: a phone number for WhatsApp (E.164), an e-mail
    address for e-mail, nothing for the portal. Given the business, a WhatsApp number that is its owner's
    personal phone is refused: buyers see the business's contact, never the owner's (UU 27/2022).
    Raises ValidationError on the `contact` field."""
    contact = " ".join((contact or "").split())
    if channel == ListingConsent.Contact.PORTAL:
        return ""
    if not contact:
        raise ValidationError({"contact": _("Isi kontak usaha untuk WhatsApp atau e-mail.")})
    if channel == ListingConsent.Contact.WHATSAPP:
        try:
            number = normalize_phone(contact)
        except ValidationError:
            raise ValidationError(
                {"contact": _("Nomor WhatsApp tidak dikenali. Contoh: 0812-3456-7890 atau +62 812 3456 7890.")}
            ) from None
        if business is not None and number == _owners_phone(business):
            raise ValidationError({"contact": OWNERS_PHONE}, code="owners_phone")
        return number
    try:
        validate_email(contact)
    except ValidationError:
        raise ValidationError({"contact": _("Alamat e-mail tidak valid. Contoh: usaha@contoh.id.")}) from None
    return contact.lower()


@transaction.atomic
def record_consent(business, consent, *, by, replacing=None):
    """Record `consent` (an unsaved ListingConsent: what may be shown, the contact channel and contact, the
    evidence) for `business`, by `by` now.

    A business with an open consent: `replacing` is the pk of the open consent the form was read at; that
    one is closed as replaced (kept as the record) and the new one recorded. A consent is never edited, so
    its pk says which one was read: a form read before another editor's consent (or without `replacing`)
    is refused, so two coordinators recording at once make one consent.
    Raises PermissionDenied outside the area, ValidationError otherwise."""
    business = _lock_business(business, by)
    open_consent = ListingConsent.objects.select_for_update().active().filter(business=business).first()
    if open_consent is None and replacing is not None:
        raise ValidationError(_("Persetujuan ini sudah dicabut oleh orang lain. Muat ulang halaman."))
    if open_consent is not None and replacing is None:
        raise ValidationError(
            _("Usaha ini sudah memberi persetujuan yang masih berlaku (dicatat %(on)s oleh %(who)s).")
            % {
                "on": timezone.localtime(open_consent.recorded_at).strftime("%d-%m-%Y"),
                "who": _name(open_consent.recorded_by),
            }
        )
    if open_consent is not None and open_consent.pk != replacing:
        raise ValidationError(
            _(
                "Persetujuan usaha ini sudah diganti oleh %(who)s pada %(on)s setelah Anda membukanya. Muat ulang "
                "halaman, lalu ulangi perubahan Anda."
            )
            % {
                "who": _name(open_consent.recorded_by),
                "on": timezone.localtime(open_consent.recorded_at).strftime("%d-%m-%Y %H:%M"),
            }
        )
    if open_consent is not None:
        _close(open_consent, reason=REPLACED, by=by)
    consent.business = business
    consent.contact = clean_contact(consent.contact_channel, consent.contact, business)
    consent.evidence = " ".join((consent.evidence or "").split())
    consent.recorded_by = by
    consent.pk, consent.withdrawn_at, consent.withdrawn_by, consent.withdrawal_reason = None, None, None, ""
    consent.full_clean(exclude=["business", "recorded_by"], validate_constraints=False)
    try:
        with transaction.atomic():
            consent.save()
    except IntegrityError:  # another open consent committed meanwhile (the one-open constraint)
        raise ValidationError(_("Usaha ini sudah memberi persetujuan yang masih berlaku.")) from None
    catalogue_cache.forget_business(business)
    return consent


def _close(consent, *, reason, by):
    consent.withdrawn_at, consent.withdrawn_by, consent.withdrawal_reason = timezone.now(), by, reason
    consent.version += 1
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason", "version"])


def _name(user):
    return (user.get_full_name() or user.username) if user else gettext("pengguna lain")


@transaction.atomic
def withdraw_consent(consent, *, reason, version, by):
    """Close the business's open consent with a reason: its products leave every public page and every
    cached copy at once (after commit). The row is kept as the record."""
    require_visible(ListingConsent, consent.pk, by, OUTSIDE_AREA)
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise ValidationError({"reason": _("Tuliskan alasan persetujuan dicabut (paling sedikit 5 huruf).")})
    consent = ListingConsent.objects.select_for_update().select_related("business").get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise ValidationError(
            _("Persetujuan ini sudah dicabut oleh %(who)s pada %(on)s.")
            % {"who": _name(consent.withdrawn_by), "on": timezone.localtime(consent.withdrawn_at).strftime("%d-%m-%Y")}
        )
    refuse_if_stale(consent, version, gettext("Persetujuan ini"), editor=consent.recorded_by)
    _close(consent, reason=reason[:300], by=by)
    catalogue_cache.forget_business(consent.business)
    return consent


def why_not_listed(product):
    """Why `product` cannot be shown in the catalogue now (a message), or "" when it can: it needs a passed
    curation and its business an open consent. One query each."""
    if not CurationSubmission.objects.filter(product=product, decision=CurationSubmission.Decision.PASSED).exists():
        return NO_CURATION
    if not ListingConsent.objects.active().filter(business=product.business_id).exists():
        if ListingConsent.objects.filter(business=product.business_id).exists():
            return CONSENT_WITHDRAWN
        return NO_CONSENT
    return ""


LISTING_FIELDS = ["price_from", "price_to", "minimum_order", "capacity_per_month", "description_en"]


@transaction.atomic
def list_product(product, listing, *, by, version=None, export_ready=None):
    """List `product` in the public catalogue, or change or relist its listing. `listing` is an unsaved
    Listing holding the fields (price range, minimum order, capacity per month, English description).

    A product is listed only after it passed a curation and while its business's consent is open. A change
    to an existing listing carries the `version` the form was read at (a stale one is refused with who
    saved it). `export_ready` (None: unchanged) is set only by a holder of programs.mark_export_ready.
    Raises PermissionDenied or ValidationError."""
    require_visible(Product, product.pk, by, OUTSIDE_AREA)
    product = Product.objects.select_related("business").get(pk=product.pk)
    _lock_business(product.business, by)
    reason = why_not_listed(product)
    if reason:
        raise ValidationError(reason)
    current = Listing.objects.select_for_update().filter(product=product).first()
    if current is None:
        current = Listing(product=product, listed_by=by)
    elif version is None:
        raise ValidationError(_("Produk ini sudah ada di katalog. Muat ulang halaman, lalu ubah datanya."))
    else:
        refuse_if_stale(
            current, version, gettext("Data katalog produk ini"), editor=current.updated_by or current.listed_by
        )
        current.version += 1
    if export_ready is not None and export_ready != current.export_ready:
        if not by.has_perm("programs.mark_export_ready"):
            raise PermissionDenied(_("Hanya dinas yang dapat menandai produk siap ekspor."))
        current.export_ready = export_ready
    for field in LISTING_FIELDS:
        setattr(current, field, getattr(listing, field))
    current.description_en = (current.description_en or "").strip()
    if current.price_from is None and current.price_to is None and product.price:
        current.price_from = current.price_to = product.price
    if current.unlisted_at is not None:  # relisted
        current.unlisted_at, current.unlisted_by, current.unlist_reason = None, None, ""
        current.listed_by, current.listed_at = by, timezone.now()
    current.updated_by = by
    current.full_clean(exclude=["product", "listed_by", "unlisted_by", "updated_by"])
    current.save()
    catalogue_cache.forget_business(product.business)
    return current


@transaction.atomic
def unlist_product(listing, *, reason, version, by):
    """Take a listed product off the public catalogue with a reason (the listing is kept, to relist)."""
    require_visible(Listing, listing.pk, by, OUTSIDE_AREA)
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise ValidationError({"reason": _("Tuliskan alasan produk diturunkan (paling sedikit 5 huruf).")})
    listing = Listing.objects.select_for_update().select_related("product__business").get(pk=listing.pk)
    if listing.unlisted_at is not None:
        raise ValidationError(_("Produk ini sudah diturunkan dari katalog."))
    refuse_if_stale(
        listing, version, gettext("Data katalog produk ini"), editor=listing.updated_by or listing.listed_by
    )
    listing.unlisted_at, listing.unlisted_by, listing.unlist_reason = timezone.now(), by, reason[:300]
    listing.updated_by = by
    listing.version += 1
    listing.save(update_fields=["unlisted_at", "unlisted_by", "unlist_reason", "updated_by", "updated_at", "version"])
    catalogue_cache.forget_business(listing.product.business)
    return listing
