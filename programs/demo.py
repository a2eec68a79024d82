"""The programs' part of the demo data: banks, their liaison officers, and referrals to them."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from faker import Faker

from programs.models import Bank, BankOfficer, BankReferral
from registry import roles
from registry.demo import DEMO_PASSWORD

# (short name, name, where it serves: "*" all of Indonesia, a province code "35" or a kabupaten code "35.15")
DEMO_BANKS = [
    ("BRI", "PT Bank Rakyat Indonesia (Persero) Tbk", ["*"]),
    ("Bank Jatim", "PT Bank Pembangunan Daerah Jawa Timur Tbk", ["35"]),
    ("Bank Jateng", "PT Bank Pembangunan Daerah Jawa Tengah", ["33"]),
    ("BPR Delta Artha", "PT BPR Delta Artha Sidoarjo", ["35.15"]),
    ("BPR BKK Blora", "PT BPR BKK Blora (Perseroda)", ["33.16"]),
    ("BSI", "PT Bank Syariah Indonesia Tbk", ["*"]),
]
# username: (bank, the kabupaten of a branch's officer, or None for the bank's whole service area)
DEMO_BANK_OFFICERS = {
    "bank.bri": ("BRI", None),
    "bank.jatim": ("Bank Jatim", None),
    "bank.jateng": ("Bank Jateng", None),
    "bank.deltaartha": ("BPR Delta Artha", None),
    "bank.bkkblora": ("BPR BKK Blora", "33.16"),
    "bank.bsi": ("BSI", None),
}


@transaction.atomic
def load_demo_banks(seed=2026):
    """Create the demo banks with the areas they serve, and a liaison officer for every one. Idempotent."""
    from registry.models import Kabupaten, Provinsi

    fake = Faker("id_ID")
    fake.seed_instance(seed + 1)
    for short_name, name, areas in DEMO_BANKS:
        bank, _ = Bank.objects.update_or_create(
            short_name=short_name, defaults={"name": name, "nationwide": "*" in areas}
        )
        bank.provinces.set(Provinsi.objects.filter(code__in=areas))
        bank.kabupaten.set(Kabupaten.objects.filter(code__in=areas))
    group = Group.objects.get(name=roles.group_name(roles.BANK))
    for username, (short_name, kabupaten) in DEMO_BANK_OFFICERS.items():
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": fake.first_name(), "last_name": fake.last_name()}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(group)
        BankOfficer.objects.get_or_create(
            user=user, defaults={"bank": Bank.objects.get(short_name=short_name), "kabupaten_id": kabupaten}
        )


def demo_bank_logins():
    """Return (role label, username, bank and the kabupaten of a branch) for the demo bank officers that exist."""
    officers = BankOfficer.objects.filter(user__username__in=DEMO_BANK_OFFICERS).select_related(
        "user", "bank", "kabupaten"
    )
    return [
        (
            roles.ROLE_LABELS[roles.BANK],
            o.user.username,
            f"{o.bank.short_name} ({o.kabupaten.name})" if o.kabupaten else o.bank.short_name,
        )
        for o in officers.order_by("user__username")
    ]


@transaction.atomic
def load_demo_referrals():
    """Refer some verified demo members to the demo banks and move them along the workflow. Idempotent."""
    from programs.services import move_referral, refer_to_bank
    from registry.models import Business

    if BankReferral.objects.exists():
        return 0
    officers = {o.bank.short_name: o.user for o in BankOfficer.objects.select_related("bank", "user")}
    banks = {b.short_name: b for b in Bank.objects.all()}
    verified = Business.objects.verified().filter(status=Business.Status.ACTIVE).order_by("pk")
    plan = [
        ("BRI", "kur_mikro", 50_000_000, ["dikirim", "diproses", "disetujui", "dicairkan"]),
        ("BRI", "kur_super_mikro", 10_000_000, ["dikirim"]),
        ("Bank Jatim", "kur_mikro", 75_000_000, ["dikirim", "diproses", "ditolak"]),
        ("BRI", "kur_kecil", 150_000_000, []),
        ("Bank Jatim", "kur_super_mikro", 8_000_000, ["dikirim", "diproses"]),
    ]
    count = 0
    for business, (bank_name, product, amount, steps) in zip(verified, plan * 3, strict=False):
        by = business.registered_by or get_user_model().objects.get(username="admin")
        if not business.kecamatan_id.startswith("35."):  # Bank Jatim serves Jawa Timur; Blora has its own BPR
            bank_name = "BPR BKK Blora" if bank_name == "Bank Jatim" else bank_name
        referral = refer_to_bank(
            business,
            bank=banks[bank_name],
            credit_product=product,
            amount=amount,
            purpose="Tambahan modal bahan baku dan kemasan",
            by=by,
        )
        for step in steps:
            actor = by if step == "dikirim" else officers[bank_name]
            move_referral(
                referral,
                to_status=step,
                by=actor,
                note="Agunan belum memadai" if step == "ditolak" else "",
                amount=amount if step in ("disetujui", "dicairkan") else None,
                on=timezone.localdate() if step == "dicairkan" else None,
            )
        count += 1
    return count


@transaction.atomic
def load_demo_trainings():
    """Sumenep's home-industry training (held, with attendance and graduates), Sidoarjo's packaging
    training (upcoming, with nominations waiting) and Blora's (upcoming, without coordinators: the dinas
    nominates). Idempotent."""
    from programs.models import Attendance, Enrollment, Mentor, Training, TrainingSession, new_certificate_code
    from registry.models import Business, Kabupaten

    if Training.objects.exists():
        return 0
    users = get_user_model().objects
    today = timezone.localdate()
    mentors = [
        Mentor.objects.create(
            name="Dr. Rina Kusumawati", affiliation="universitas", institution="Universitas Trunojoyo Madura"
        ),
        Mentor.objects.create(
            name="Bambang Setiawan", affiliation="industri", institution="Asosiasi Pengusaha Kemasan Jatim"
        ),
    ]
    held = Training.objects.create(
        kabupaten=Kabupaten.objects.get(pk="35.29"),
        organiser="Dinas Koperasi dan UKM Kabupaten Sumenep",
        title="Pelatihan Industri Rumahan",
        kind="industri_rumahan",
        description="Pemulihan ekonomi melalui industri rumahan, bersama Disperindag.",
        venue="Aula Dinas Koperasi dan UKM Sumenep",
        start_on=today - datetime.timedelta(days=40),
        end_on=today - datetime.timedelta(days=39),
        capacity=30,
        signatory_name="Drs. Moh. Ramli, M.Si.",
        signatory_title="Kepala Dinas Koperasi dan UKM",
        signatory_nip="197003151995031004",
        created_by=users.get(username="dinas.sumenep"),
    )
    held.mentors.set(mentors)
    sessions = [
        TrainingSession.objects.create(training=held, on=held.start_on, topic="Produksi pangan olahan yang aman"),
        TrainingSession.objects.create(training=held, on=held.end_on, topic="Kemasan, label, dan P-IRT"),
    ]
    coordinator, dinas = users.get(username="koordinator.dasuk"), users.get(username="dinas.sumenep")
    for index, business in enumerate(Business.objects.filter(kecamatan__kabupaten="35.29").order_by("pk")[:8]):
        enrollment = Enrollment.objects.create(
            training=held,
            business=business,
            nominated_by=coordinator,
            status="dikonfirmasi",
            decided_by=dinas,
            decided_at=timezone.now(),
            pre_score=50 + index * 3,
            post_score=70 + index * 3 if index < 6 else None,
            completed_at=timezone.now() if index < 6 else None,
            certificate_code=new_certificate_code() if index < 6 else "",
        )
        for number, session in enumerate(sessions):
            Attendance.objects.create(
                enrollment=enrollment, session=session, present=index < 6 or number == 0, marked_by=dinas
            )
    upcoming = Training.objects.create(
        kabupaten=Kabupaten.objects.get(pk="35.15"),
        organiser="Dinas Koperasi dan UMKM Kabupaten Sidoarjo",
        title="Kemasan dan Label untuk Pasar Modern",
        kind="kemasan",
        venue="Pendopo Kecamatan Balongbendo",
        start_on=today + datetime.timedelta(days=14),
        end_on=today + datetime.timedelta(days=15),
        capacity=20,
        created_by=users.get(username="dinas.sidoarjo"),
    )
    upcoming.mentors.set(mentors[1:])
    TrainingSession.objects.create(training=upcoming, on=upcoming.start_on, topic="Desain kemasan")
    TrainingSession.objects.create(training=upcoming, on=upcoming.end_on, topic="Label, barcode, dan izin edar")
    balongbendo = users.get(username="koordinator.balongbendo")
    for business in Business.objects.filter(kecamatan="35.15.12").order_by("pk")[:4]:
        Enrollment.objects.create(training=upcoming, business=business, nominated_by=balongbendo)
    # A finished training of 2024, so the impact page has sales of the year before (2023) and after (2025).
    past = Training.objects.create(
        kabupaten=Kabupaten.objects.get(pk="35.15"),
        organiser="Dinas Koperasi dan UMKM Kabupaten Sidoarjo",
        title="Pemasaran Digital 2024",
        kind="pemasaran_digital",
        venue="Gedung UMKM Sidoarjo",
        start_on=datetime.date(2024, 6, 10),
        end_on=datetime.date(2024, 6, 11),
        capacity=25,
        signatory_name="Dra. Endang Sulistyowati, M.Si.",
        signatory_title="Kepala Dinas Koperasi dan Usaha Mikro",
        signatory_nip="196805121994032007",
        created_by=users.get(username="dinas.sidoarjo"),
    )
    past_session = TrainingSession.objects.create(training=past, on=past.start_on, topic="Berjualan di marketplace")
    sidoarjo_dinas = users.get(username="dinas.sidoarjo")
    nominated = timezone.make_aware(datetime.datetime(2024, 5, 20, 9, 0))
    for business in Business.objects.filter(kecamatan__kabupaten="35.15").order_by("-pk")[:10]:
        enrollment = Enrollment.objects.create(
            training=past,
            business=business,
            nominated_by=sidoarjo_dinas,
            status="dikonfirmasi",
            decided_by=sidoarjo_dinas,
            decided_at=nominated,
            completed_at=timezone.make_aware(datetime.datetime(2024, 6, 11, 16, 0)),
            certificate_code=new_certificate_code(),
        )
        Attendance.objects.create(enrollment=enrollment, session=past_session, present=True, marked_by=sidoarjo_dinas)
    Enrollment.objects.filter(training=past).update(nominated_at=nominated)
    # Blora has no coordinator accounts: its dinas nominates its own members.
    blora = Training.objects.create(
        kabupaten=Kabupaten.objects.get(pk="33.16"),
        organiser="Dinas Perdagangan, Koperasi dan UKM Kabupaten Blora",
        title="Pemasaran Digital Kerajinan Jati",
        kind="pemasaran_digital",
        venue="Aula Dinas Perdagangan, Koperasi dan UKM Blora",
        start_on=today + datetime.timedelta(days=21),
        end_on=today + datetime.timedelta(days=21),
        capacity=25,
        created_by=users.get(username="dinas.blora"),
    )
    TrainingSession.objects.create(training=blora, on=blora.start_on, topic="Foto produk dan toko daring")
    return 4


@transaction.atomic
def load_demo_curation():
    """Sumenep's call for modern retail (Indomaret and Alfamart): products submitted, scored, decided, placed;
    and Blora's open call for souvenir shops, where its dinas submits its members' products."""
    from programs.models import CurationCall, CurationCriterion
    from programs.services import (
        decide_submission,
        missing_documents,
        open_curation_call,
        place_product,
        score_submission,
        submit_to_curation,
    )
    from registry.models import Kabupaten, Product

    if CurationCall.objects.exists():
        return 0
    users = get_user_model().objects
    dinas = users.get(username="dinas.sumenep")
    today = timezone.localdate()
    call = open_curation_call(
        CurationCall(
            kabupaten=Kabupaten.objects.get(pk="35.29"),
            organiser="Dinas Koperasi dan UKM Kabupaten Sumenep",
            title="Kurasi Produk untuk Ritel Modern",
            channel="ritel_modern",
            partner="Indomaret dan Alfamart",
            opens_on=today - datetime.timedelta(days=30),
            closes_on=today + datetime.timedelta(days=30),
            required_documents=["nib"],
        ),
        criteria=[
            CurationCriterion(name="Kemasan", weight=2),
            CurationCriterion(name="Label dan legalitas", weight=2),
            CurationCriterion(name="Mutu produk", weight=3),
            CurationCriterion(name="Harga", weight=1),
        ],
        by=dinas,
    )
    criteria = list(call.criteria.all())
    products = Product.objects.filter(business__kecamatan__kabupaten="35.29", business__verification="terverifikasi")
    for index, product in enumerate(products.order_by("pk")[:8]):
        submission = submit_to_curation(call, product, by=product.business.registered_by or dinas)
        score_submission(submission, scores={c.pk: 3 + (index + c.pk) % 3 for c in criteria}, by=dinas)
        missing = missing_documents(product, call.required_documents)
        if not missing and index % 4 != 3:
            decide_submission(submission, decision="lolos", feedback="Siap masuk rak ritel modern.", by=dinas)
            retailer = ("Indomaret", "Alfamart")[index % 2]
            place_product(
                submission,
                channel="ritel_modern",
                retailer=retailer,
                partner=f"{retailer} Sumenep Kota",
                starts_on=today - datetime.timedelta(days=10),
                by=dinas,
            )
        elif missing:
            decide_submission(
                submission, decision="perbaikan", feedback="Lengkapi NIB dari OSS, lalu ajukan lagi.", by=dinas
            )
    open_curation_call(
        CurationCall(
            kabupaten=Kabupaten.objects.get(pk="33.16"),
            organiser="Dinas Perdagangan, Koperasi dan UKM Kabupaten Blora",
            title="Kurasi Kerajinan Jati untuk Pusat Oleh-oleh",
            channel="oleh_oleh",
            partner="Pusat oleh-oleh Blora",
            opens_on=today - datetime.timedelta(days=7),
            closes_on=today + datetime.timedelta(days=30),
        ),
        criteria=[CurationCriterion(name="Mutu pengerjaan", weight=3), CurationCriterion(name="Harga", weight=1)],
        by=users.get(username="dinas.blora"),
    )
    return 2


@transaction.atomic
def load_demo_exports():
    """Lamongan's facilitated exports of tenun ikat and konveksi, by country. Idempotent."""
    from programs.models import ExportFacilitation
    from registry.models import Business

    if ExportFacilitation.objects.exists():
        return 0
    dinas = get_user_model().objects.get(username="dinas.lamongan")
    year = timezone.localdate().year
    rows = [
        ("Tenun Ikat Paciran", "MY", "Kain Nusantara Sdn Bhd", 185_000_000),
        ("Tenun Ikat Paciran", "BN", "Bandar Textiles", 62_000_000),
        ("Konveksi Bintang Paciran", "KR", "Seoul Modest Wear", 240_000_000),
        ("Konveksi Bintang Paciran", "SA", "Al Noor Trading", 97_500_000),
    ]
    for name, country, buyer, value in rows:
        business = Business.objects.get(name=name)
        ExportFacilitation.objects.create(
            business=business,
            product=business.products.first(),
            year=year,
            country=country,
            buyer=buyer,
            value=value,
            organiser="Dinas Perindustrian dan Perdagangan Kabupaten Lamongan",
            created_by=dinas,
        )
    return len(rows)


# The public catalogue's demo: per kabupaten, a catalogue curation by its dinas, then consent and listings.
# (business name, price from, price to, minimum order, capacity per month, export-ready, English description)
DEMO_CATALOGUE = {
    "35.15": [
        (
            "Lumpia Bandeng Bu Ike",
            25000,
            30000,
            50,
            3000,
            True,
            "Milkfish spring rolls from Balongbendo, Sidoarjo: "
            "crisp rolls filled with deboned bandeng, a Sidoarjo speciality. Frozen packs keep for three months.",
        ),
        (
            "Sinom Wuluh Segar",
            8000,
            8000,
            100,
            5000,
            False,
            "Sinom, a traditional Javanese herbal drink of "
            "tamarind leaves and turmeric, with starfruit (belimbing wuluh).",
        ),
        ("Kerupuk Lele Balong", 15000, 18000, 50, 2000, False, "Catfish crackers, ready to fry."),
        ("Jenang Jagung Mbok Sri", 20000, 20000, 30, 800, False, ""),
    ],
    "35.29": [
        (
            "Mente Jelbudan Jaya",
            45000,
            52000,
            20,
            1500,
            True,
            "Roasted cashew nuts from Jelbudan, Dasuk, Sumenep "
            "(Madura), grown and shelled by the village's home producers.",
        ),
        ("Mente Sumekar", 120000, 135000, 10, 600, False, "Raw shelled cashew kernels from Sumenep, per kilogram."),
    ],
    "33.16": [
        (
            "Kerajinan Jati Blora",
            1500000,
            4500000,
            1,
            40,
            True,
            "Solid teak furniture and crafts from Blora, made from certified Perhutani teak.",
        ),
    ],
    "35.10": [
        (
            "Batik Gajah Oling Kabat",
            350000,
            900000,
            5,
            120,
            False,
            "Hand-drawn batik tulis with the Gajah Oling motif of Banyuwangi's Using people.",
        ),
        ("Souvenir Using Kabat", 10000, 15000, 100, 4000, False, ""),
    ],
    "35.24": [
        (
            "Tenun Ikat Paciran",
            275000,
            650000,
            10,
            300,
            True,
            "Hand-woven ikat sarongs from Paciran, Lamongan, "
            "dyed thread by thread before weaving; exported to Malaysia and Brunei.",
        ),
        (
            "Konveksi Bintang Paciran",
            85000,
            110000,
            100,
            5000,
            True,
            "School and office uniforms and modest wear, sewn to order in Paciran, Lamongan.",
        ),
    ],
}
DEMO_CATALOGUE_TITLE = "Kurasi Katalog Produk Unggulan"
DEMO_CONSENT_WITHDRAWN = "Jenang Jagung Mbok Sri"
DEMO_EXPIRED_CERTIFICATE = "Kerupuk Lele Balong"


@transaction.atomic
def load_demo_catalogue():
    """Each kabupaten's catalogue curation, its members' consent and listed products (photos where the demo
    members have them), a few export-ready; one business whose consent was withdrawn; one halal certificate
    expired (the catalogue hides it). Idempotent: skipped once the catalogue curations exist."""
    from programs.catalogue_services import list_product, record_consent, withdraw_consent
    from programs.models import Channel, CurationCall, CurationCriterion, Listing, ListingConsent
    from programs.services import decide_submission, open_curation_call, score_submission, submit_to_curation
    from registry.demo import DEMO_COORDINATORS, DEMO_DINAS
    from registry.models import Business, Kabupaten, LegalDocument

    if CurationCall.objects.filter(title=DEMO_CATALOGUE_TITLE).exists():
        return 0
    users = get_user_model().objects
    today = timezone.localdate()
    dinas_of = {code: users.get(username=username) for username, code in DEMO_DINAS.items()}
    coordinator_of = {code: users.get(username=username) for username, code in DEMO_COORDINATORS.items()}
    listed = 0
    for kabupaten_code, rows in DEMO_CATALOGUE.items():
        dinas = dinas_of[kabupaten_code]
        kabupaten = Kabupaten.objects.get(pk=kabupaten_code)
        call = open_curation_call(
            CurationCall(
                kabupaten=kabupaten,
                organiser=f"Dinas Koperasi dan UMKM {kabupaten.name}",
                title=DEMO_CATALOGUE_TITLE,
                channel=Channel.EXPORT if kabupaten_code in ("35.24", "33.16") else Channel.SOUVENIR,
                partner="Katalog publik portal UMKM",
                opens_on=today - datetime.timedelta(days=45),
                closes_on=today + datetime.timedelta(days=45),
            ),
            criteria=[CurationCriterion(name="Mutu produk", weight=3), CurationCriterion(name="Kemasan", weight=2)],
            by=dinas,
        )
        criteria = list(call.criteria.all())
        for index, (name, low, high, minimum, capacity, export_ready, english) in enumerate(rows):
            business = Business.objects.filter(name=name).select_related("kecamatan").order_by("pk").first()
            if business is None or not business.products.exists():
                continue
            product = business.products.order_by("pk").first()
            submission = submit_to_curation(call, product, by=dinas)
            score_submission(submission, scores={c.pk: 4 + (index + c.pk) % 2 for c in criteria}, by=dinas)
            decide_submission(submission, decision="lolos", feedback="Layak tampil di katalog.", by=dinas)
            # The coordinator of the kecamatan records consent and lists; Blora has no coordinators.
            staff = coordinator_of.get(business.kecamatan_id, dinas)
            channel = ("portal", "whatsapp", "email")[index % 3]
            contact = {"portal": "", "whatsapp": f"0813{business.pk:08d}", "email": f"usaha{business.pk}@contoh.id"}
            consent = record_consent(
                business,
                ListingConsent(
                    show_price=True,
                    show_capacity=True,
                    show_address=index % 2 == 0,
                    contact_channel=channel,
                    contact=contact[channel],
                    evidence="Formulir persetujuan bertanda tangan, diarsipkan di kantor kecamatan",
                ),
                by=staff,
            )
            listing = list_product(
                product,
                Listing(
                    price_from=low,
                    price_to=high,
                    minimum_order=minimum,
                    capacity_per_month=capacity,
                    description_en=english,
                ),
                by=staff,
            )
            if export_ready:
                list_product(
                    product,
                    Listing(
                        **{
                            f: getattr(listing, f)
                            for f in ("price_from", "price_to", "minimum_order", "capacity_per_month", "description_en")
                        }
                    ),
                    by=dinas,
                    version=listing.version,
                    export_ready=True,
                )
            listed += 1
            if name == DEMO_CONSENT_WITHDRAWN:
                withdraw_consent(
                    consent, reason="Pemilik belum sanggup melayani pesanan besar", version=consent.version, by=staff
                )
            if name == DEMO_EXPIRED_CERTIFICATE:
                issued = today.replace(year=today.year - 4) - datetime.timedelta(days=40)
                LegalDocument.objects.create(
                    business=business,
                    kind=LegalDocument.Kind.HALAL,
                    number=f"ID{kabupaten_code.replace('.', '')}{business.pk:011d}",
                    issued_on=issued,
                    expires_on=today - datetime.timedelta(days=30),
                )
    return listed


@transaction.atomic
def load_demo_inquiries():
    """Buyers' inquiries at different stages: Balongbendo's lumpia bandeng (new, contacted, an order) and
    Lamongan's tenun ikat and konveksi (a sample sent, an export, one closed). Idempotent; no mail is sent."""
    from programs.inquiries import move_inquiry
    from programs.models import ExportFacilitation, Inquiry, InquiryStep
    from registry.models import Business

    if Inquiry.objects.filter(event__isnull=True).exists():  # the events add their own
        return 0
    users = get_user_model().objects
    now = timezone.now()
    # business, buyer (name, organisation, kind, e-mail), quantity, destination, country, days ago, moves
    rows = [
        (
            "Lumpia Bandeng Bu Ike",
            ("Rina Hartati", "Toko Oleh-oleh Sari Rasa", "toko", "rina@sarirasa.example"),
            200,
            "Surabaya",
            "ID",
            2,
            [],
        ),
        (
            "Lumpia Bandeng Bu Ike",
            ("Agus Santoso", "Hotel Delta Sidoarjo", "horeka", "agus@hoteldelta.example"),
            60,
            "Sidoarjo",
            "ID",
            9,
            [("dihubungi", {})],
        ),
        (
            "Lumpia Bandeng Bu Ike",
            ("Sri Wahyuni", "Bagian Umum Setda Sidoarjo", "instansi", "umum@setda.example"),
            150,
            "Sidoarjo",
            "ID",
            20,
            [("dihubungi", {}), ("pesanan", {"order_quantity": 150, "order_value": 3_750_000})],
        ),
        (
            "Tenun Ikat Paciran",
            ("Nur Aisyah", "Kain Nusantara Sdn Bhd", "eksportir", "buyer@kainnusantara.example"),
            300,
            "Kuala Lumpur",
            "MY",
            45,
            [
                ("dihubungi", {}),
                ("sampel", {}),
                ("pesanan", {"order_quantity": 300, "order_value": 185_000_000}),
                ("penempatan", {"export": "MY"}),
            ],
        ),
        (
            "Konveksi Bintang Paciran",
            ("Kim Min-jung", "Seoul Modest Wear", "eksportir", "kim@modestwear.example"),
            500,
            "Seoul",
            "KR",
            12,
            [("dihubungi", {}), ("sampel", {})],
        ),
        (
            "Tenun Ikat Paciran",
            ("Budi Prakoso", "Galeri Batik Gresik", "toko", "budi@galeri.example"),
            20,
            "Gresik",
            "ID",
            30,
            [("dihubungi", {}), ("ditutup", {"close_reason": "harga"})],
        ),
    ]
    made = 0
    for name, (buyer, organisation, kind, email), quantity, destination, country, days, moves in rows:
        business = Business.objects.filter(name=name).select_related("kecamatan").first()
        if business is None:
            continue
        staff = users.filter(groups__name__in=[roles.group_name(roles.COORDINATOR), roles.group_name(roles.DINAS)])
        coordinator = (
            staff.filter(area_assignments__kecamatan=business.kecamatan_id).order_by("pk").first()
            or staff.filter(area_assignments__kabupaten=business.kecamatan.kabupaten_id).order_by("pk").first()
        )
        inquiry = Inquiry(
            business=business,
            product=business.products.order_by("pk").first(),
            buyer_name=buyer,
            buyer_organisation=organisation,
            buyer_kind=kind,
            buyer_email=email,
            quantity=quantity,
            destination=destination,
            destination_country=country,
            message="Mohon info harga grosir dan waktu produksi.",
        )
        inquiry.new_token()
        inquiry.save()
        Inquiry.objects.filter(pk=inquiry.pk).update(created_at=now - datetime.timedelta(days=days))
        InquiryStep.objects.create(inquiry=inquiry, status="baru")
        for status, details in moves:
            if "export" in details:
                details = {
                    "export": ExportFacilitation.objects.filter(business=business, country=details["export"]).first()
                }
                if details["export"] is None:
                    break
            inquiry = move_inquiry(inquiry, to_status=status, by=coordinator, version=None, **details)
        made += 1
    return made


def load_demo_events():
    """Blora's "belanja produk lokal" for civil servants, where offices order parcels (their orders are buyer
    inquiries at the event), held with booths and sales; Sumenep's anniversary exhibition, held, with sales;
    and Lamongan's coming exhibition, booths given, sales not yet. Idempotent."""
    from decimal import Decimal

    from programs.models import EventBooth, Inquiry, InquiryStep, MarketEvent
    from registry.models import Business, Kabupaten

    if MarketEvent.objects.exists():
        return 0
    users = get_user_model().objects
    today = timezone.localdate()
    now = timezone.now()

    def event(kabupaten, dinas, sold, **fields):
        made = MarketEvent.objects.create(
            kabupaten=Kabupaten.objects.get(pk=kabupaten), created_by=users.get(username=dinas), **fields
        )
        by = users.get(username=dinas)
        first = ["Kerajinan Jati Blora", "Mente Jelbudan Jaya", "Mente Sumekar", "Tenun Ikat Paciran"]
        active = Business.objects.filter(kecamatan__kabupaten=kabupaten, status=Business.Status.ACTIVE).only(
            "pk", "name"
        )
        members = [*active.filter(name__in=first).order_by("name"), *active.exclude(name__in=first).order_by("name")]
        for number, (business, amount) in enumerate(zip(members, sold, strict=False), start=1):
            EventBooth.objects.create(
                event=made,
                business=business,
                booth=f"{'ABC'[(number - 1) // 4]}{(number - 1) % 4 + 1}",
                sales=None if amount is None else Decimal(amount),
                transactions=None if amount is None else max(1, amount // 85_000),
                sales_recorded_by=None if amount is None else by,
                sales_recorded_at=None if amount is None else now,
            )
        return made

    blora = event(
        "33.16",
        "dinas.blora",
        [18_500_000, 7_250_000, 4_100_000, 3_600_000, 2_450_000, 1_900_000],
        name="Belanja Produk Lokal ASN Blora",
        kind=MarketEvent.Kind.BUY_LOCAL,
        place="Halaman Kantor Bupati Blora",
        starts_on=today - datetime.timedelta(days=24),
        ends_on=today - datetime.timedelta(days=23),
        organiser="Dinas Perdagangan, Koperasi dan UKM Kabupaten Blora",
        note="Aparatur sipil dan kantor-kantor membeli produk UMKM Blora, termasuk parsel Lebaran.",
    )
    dinas_blora = users.get(username="dinas.blora")
    teak = blora.booths.select_related("business").first().business
    for organisation, quantity, value, status in [
        ("Sekretariat Daerah Kabupaten Blora", 120, 30_000_000, Inquiry.Status.ORDER),
        ("Dinas Kesehatan Kabupaten Blora", 45, None, Inquiry.Status.CONTACTED),
    ]:
        inquiry = Inquiry(
            business=teak,
            product=teak.products.first(),
            event=blora,
            source=Inquiry.Source.EVENT,
            buyer_name="Bagian Umum",
            buyer_organisation=organisation,
            buyer_kind=Inquiry.BuyerKind.OFFICE,
            buyer_email=f"umum.{quantity}@example.org",
            quantity=quantity,
            destination="Blora",
            status=status,
            first_contact_at=now,
            order_quantity=quantity if value else None,
            order_value=value,
            ordered_at=now if value else None,
            created_by=dinas_blora,
        )
        inquiry.new_token()
        inquiry.save()
        InquiryStep.objects.create(inquiry=inquiry, status=status, note="Pesanan parsel di acara", by=dinas_blora)
    event(
        "35.29",
        "dinas.sumenep",
        [12_750_000, 9_800_000, 3_250_000, 2_100_000, 1_450_000],
        name="Pameran UMKM Hari Jadi Sumenep",
        kind=MarketEvent.Kind.EXHIBITION,
        place="Taman Bunga Adipura Sumenep",
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today - datetime.timedelta(days=56),
        organiser="Dinas Koperasi dan UKM Kabupaten Sumenep",
    )
    event(
        "35.24",
        "dinas.lamongan",
        [None, None, None, None],
        name="Pameran Produk Unggulan Lamongan",
        kind=MarketEvent.Kind.EXHIBITION,
        place="Gedung Pemuda Lamongan",
        starts_on=today + datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=32),
        organiser="Dinas Perindustrian dan Perdagangan Kabupaten Lamongan",
    )
    return 3
