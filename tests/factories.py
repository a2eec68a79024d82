"""One builder per model: make_<model>(**overrides) fills in whatever a valid row needs."""

import datetime
import io
import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from programs.models import Bank, BankOfficer
from registry import roles
from registry.identifiers import build_nik
from registry.models import (
    AreaAssignment,
    Business,
    Category,
    Kabupaten,
    Kecamatan,
    LegalDocument,
    Owner,
    Product,
    Provinsi,
    YearlyFigure,
)
from registry.services import load_regions

PASSWORD = "uji-kata-sandi-2026"
_serial = itertools.count(1)


def make_region(code):
    """Load one official region (with its ancestors and children) and return it; cheap and idempotent."""
    load_regions([code])
    model = {5: Kabupaten, 8: Kecamatan}[len(code)]
    return model.objects.get(pk=code)


def make_bank(*, serves=(), **overrides):
    """A bank serving `serves` (Kabupaten and Provinsi objects); without any, all of Indonesia."""
    n = next(_serial)
    fields = {"short_name": f"Bank Uji {n}", "name": f"PT Bank Uji {n}", "nationwide": not serves} | overrides
    bank = Bank.objects.create(**fields)
    bank.kabupaten.set([place for place in serves if isinstance(place, Kabupaten)])
    bank.provinces.set([place for place in serves if isinstance(place, Provinsi)])
    return bank


def make_user(role=None, *, kabupaten=None, kecamatan=(), bank=None, branch=None, **overrides):
    """Create a user with a role (registry.roles key) and its assignments: an area, or a bank (and the
    kabupaten of its branch the officer reads referrals from; None: the bank's whole service area)."""
    n = next(_serial)
    fields = {"username": f"pengguna{n}", "first_name": "Pengguna", "last_name": f"Uji {n}"} | overrides
    if role == roles.ADMIN:
        fields |= {"is_staff": True, "is_superuser": True}
    user = get_user_model().objects.create_user(password=PASSWORD, **fields)
    if role in (roles.DINAS, roles.COORDINATOR, roles.BANK, roles.GROUP_COORDINATOR):
        user.groups.add(Group.objects.get(name=roles.group_name(role)))
    if kabupaten is not None:
        AreaAssignment.objects.create(user=user, kabupaten=kabupaten)
    for one in [kecamatan] if isinstance(kecamatan, Kecamatan) else kecamatan:
        AreaAssignment.objects.create(user=user, kecamatan=one)
    if bank is not None:
        BankOfficer.objects.create(user=user, bank=bank, kabupaten=branch)
    return user


def make_owner(kecamatan=None, **overrides):
    """An owner with a valid NIK from `kecamatan` (default Balongbendo) and a matching birth date."""
    n = next(_serial)
    kecamatan = kecamatan or make_region("35.15.12")
    female = overrides.pop("female", n % 2 == 0)
    # Born between 1960 and 2000 whatever the serial (a long run's serials reach the thousands: n * 37 days
    # from 1980 gave owners born in the 26th century).
    birth_date = overrides.pop("birth_date", datetime.date(1960, 1, 1) + datetime.timedelta(days=n * 37 % 14600))
    fields = {
        "name": f"Pemilik Uji {n}",
        "nik": build_nik(kecamatan.code, birth_date, female=female, serial=n % 9999 + 1),
        "sex": "P" if female else "L",
        "birth_date": birth_date,
        "phone": "+6281234567890",
        "desa": kecamatan.desa_set.order_by("code").first(),
    } | overrides
    return Owner.objects.create(**fields)


def make_business(kecamatan=None, **overrides):
    """A business in the first desa of `kecamatan` (default Balongbendo) with its own owner."""
    n = next(_serial)
    kecamatan = kecamatan or make_region("35.15.12")
    fields = {"name": f"Usaha Uji {n}", "category": Category.MAKANAN} | overrides
    fields.setdefault("desa", kecamatan.desa_set.order_by("code").first())
    if "owner" not in fields:
        fields["owner"] = make_owner(kecamatan)
    return Business.objects.create(**fields)


def make_product(business=None, **overrides):
    business = business or make_business()
    fields = {"name": f"Produk Uji {next(_serial)}", "category": business.category, "price": 15000, "unit": "pak"}
    return Product.objects.create(business=business, **(fields | overrides))


def make_document(business=None, **overrides):
    business = business or make_business()
    n = next(_serial)
    fields = {"kind": LegalDocument.Kind.HALAL, "number": f"ID351500000{n:05d}"} | overrides
    return LegalDocument.objects.create(business=business, **fields)


def make_figure(business=None, **overrides):
    business = business or make_business()
    fields = {"year": 2025, "capital": 50_000_000, "revenue": 300_000_000, "workers": 3} | overrides
    return YearlyFigure.objects.create(business=business, **fields)


def jpeg_upload(width=1200, height=900, name="foto.jpg", exif=None):
    """A real JPEG upload, optionally with EXIF (such as GPS) that must not survive."""
    buffer = io.BytesIO()
    image = Image.new("RGB", (width, height), (200, 120, 40))
    image.save(buffer, format="JPEG", exif=exif or Image.Exif())
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def make_listing(product=None, *, consent=True, passed=True, by=None, consent_fields=None, **overrides):
    """A product in the public catalogue: listed, curated (a PASSED submission unless `passed` is false) and
    with its business's open consent (unless `consent` is false; `consent_fields` set what it allows)."""
    from programs.catalogue_services import clean_contact
    from programs.models import CurationCall, CurationSubmission, Listing, ListingConsent

    product = product or make_product()
    by = by or make_user(roles.DINAS)
    business = product.business
    if consent and not ListingConsent.objects.filter(business=business, withdrawn_at__isnull=True).exists():
        fields = dict(consent_fields or {})  # its contact as the consent form takes it: never the owner's phone
        channel = fields.get("contact_channel", ListingConsent.Contact.PORTAL)
        fields["contact"] = clean_contact(channel, fields.get("contact"), business)
        ListingConsent.objects.create(business=business, recorded_by=by, **fields)
    if passed:
        today = datetime.date.today()
        call = CurationCall.objects.create(
            kabupaten_id=business.kecamatan_id[:5],
            organiser="Dinas Koperasi dan UMKM",
            title=f"Kurasi Uji {next(_serial)}",
            channel="oleh_oleh",
            opens_on=today - datetime.timedelta(days=30),
            closes_on=today - datetime.timedelta(days=1),
            created_by=by,
        )
        CurationSubmission.objects.create(
            call=call, product=product, decision=CurationSubmission.Decision.PASSED, submitted_by=by
        )
    return Listing.objects.create(product=product, listed_by=by, **overrides)


def photo_upload(width=1600, height=1200, name="foto.jpg", seed=1):
    """A JPEG that weighs what a phone's photo does (shapes, gradients and grain), not a flat colour."""
    import random

    from PIL import ImageDraw, ImageFilter

    rng = random.Random(seed)  # noqa: S311 (test pixels, not secrets)
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(20, width // 4)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    image = image.filter(ImageFilter.GaussianBlur(2))
    noise = Image.effect_noise((width, height), 18).convert("RGB")
    image = Image.blend(image, noise, 0.12)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
