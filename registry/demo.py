"""The registry's part of the demo data: staff and members in the five source districts."""

import datetime
import io
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from faker import Faker
from PIL import Image, ImageDraw, ImageFont

from registry import roles
from registry.identifiers import build_nik
from registry.models import (
    AreaAssignment,
    Business,
    BusinessGroup,
    Category,
    Kabupaten,
    Kecamatan,
    LegalDocument,
    Owner,
    Product,
    Source,
    YearlyFigure,
)
from registry.services import register_business, reject_business, verify_business

DEMO_PASSWORD = "demo-umkm-2026"

# The five districts of the source articles, and the kecamatan they name.
SOURCE_KABUPATEN = ["35.15", "35.29", "33.16", "35.10", "35.24"]
DEMO_DINAS = {
    "dinas.sidoarjo": "35.15",
    "dinas.sumenep": "35.29",
    "dinas.blora": "33.16",
    "dinas.banyuwangi": "35.10",
    "dinas.lamongan": "35.24",
}
DEMO_COORDINATORS = {
    "koordinator.balongbendo": "35.15.12",
    "koordinator.krian": "35.15.11",
    "koordinator.dasuk": "35.29.14",
    "koordinator.kabat": "35.10.14",
    "koordinator.paciran": "35.24.14",
}


def _user(username, fake, **extra):
    """Create the demo user once; a later run leaves it (and a password it changed) alone."""
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": fake.first_name(), "last_name": fake.last_name(), **extra}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def load_demo_staff(seed=2026):
    """Create the admin, dinas staff per source kabupaten and coordinators per named kecamatan.

    Needs the regions of the five source districts (load_regions). Idempotent.
    """
    fake = Faker("id_ID")
    fake.seed_instance(seed)
    _user("admin", fake, is_staff=True, is_superuser=True)
    dinas_group = Group.objects.get(name=roles.group_name(roles.DINAS))
    coordinator_group = Group.objects.get(name=roles.group_name(roles.COORDINATOR))
    for username, code in DEMO_DINAS.items():
        user = _user(username, fake)
        user.groups.add(dinas_group)
        AreaAssignment.objects.get_or_create(user=user, kabupaten=Kabupaten.objects.get(code=code))
    for username, code in DEMO_COORDINATORS.items():
        user = _user(username, fake)
        user.groups.add(coordinator_group)
        AreaAssignment.objects.get_or_create(user=user, kecamatan=Kecamatan.objects.get(code=code))
    group_coordinator_group = Group.objects.get(name=roles.group_name(roles.GROUP_COORDINATOR))
    for username, code in DEMO_GROUP_COORDINATORS.items():
        user = _user(username, fake)
        user.groups.add(group_coordinator_group)
        AreaAssignment.objects.get_or_create(user=user, kecamatan=Kecamatan.objects.get(code=code))


def demo_logins():
    """Return (role label, username, area) for every demo user that exists, in a stable order."""
    users = get_user_model().objects.filter(
        username__in=["admin", *DEMO_DINAS, *DEMO_COORDINATORS, *DEMO_GROUP_COORDINATORS]
    )
    rows = []
    for user in users.prefetch_related("area_assignments__kabupaten", "area_assignments__kecamatan").order_by(
        "username"
    ):
        areas = ", ".join(str(a.area) for a in user.area_assignments.all()) or "semua wilayah"
        rows.append((roles.ROLE_LABELS[roles.role_of(user)], user.username, areas))
    return rows


#
# Members: businesses from the source articles, plus realistic fill per district
#

# (kecamatan code, desa name or None for any, business name, category, KBLI, [(product, price, unit)])
SOURCE_BUSINESSES = [
    ("35.15.12", "Wonokupang", "Lumpia Bandeng Bu Ike", "makanan", "10212", [("Lumpia bandeng", 25000, "pak")]),
    ("35.15.12", None, "Sinom Wuluh Segar", "minuman", "11040", [("Sinom belimbing wuluh", 8000, "botol")]),
    ("35.15.12", None, "Kerupuk Lele Balong", "makanan", "10750", [("Kerupuk lele", 15000, "pak")]),
    ("35.15.12", None, "Jenang Jagung Mbok Sri", "makanan", "10794", [("Jenang jagung", 20000, "kotak")]),
    ("35.29.14", "Jelbudan", "Mente Jelbudan Jaya", "agro", "10399", [("Kacang mente goreng", 45000, "pak")]),
    ("35.29.14", "Jelbudan", "Mente Sumekar", "agro", "10399", [("Mente mentah kupas", 120000, "kg")]),
    ("35.10.14", None, "Batik Gajah Oling Kabat", "batik", "13134", [("Batik tulis gajah oling", 350000, "lembar")]),
    ("35.10.14", None, "Souvenir Using Kabat", "kerajinan", "32909", [("Gantungan kunci barong", 10000, "pcs")]),
    ("35.24.14", None, "Tenun Ikat Paciran", "batik", "13122", [("Sarung tenun ikat", 275000, "lembar")]),
    ("35.24.14", None, "Konveksi Bintang Paciran", "fesyen", "14111", [("Seragam sekolah", 85000, "stel")]),
    ("33.16.09", None, "Kerajinan Jati Blora", "kerajinan", "16292", [("Meja kayu jati", 1500000, "unit")]),
]

# Other realistic members per district: (category, KBLI, business name pattern, product, price, unit).
FILL_TEMPLATES = [
    ("makanan", "10794", "Aneka Kue {}", "Kue kering", 35000, "toples"),
    ("makanan", "10710", "Roti {}", "Roti manis", 5000, "pcs"),
    ("minuman", "11040", "Jamu {}", "Jamu kunyit asam", 10000, "botol"),
    ("kerajinan", "32909", "Anyaman {}", "Tas anyaman pandan", 75000, "pcs"),
    ("fesyen", "14111", "Jahit {}", "Kemeja batik", 150000, "pcs"),
    ("agro", "01135", "Tani {}", "Cabai rawit", 40000, "kg"),
    ("jasa", "96011", "Laundry {}", "Cuci setrika", 7000, "kg"),
    ("perdagangan", "47111", "Toko {}", "Sembako", 0, ""),
]
# Group coordinators: a login that sees only the members of the groups it coordinates.
DEMO_GROUP_COORDINATORS = {"kelompok.balongbendo": "35.15.12", "klaster.kabat": "35.10.14"}
# (kecamatan code, name, coordinator's username or None, the categories whose Kabat fill joins it)
DEMO_GROUPS = [
    ("35.15.12", "UMKM Kecamatan Balongbendo", "kelompok.balongbendo", ()),
    ("35.29.14", "Kelompok mente Desa Jelbudan", None, ()),
    ("35.10.14", "Klaster batik Kabat", "klaster.kabat", ("batik",)),
    ("35.10.14", "Klaster souvenir Kabat", None, ("souvenir",)),
    ("35.10.14", "Klaster kerajinan Kabat", None, ("kerajinan",)),
    ("35.10.14", "Klaster agro Kabat", None, ("agro",)),
]
# The source businesses' groups, by name (the rest join their kecamatan's first group).
SOURCE_GROUPS = {"Batik Gajah Oling Kabat": "Klaster batik Kabat", "Souvenir Using Kabat": "Klaster souvenir Kabat"}
# Kabat's cluster members: (cluster key, category, KBLI, name pattern, product, price, unit).
KABAT_FILL = [
    ("batik", "batik", "13134", "Batik {}", "Batik tulis motif Using", 300000, "lembar"),
    ("souvenir", "kerajinan", "32909", "Souvenir {}", "Miniatur penari gandrung", 35000, "pcs"),
    ("kerajinan", "kerajinan", "16292", "Kerajinan Bambu {}", "Keranjang bambu", 60000, "pcs"),
    ("agro", "agro", "01135", "Kopi {}", "Kopi robusta bubuk", 50000, "pak"),
]
DEMO_YEARS = (2023, 2024, 2025)


def _registrar(kecamatan):
    """The demo coordinator of the kecamatan, else the dinas of its kabupaten, else the admin."""
    users = get_user_model().objects
    return (
        users.filter(area_assignments__kecamatan=kecamatan, groups__name=roles.group_name(roles.COORDINATOR)).first()
        or users.filter(area_assignments__kabupaten=kecamatan.kabupaten_id).first()
        or users.get(username="admin")
    )


def _figures(rng, years, grows):
    """Three years of figures; a business that `grows` crosses from mikro into kecil by the last year."""
    revenue = rng.randrange(60, 1800) * 1_000_000
    capital = rng.randrange(5, 400) * 1_000_000
    rows = []
    for index, year in enumerate(years):
        if grows and index == len(years) - 1:
            revenue = max(revenue, rng.randrange(2_100, 4_000) * 1_000_000)
        rows.append(
            YearlyFigure(
                year=year,
                capital=capital,
                revenue=revenue,
                assets=capital + rng.randrange(0, 200) * 1_000_000,
                workers=rng.randrange(1, 12),
                reported_size_class="mikro",
                reported_source="pemilik",
            )
        )
        revenue = int(revenue * rng.uniform(1.0, 1.35))
    return rows


def _demo_photo(text, rng):
    """A stand-in product photo: a coloured card with the product's name, as a JPEG upload."""
    image = Image.new("RGB", (800, 600), tuple(rng.randrange(90, 200) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 760, 560), outline=(255, 255, 255), width=6)
    draw.text((400, 300), text, fill=(255, 255, 255), anchor="mm", font=ImageFont.load_default(size=48))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name="demo.jpg")


# The day the demo owners' ages are counted on (their birth dates, and so their NIKs, must not move with today).
AGES_ON = datetime.date(2026, 1, 1)


def _member(fake, seed, kecamatan, desa, serial, name, category, kbli, products, by, groups, with_photos=False):
    # Each member draws from freshly seeded generators, so a skipped member never shifts the next one's own data
    # (the callers draw the next business's name from the shared Faker after this: a skip does change that).
    rng = random.Random(f"{seed}-{serial}")
    fake.seed_instance(f"{seed}-{serial}")
    female = rng.random() < 0.6  # most members in the source articles are women
    # Aged 22 to 65 on a fixed day, not today (Faker's date_of_birth): the same seed gives the same NIK on any
    # day, and `make run` loads the demo at every start. One draw, as date_of_birth made.
    birth_date = fake.date_between_dates(
        AGES_ON.replace(year=AGES_ON.year - 66), AGES_ON.replace(year=AGES_ON.year - 22)
    )
    nik = build_nik(kecamatan.code, birth_date, female=female, serial=serial)
    phone = f"08{rng.choice(['12', '13', '21', '52', '57', '77', '81', '95'])}{rng.randrange(10**7, 10**8)}"
    education = rng.choice(["sd", "smp", "sma", "sma", "diploma", "s1"])
    has_disability = rng.random() < 0.04
    nib = f"{rng.randrange(10**12, 10**13)}" if rng.random() < 0.6 else ""
    # Already loaded: an owner of this kecamatan under this serial, whatever the birth date in the NIK (a demo
    # loaded before the NIKs stopped moving with the day has other ones, and its NIB and documents would now
    # be refused as another owner's). A range of the NIK's index, not a LIKE: the bench has a million owners.
    region = kecamatan.code.replace(".", "")
    owners = Owner.all_objects.filter(nik__gte=region, nik__lt=f"{int(region) + 1:06d}")
    if owners.filter(nik__endswith=f"{serial:04d}").exists():
        return None
    owner = Owner(
        name=fake.name_female() if female else fake.name_male(),
        nik=nik,
        sex="P" if female else "L",
        birth_date=birth_date,
        phone=phone,
        address=fake.street_address(),
        desa=desa,
        education=education,
        has_disability=has_disability,
    )
    business = Business(
        name=name,
        desa=desa,
        address=f"{fake.street_address()}, {desa.name}",
        category=category,
        kbli_code=kbli,
        description=f"Usaha {dict(Category.choices)[category].lower()} di Desa {desa.name}.",
        start_year=rng.randrange(2005, 2024),
        nib=nib,
        workers_male=rng.randrange(0, 4),
        workers_female=rng.randrange(1, 6),
        guided_by=f"Dinas Koperasi dan UMKM {kecamatan.kabupaten.name}" if rng.random() < 0.5 else "",
        is_flagship=rng.random() < 0.15,
        markets=sorted(rng.sample(["lokal", "kabupaten", "provinsi", "nasional"], k=rng.randrange(1, 3))),
        sales_channels=sorted(
            rng.sample(["offline", "oleh_oleh", "marketplace", "media_sosial"], k=rng.randrange(1, 3))
        ),
    )
    documents = []
    if nib:
        documents.append(
            LegalDocument(kind=LegalDocument.Kind.NIB, number=nib, issued_on=fake.date_between("-4y", "-1y"))
        )
    if category in ("makanan", "minuman") and rng.random() < 0.7:
        expiry = rng.randrange(25, 31)
        # P-IRT: packaging, food type, prov+kab, product sequence, producer sequence, expiry year.
        region = kecamatan.code[:5].replace(".", "")
        number = f"2{rng.randrange(10, 99)}{region}{rng.randrange(10, 99)}{rng.randrange(1000, 9999)}{expiry}"
        documents.append(
            LegalDocument(kind=LegalDocument.Kind.PIRT, number=number, issued_on=datetime.date(2000 + expiry - 5, 6, 1))
        )
        if rng.random() < 0.5:
            issued = fake.date_between("-3y", "-6m")
            documents.append(
                LegalDocument(
                    kind=LegalDocument.Kind.HALAL,
                    number=f"ID{kecamatan.code[:5].replace('.', '')}{rng.randrange(10**10, 10**11)}",
                    issued_on=issued,
                    expires_on=issued.replace(year=issued.year + 4),
                )
            )
    product_rows = [
        (
            Product(name=product, category=category, price=price or None, unit=unit, packaging="Plastik dan label"),
            [_demo_photo(product, rng)] if with_photos else [],
        )
        for product, price, unit in products
    ]
    business = register_business(
        business,
        owner=owner,
        by=by,
        products=product_rows,
        documents=documents,
        figures=_figures(rng, DEMO_YEARS, grows=rng.random() < 0.2),
        source=Source.ADMIN,
    )
    business.groups.add(*groups)
    # Members joined over the last two years, not all on the day the demo was loaded.
    joined = timezone.now() - datetime.timedelta(days=rng.randrange(0, 730), minutes=rng.randrange(0, 600))
    Business.objects.filter(pk=business.pk).update(created_at=joined)
    return business


@transaction.atomic
def load_demo_members(seed=2026, per_kabupaten=30):
    """Fill the five source districts with members: the source articles' businesses, then a realistic fill.

    Owners get valid NIKs from their kecamatan and birth date; businesses sit in real desa; a third are
    verified, a few rejected. Idempotent: the same seed makes the same NIKs, and those are skipped.
    """
    fake = Faker("id_ID")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    groups, by_name, clusters = {}, {}, {}
    for code, name, coordinator, keys in DEMO_GROUPS:
        kecamatan = Kecamatan.objects.get(pk=code)
        group, _ = BusinessGroup.objects.get_or_create(
            kecamatan=kecamatan,
            name=name,
            defaults={"coordinator": get_user_model().objects.filter(username=coordinator).first()},
        )
        groups.setdefault(code, group)
        by_name[name] = group
        clusters.update(dict.fromkeys(keys, group))
    created = []
    serial = 1
    for code, desa_name, name, category, kbli, products in SOURCE_BUSINESSES:
        kecamatan = Kecamatan.objects.select_related("kabupaten").get(pk=code)
        desa_set = kecamatan.desa_set.all()
        desa = desa_set.get(name=desa_name) if desa_name else rng.choice(list(desa_set))
        group = [by_name[SOURCE_GROUPS[name]]] if name in SOURCE_GROUPS else [groups[code]] if code in groups else []
        created.append(
            _member(
                fake, seed, kecamatan, desa, serial, name, category, kbli, products, _registrar(kecamatan), group, True
            )
        )
        serial += 1
    for kabupaten_code in SOURCE_KABUPATEN:
        kecamatan_list = list(Kecamatan.objects.filter(kabupaten_id=kabupaten_code).select_related("kabupaten"))
        for _ in range(per_kabupaten):
            kecamatan = rng.choice(kecamatan_list)
            desa = rng.choice(list(kecamatan.desa_set.all()))
            category, kbli, pattern, product, price, unit = rng.choice(FILL_TEMPLATES)
            name = pattern.format(fake.first_name())
            products = [(product, price, unit)] if price else []
            created.append(
                _member(fake, seed, kecamatan, desa, serial, name, category, kbli, products, _registrar(kecamatan), [])
            )
            serial += 1
    # Balongbendo's group has more than a hundred members (at the default fill); Kabat's clusters a few each.
    balongbendo = Kecamatan.objects.select_related("kabupaten").get(pk="35.15.12")
    balongbendo_desa = list(balongbendo.desa_set.all())
    for _ in range(per_kabupaten * 10 // 3):
        desa = rng.choice(balongbendo_desa)
        category, kbli, pattern, product, price, unit = rng.choice(FILL_TEMPLATES)
        products = [(product, price, unit)] if price else []
        name = pattern.format(fake.first_name())
        registrar = _registrar(balongbendo)
        group = [groups["35.15.12"]]
        created.append(_member(fake, seed, balongbendo, desa, serial, name, category, kbli, products, registrar, group))
        serial += 1
    kabat = Kecamatan.objects.select_related("kabupaten").get(pk="35.10.14")
    kabat_desa = list(kabat.desa_set.all())
    for index in range(max(per_kabupaten // 2, len(KABAT_FILL))):
        key, category, kbli, pattern, product, price, unit = KABAT_FILL[index % len(KABAT_FILL)]
        desa = rng.choice(kabat_desa)
        name = pattern.format(fake.first_name())
        created.append(
            _member(
                fake,
                seed,
                kabat,
                desa,
                serial,
                name,
                category,
                kbli,
                [(product, price, unit)],
                _registrar(kabat),
                [clusters[key]],
            )
        )
        serial += 1
    created = [business for business in created if business is not None]
    admin = get_user_model().objects.get(username="admin")
    for index, business in enumerate(created):
        if index % 3 == 0:
            verify_business(business, by=admin)
        elif index % 17 == 0:
            reject_business(business, reason="Foto produk dan alamat usaha belum lengkap.", by=admin)
    return len(created)
