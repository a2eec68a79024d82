"""Synthetic data at scale, for the benchmark and for load tests: `manage.py generate_data --businesses N`.

The registry's big tables (owners, businesses, yearly figures, products, documents) are filled by
INSERT ... SELECT over generate_series inside PostgreSQL, so a million businesses take minutes; the
program records (trainings, nominations, curation, referrals) are a few percent of that and go in
with bulk_create, as does the public catalogue (one product in ten listed: consent, a passed curation,
the listing, photos pointing at a few shared stored files, valid and expired certificates). Rows are
spread over the desa of the five source districts, and marked
`source_ref = "sintetis"` so they are never mistaken for real members. Running it again tops the
data up to N rather than adding N more.
"""

import datetime
import io
import random

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from PIL import Image

from programs import catalogue_entries
from programs.models import Bank, BankReferral, CurationCall, CurationSubmission, Enrollment, Training
from programs.models.market import Listing, ListingConsent
from registry.demo import SOURCE_KABUPATEN
from registry.images import reencode_photo
from registry.models import Business, Desa, LegalDocument, Product, ProductPhoto

TAG = "sintetis"
FIRST_NAMES = ["Sri", "Siti", "Dewi", "Ani", "Nur", "Wahyu", "Budi", "Agus", "Eko", "Joko", "Rina", "Yuli"]
LAST_NAMES = ["Wahyuni", "Rahayu", "Lestari", "Susanti", "Hidayat", "Santoso", "Saputra", "Kurniawan"]
GOODS = ["Keripik", "Kue", "Sambal", "Batik", "Jamu", "Kopi", "Tas Anyaman", "Terasi", "Bandeng", "Dodol"]
PLACES = ["Bu Sri", "Barokah", "Sumber Rejeki", "Mekar Jaya", "Lestari", "Makmur", "Berkah", "Mandiri"]
CATEGORIES = ["makanan", "minuman", "kerajinan", "batik", "fesyen", "agro", "jasa", "perdagangan"]
KBLI = ["10792", "10799", "11040", "13134", "14111", "16291", "47111", "56103", "10213", ""]

# Every statement is fixed text; the sizes and word lists are parameters.
# Registration dates cycle over 1,799 days, a period coprime with the 10 goods words that business names
# take from the id: with 1,800 the newest registrations all shared one word, which skewed searches.
_OWNERS = """
INSERT INTO registry_owner (source, source_ref, delete_reason, name, nik, sex, birth_date, phone, address,
    desa_id, kecamatan_id, education, has_disability, created_at, updated_at, version)
SELECT 'admin', %(tag)s, '',
    (%(first)s::text[])[1 + (i * 7) %% cardinality(%(first)s::text[])] || ' '
        || (%(last)s::text[])[1 + (i * 11) %% cardinality(%(last)s::text[])],
    replace(substr(d.code, 1, 8), '.', '')
        || lpad((1 + i %% 28 + CASE WHEN i %% 5 < 3 THEN 40 ELSE 0 END)::text, 2, '0')
        || lpad((1 + (i / 28) %% 12)::text, 2, '0')
        || lpad((60 + (i / 336) %% 40)::text, 2, '0')
        || lpad((1 + i / 13440)::text, 4, '0'),
    CASE WHEN i %% 5 < 3 THEN 'P' ELSE 'L' END,
    make_date((1960 + (i / 336) %% 40)::int, (1 + (i / 28) %% 12)::int, (1 + i %% 28)::int),
    '+628' || lpad((i %% 1000000000)::text, 10, '1'), '', d.code, d.kecamatan_id, 'sma', false,
    now() - make_interval(days => (i %% 1799)::int), now(), 1
FROM generate_series(%(start)s::bigint, %(stop)s - 1) AS i
JOIN LATERAL (SELECT (%(desa)s::text[])[1 + (i * 7919) %% cardinality(%(desa)s::text[])] AS code) c ON true
JOIN registry_desa d ON d.code = c.code
ON CONFLICT (nik) DO NOTHING
"""
_BUSINESSES = """
INSERT INTO registry_business (source, source_ref, delete_reason, name, owner_id, desa_id, kecamatan_id,
    address, kbli_code, kbli_version, category, description, start_year, nib, legal_form, workers_male,
    workers_female, status, guided_by, guided_since, is_flagship, markets, sales_channels, size_class,
    verification, verification_note, national_id, national_record, created_at, updated_at, version)
SELECT 'admin', %(tag)s, '',
    (%(goods)s::text[])[1 + o.id %% cardinality(%(goods)s::text[])] || ' '
        || (%(places)s::text[])[1 + (o.id / 10) %% cardinality(%(places)s::text[])] || ' ' || o.id,
    o.id, o.desa_id, o.kecamatan_id, 'RT 00' || (1 + o.id %% 9) || ' RW 00' || (1 + o.id %% 5),
    (%(kbli)s::text[])[1 + o.id %% cardinality(%(kbli)s::text[])], '2020',
    (%(categories)s::text[])[1 + o.id %% cardinality(%(categories)s::text[])], '',
    2000 + o.id %% 25,
    CASE WHEN o.id %% 5 < 3 THEN '9' || lpad(o.id::text, 12, '0') ELSE '' END,
    'perorangan', o.id %% 3, 1 + o.id %% 4,
    CASE WHEN o.id %% 50 = 0 THEN 'tidak_aktif' ELSE 'aktif' END,
    CASE WHEN o.id %% 10 < 3 THEN 'dinas' ELSE '' END,
    CASE WHEN o.id %% 10 < 3 THEN (now() - make_interval(days => (o.id %% 700)::int))::date END,
    o.id %% 200 = 0, '{}', '{}', '',
    CASE WHEN o.id %% 20 = 0 THEN 'ditolak' WHEN o.id %% 4 = 0 THEN 'menunggu' ELSE 'terverifikasi' END,
    CASE WHEN o.id %% 20 = 0 THEN 'Foto usaha belum ada' ELSE '' END,
    '', '{}', o.created_at, o.updated_at, 1
FROM registry_owner o
WHERE o.id > %(owner_after)s AND o.source_ref = %(tag)s
"""
_FIGURES = """
INSERT INTO registry_yearlyfigure (source, source_ref, business_id, year, capital, revenue, assets, size_class,
    size_rule, reported_size_class, reported_source, size_mismatch, created_at, updated_at)
SELECT 'admin', %(tag)s, b.id, y.year, 5000000 + (b.id %% 97) * 1000000,
    CASE WHEN b.id %% 100 = 0 THEN 3000000000 + y.year ELSE 60000000 + (b.id %% 89) * 9000000 + y.year END,
    10000000 + (b.id %% 53) * 1000000,
    CASE WHEN b.id %% 100 = 0 THEN 'kecil' ELSE 'mikro' END, 'PP7-2021', '', '', false, now(), now()
FROM registry_business b CROSS JOIN (VALUES (%(year)s - 1), (%(year)s)) AS y(year)
WHERE b.id > %(business_after)s AND b.source_ref = %(tag)s
"""
_SIZES = """
UPDATE registry_business b SET size_class = f.size_class
FROM registry_yearlyfigure f
WHERE f.business_id = b.id AND f.year = %(year)s AND b.id > %(business_after)s AND b.source_ref = %(tag)s
"""
_PRODUCTS = """
INSERT INTO registry_product (source, source_ref, business_id, name, category, description, price, unit,
    packaging, created_at, updated_at)
SELECT 'admin', %(tag)s, b.id, split_part(b.name, ' ', 1) || ' kemasan ' || (100 + b.id %% 400) || ' g',
    b.category, '', 5000 + (b.id %% 40) * 1000, 'pak', 'plastik', now(), now()
FROM registry_business b
WHERE b.id > %(business_after)s AND b.source_ref = %(tag)s
"""
_DOCUMENTS = """
INSERT INTO registry_legaldocument (source, source_ref, business_id, kind, number, issued_on, expires_on,
    scan, created_at, updated_at)
SELECT 'admin', %(tag)s, b.id, 'pirt', '2' || lpad(b.id::text, 12, '0') || '-' || (26 + b.id %% 5),
    make_date((2021 + b.id %% 5)::int, (1 + b.id %% 12)::int, 1),
    make_date((2026 + b.id %% 5)::int, 12, 31), '', now(), now()
FROM registry_business b
WHERE b.id > %(business_after)s AND b.source_ref = %(tag)s AND b.category = 'makanan'
"""


def generate(businesses, *, seed=2026, say=print):
    """Top the synthetic data up to `businesses` businesses, with their parts and program records."""
    have = Business.all_objects.filter(source_ref=TAG).count()
    desa = list(
        Desa.objects.filter(kecamatan__kabupaten__in=SOURCE_KABUPATEN).order_by("code").values_list("code", flat=True)
    )
    if not desa:
        raise RuntimeError("Wilayah belum dimuat: jalankan `manage.py load_regions` dulu.")
    params = {
        "tag": TAG,
        "first": FIRST_NAMES,
        "last": LAST_NAMES,
        "goods": GOODS,
        "places": PLACES,
        "categories": CATEGORIES,
        "kbli": KBLI,
        "desa": desa,
        "year": datetime.date.today().year - 1,
    }
    steps = [
        ("pelaku usaha", _OWNERS),
        ("usaha", _BUSINESSES),
        ("data tahunan", _FIGURES),
        ("skala terkini", _SIZES),
        ("produk", _PRODUCTS),
        ("dokumen P-IRT", _DOCUMENTS),
    ]
    if have < businesses:
        for start in range(have, businesses, 200_000):  # in slices, so progress shows and WAL stays small
            stop = min(start + 200_000, businesses)
            with transaction.atomic(), connection.cursor() as cursor:
                # Each slice builds on the rows of the one before: ids above these are this slice's.
                cursor.execute("SELECT coalesce(max(id), 0) FROM registry_owner")
                owner_after = cursor.fetchone()[0]
                cursor.execute("SELECT coalesce(max(id), 0) FROM registry_business")
                business_after = cursor.fetchone()[0]
                slice_params = {**params, "start": start, "stop": stop}
                slice_params |= {"owner_after": owner_after, "business_after": business_after}
                for label, statement in steps:
                    cursor.execute(statement, slice_params)
                    say(f"  {label}: +{cursor.rowcount:,}".replace(",", "."))
                    if label in ("pelaku usaha", "usaha"):
                        cursor.execute("ANALYZE registry_owner, registry_business")  # plans see the new rows
            say(f"{stop:,} usaha sintetis".replace(",", "."))
    _programs(businesses, random.Random(seed), say)  # noqa: S311 - synthetic data, not secrets
    _catalogue(businesses // 10, say)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


@transaction.atomic
def _programs(businesses, rng, say):
    """Program records in proportion: 5% nominated to a training, 1% of products curated, 2% referred."""
    if Training.objects.filter(organiser=TAG).exists():
        return
    user = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    verified = list(
        Business.objects.filter(source_ref=TAG, verification=Business.Verification.VERIFIED).values_list(
            "pk", "kecamatan__kabupaten_id"
        )
    )
    rng.shuffle(verified)
    today = datetime.date.today()
    trainings = Training.objects.bulk_create(
        Training(
            kabupaten_id=kabupaten,
            organiser=TAG,
            title=f"Pelatihan sintetis {n}",
            kind="lainnya",
            venue="Aula dinas",
            start_on=today - datetime.timedelta(days=n % 700),
            end_on=today - datetime.timedelta(days=n % 700 - 1),
            capacity=100,
            created_by=user,
        )
        for n, kabupaten in enumerate(SOURCE_KABUPATEN * max(1, businesses // 10_000))
    )
    by_kabupaten = {}
    for training in trainings:
        by_kabupaten.setdefault(training.kabupaten_id, []).append(training)
    nominated = verified[: businesses // 20]
    Enrollment.objects.bulk_create(
        (
            Enrollment(
                training=rng.choice(by_kabupaten[kabupaten]),
                business_id=pk,
                status=Enrollment.Status.CONFIRMED,
                nominated_by=user,
            )
            for pk, kabupaten in nominated
        ),
        batch_size=5000,
    )
    bank = Bank.objects.filter(nationwide=True).order_by("pk").first()  # serves every synthetic business
    if bank is not None:
        BankReferral.objects.bulk_create(
            (
                BankReferral(
                    business_id=pk,
                    bank=bank,
                    credit_product="kur_mikro",
                    amount_requested=25_000_000,
                    purpose="Tambahan modal (data sintetis)",
                    status=BankReferral.Status.SENT,
                    referred_by=user,
                )
                for pk, _ in verified[-(businesses // 50) :]
            ),
            batch_size=5000,
        )
    calls = {
        kabupaten: CurationCall.objects.create(
            kabupaten_id=kabupaten,
            organiser=TAG,
            title="Kurasi sintetis",
            channel="ritel_modern",
            opens_on=today - datetime.timedelta(days=30),
            closes_on=today + datetime.timedelta(days=30),
            created_by=user,
        )
        for kabupaten in by_kabupaten
    }
    curated = [pk for pk, _ in verified[businesses // 20 : businesses // 20 + businesses // 100]]
    products = Product.objects.filter(business__in=curated).values_list("pk", "business__kecamatan__kabupaten_id")
    CurationSubmission.objects.bulk_create(
        (CurationSubmission(call=calls[kabupaten], product_id=pk, submitted_by=user) for pk, kabupaten in products),
        batch_size=5000,
    )
    say(f"program: {len(trainings)} pelatihan, {len(nominated)} nominasi, {len(curated)} kurasi")


CATALOGUE_BATCH = 5_000
PHOTO_COLOURS = [(200, 120, 40), (60, 140, 90), (170, 50, 60), (230, 200, 80)]


def _catalogue(listed, say):
    """Top the public catalogue up to `listed` products shown to the public: for each, the business's open
    consent, a passed submission to the kabupaten's synthetic catalogue curation, and the listing; three in
    five with a photo (rows pointing at a few shared stored files), and certificates, some of them expired.
    One listing in fifty more is taken down (unlisted), so the public query has rows to leave out.

    Products are taken in an order spread over the whole id range (every kabupaten, every registration date),
    in batches of 5,000 with bulk_create, each batch in its own transaction."""
    have = Listing.objects.filter(product__source_ref=TAG, unlisted_at__isnull=True).count()
    if have >= listed:
        return
    user = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    today = timezone.localdate()
    calls = _catalogue_calls(user, today)
    photos = _shared_photos()
    candidates = (
        Product.objects.filter(
            source_ref=TAG,
            business__source_ref=TAG,
            business__verification=Business.Verification.VERIFIED,
            business__deleted_at__isnull=True,
            listing__isnull=True,
        )
        .annotate(spread=F("pk") % 7)
        .order_by("spread", "pk")
        .values_list("pk", "business_id", "business__kecamatan__kabupaten_id")
    )
    wanted = listed - have
    taken_down = max(1, wanted // 50)
    chosen = [(*row, n >= wanted) for n, row in enumerate(candidates[: wanted + taken_down])]
    for start in range(0, len(chosen), CATALOGUE_BATCH):
        _catalogue_batch(chosen[start : start + CATALOGUE_BATCH], calls, photos, user, today)
        say(f"  katalog: +{min(start + CATALOGUE_BATCH, len(chosen)):,} produk".replace(",", "."))
    # bulk_create sends no signals: the catalogue's entries (programs.catalogue_entries) of each kabupaten.
    for kabupaten in SOURCE_KABUPATEN:
        catalogue_entries.rebuild(kabupaten)
    shown = Listing.objects.public().filter(product__source_ref=TAG).count()
    say(f"katalog: {shown:,} produk tampil".replace(",", "."))


def _catalogue_calls(user, today):
    calls = {}
    for kabupaten in SOURCE_KABUPATEN:
        calls[kabupaten], _ = CurationCall.objects.get_or_create(
            kabupaten_id=kabupaten,
            organiser=TAG,
            title="Kurasi katalog sintetis",
            defaults={
                "channel": "ritel_modern",
                "opens_on": today - datetime.timedelta(days=120),
                "closes_on": today - datetime.timedelta(days=60),
                "created_by": user,
            },
        )
    return calls


def _shared_photos():
    """A few photos stored once (re-encoded as an upload is), which every synthetic photo row points at."""
    shared = []
    for n, colour in enumerate(PHOTO_COLOURS):
        buffer = io.BytesIO()
        Image.new("RGB", (1200, 900), colour).save(buffer, format="JPEG")
        photo, thumbnail = reencode_photo(SimpleUploadedFile(f"{n}.jpg", buffer.getvalue(), "image/jpeg"))
        field = ProductPhoto._meta.get_field("image")
        names = []
        for kind, content in (("foto", photo), ("kecil", thumbnail)):
            name = f"products/{TAG}/{kind}-{n}.jpg"
            if not field.storage.exists(name):
                field.storage.save(name, ContentFile(content.read()))
            names.append(name)
        shared.append((*names, 1200, 900))
    return shared


@transaction.atomic
def _catalogue_batch(rows, calls, photos, user, today):
    now = timezone.now()
    businesses = {business for _, business, _, _ in rows}
    consented = set(
        ListingConsent.objects.filter(business__in=businesses, withdrawn_at__isnull=True).values_list(
            "business_id", flat=True
        )
    )
    ListingConsent.objects.bulk_create(
        ListingConsent(
            business_id=business,
            contact_channel="portal" if business % 10 else "whatsapp",
            contact="" if business % 10 else f"+62 21 555 {business % 10_000:04d}",
            evidence="Formulir persetujuan (data sintetis)",
            recorded_by=user,
        )
        for business in sorted(businesses - consented)
    )
    CurationSubmission.objects.bulk_create(
        (
            CurationSubmission(
                source="admin",
                source_ref=TAG,
                call=calls[kabupaten],
                product_id=product,
                decision=CurationSubmission.Decision.PASSED,
                total_score=70 + product % 30,
                submitted_by=user,
                decided_by=user,
                decided_at=now,
            )
            for product, _, kabupaten, _ in rows
        ),
        ignore_conflicts=True,
    )
    Listing.objects.bulk_create(
        Listing(
            product_id=product,
            price_from=5_000 + (product % 40) * 1_000,
            price_to=5_000 + (product % 40) * 1_000 + (product % 5) * 2_500,
            minimum_order=1 + product % 50,
            capacity_per_month=100 * (1 + product % 30),
            description_en="" if product % 3 else "Home-made, packed in food-grade plastic (synthetic data).",
            export_ready=product % 10 == 0,
            listed_by=user,
            unlisted_by=user if taken_down else None,
            unlisted_at=now if taken_down else None,
        )
        for product, _, _, taken_down in rows
    )
    ProductPhoto.objects.bulk_create(
        ProductPhoto(
            product_id=product,
            image=photos[product % len(photos)][0],
            thumbnail=photos[product % len(photos)][1],
            width=photos[product % len(photos)][2],
            height=photos[product % len(photos)][3],
            uploaded_by=user,
        )
        for product, _, _, _ in rows
        if product % 5 < 3
    )
    documents = []
    for product, business, _, _ in rows:
        # Halal for one in three (half of them expired), BPOM ML for one in five, SNI for one in eleven (expired).
        if product % 3 == 0:
            expires = today + datetime.timedelta(days=30 + product % 700 if product % 2 else -(1 + product % 300))
            documents.append((business, "halal", expires))
        if product % 5 == 0:
            documents.append((business, "bpom_ml", today + datetime.timedelta(days=60 + product % 900)))
        if product % 11 == 0:
            documents.append((business, "sni", today - datetime.timedelta(days=1 + product % 400)))
    LegalDocument.objects.bulk_create(
        (
            LegalDocument(
                source="admin",
                source_ref=TAG,
                business_id=business,
                kind=kind,
                number=f"{kind.upper()}-{business:09d}",
                issued_on=expires - datetime.timedelta(days=4 * 365),
                expires_on=expires,
            )
            for business, kind, expires in documents
        ),
        ignore_conflicts=True,
    )
