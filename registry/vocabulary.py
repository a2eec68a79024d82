"""Read the words of imported sheets into the portal's values: education, sex, disability, legal form, size, category.

The importer meets three vocabularies: the national SIDT extract (the 49-column CSV described in
REFERENCE.md, whose values follow the ingest script's cleaning notes), the Dukcapil labels its
`pendidikan_formal` column copies from the KTP register (TIDAK/BELUM SEKOLAH ... STRATA III), and the
words people type in a dinas Excel sheet ("SMA/SMK", "pr", "Usaha Dagang", "konveksi"). The portal's own
labels are read too, so its exports come back in.

Every function takes one cell's text. Blank text (or text with no letter or digit, like "-") gives the
blank value; text it does not know raises ValueError, which the importer turns into a warning on the row.
No other exception escapes, whatever the text. kbli_code() alone never raises: it returns a warning.
"""

import re
import unicodedata

from registry.kbli import SECTIONS_2020
from registry.models import Business, Category, Owner
from registry.sizing import SizeClass

FIRMA = Business.LegalForm.FIRMA

#
# Normalising
#


def _words(text):
    """Lower case without accents, other characters one space: "Tamat  SD/Sederajat" -> "tamat sd sederajat"."""
    plain = str(text or "")
    if not plain.isascii():  # most cells are: only the others need their accents taken off
        plain = "".join(char for char in unicodedata.normalize("NFKD", plain) if not unicodedata.combining(char))
    plain = plain.lower()
    return " ".join(_NOT_WORD.sub(" ", plain).split())


_NOT_WORD = re.compile(r"[^a-z0-9]+")


def _key(text):
    """_words() without spaces, so "S-1", "S 1" and "S1", or "P.T." and "PT", are one key."""
    return _words(text).replace(" ", "")


def _keys(mapping):
    return {_key(label): value for label, value in mapping.items()}


def _choices(choices):
    """The portal's own labels and stored values, so an export of the portal reads back unchanged."""
    return {_key(label): value for value, label in choices} | {_key(value): value for value, _ in choices}


# Written in sheets for "we do not know"; read as blank rather than as an error.
_UNKNOWN = _keys(dict.fromkeys(["n/a", "na", "tidak diketahui", "tidak tahu", "tdk diketahui", "belum diketahui"]))


def _lookup(text, table, what):
    key = _key(text)
    if not key or key in _UNKNOWN:
        return None
    if key in table:
        return table[key]
    raise ValueError(f"{what} tidak dikenali: {_quote(text)}.")


def _quote(text, limit=20):
    shown = " ".join(str(text).split())
    return f'"{shown[:limit]}…"' if len(shown) > limit else f'"{shown}"'


#
# Owner
#

_EDUCATION = _choices(Owner.Education.choices) | _keys(
    {
        # Dukcapil labels, as the KTP register and the SIDT extract write them.
        "TIDAK/BELUM SEKOLAH": "none",
        # Did not finish SD: no level was completed, so the highest finished level is none.
        "BELUM TAMAT SD/SEDERAJAT": "none",
        "TAMAT SD/SEDERAJAT": "sd",
        "SLTP/SEDERAJAT": "smp",
        "SLTA/SEDERAJAT": "sma",
        "DIPLOMA I/II": "diploma",
        "AKADEMI/DIPLOMA III/S. MUDA": "diploma",
        "DIPLOMA IV/STRATA I": "s1",
        "STRATA II": "s2",
        "STRATA III": "s3",
        # Short forms and what people type. Paket A/B/C are the equivalency exams for SD/SMP/SMA.
        "tidak sekolah": "none",
        "belum sekolah": "none",
        "tidak tamat SD": "none",
        "belum tamat SD": "none",
        "SD": "sd",
        "tamat SD": "sd",
        "MI": "sd",
        "SD/MI": "sd",
        "Paket A": "sd",
        "SMP": "smp",
        "SLTP": "smp",
        "MTs": "smp",
        "SMP/MTs": "smp",
        "Paket B": "smp",
        "SMA": "sma",
        "SMU": "sma",
        "SMK": "sma",
        "MA": "sma",
        "STM": "sma",
        "SMEA": "sma",
        "SLTA": "sma",
        "SMA/SMK": "sma",
        "SMA/MA": "sma",
        "Paket C": "sma",
        "D1": "diploma",
        "D2": "diploma",
        "D3": "diploma",
        "D I": "diploma",
        "D II": "diploma",
        "D III": "diploma",
        "Diploma": "diploma",
        "Diploma I": "diploma",
        "Diploma II": "diploma",
        "Diploma III": "diploma",
        "Akademi": "diploma",
        "Sarjana Muda": "diploma",
        "D4": "s1",
        "D IV": "s1",
        "Diploma IV": "s1",
        "S1": "s1",
        "Strata I": "s1",
        "Sarjana": "s1",
        "S2": "s2",
        "Magister": "s2",
        "Master": "s2",
        "S3": "s3",
        "Doktor": "s3",
        "Doktoral": "s3",
    }
)

# Numbers (1/2) are refused: sheets disagree on which sex is 1.
_SEX = _choices(Owner.Sex.choices) | _keys(
    {
        "laki-laki": "L",
        "laki": "L",
        "lk": "L",
        "l": "L",
        "pria": "L",
        "male": "L",
        "m": "L",
        "perempuan": "P",
        "wanita": "P",
        "pr": "P",
        "p": "P",
        "female": "P",
        "f": "P",
        "w": "P",
    }
)

_DISABILITY = _keys(
    {
        "1": True,
        "ya": True,
        "y": True,
        "yes": True,
        "true": True,
        "penyandang disabilitas": True,
        "disabilitas": True,
        "0": False,
        "tidak": False,
        "t": False,
        "n": False,
        "no": False,
        "false": False,
        "non disabilitas": False,
        "bukan disabilitas": False,
        "tidak disabilitas": False,
        "tidak ada": False,
    }
)


def education(text):
    """Return the Owner.Education value of a Dukcapil label, short form or portal label; raise ValueError if unknown."""
    return _lookup(text, _EDUCATION, "Pendidikan") or ""


def sex(text):
    """Return "L" or "P" ("" for blank); raise ValueError for anything else, numbers included."""
    return _lookup(text, _SEX, "Jenis kelamin") or ""


def disability(text):
    """Return True or False, None for blank or unknown ("-", "n/a", "tidak diketahui"); raise ValueError if unknown."""
    return _lookup(text, _DISABILITY, "Isian disabilitas")


#
# Business
#

_LEGAL_FORM = _choices(Business.LegalForm.choices) | _keys(
    {
        "perseorangan": "perorangan",
        "usaha perorangan": "perorangan",
        "usaha perseorangan": "perorangan",
        "orang perseorangan": "perorangan",
        "usaha dagang": "ud",
        "persekutuan komanditer": "cv",
        "perseroan terbatas": "pt",
        "PT perseorangan": "pt_perorangan",
        "perseroan perorangan": "pt_perorangan",
        "perseroan perseorangan": "pt_perorangan",
        "kop": "koperasi",
        "firma": FIRMA,
        "fa": FIRMA,
        "persekutuan firma": FIRMA,
        "lain-lain": "lainnya",
        "lain": "lainnya",
    }
)


def legal_form(text):
    """Return the Business.LegalForm value (or "firma"); raise ValueError if the form is not known."""
    return _lookup(text, _LEGAL_FORM, "Bentuk usaha") or ""


def size_class(text):
    """Return the SizeClass named in the text ("Usaha Mikro", "MIKRO"); raise ValueError unless exactly one is named."""
    plain = _key(text)
    if not plain or plain in _UNKNOWN:
        return ""
    named = [value for value in SizeClass.values if value in plain]
    if len(named) != 1:
        raise ValueError(f"Skala usaha tidak dikenali: {_quote(text)}; isi Mikro, Kecil, Menengah atau Besar.")
    return named[0]


#
# Category
#

# Most specific prefix wins; a prefix given as the code takes the rule of its own level ("1313" is not batik,
# only 13134 is). Titles from KBLI 2020 (Peraturan BPS 2/2020), checked against the published summary.
_KBLI_CATEGORY = {
    # Kategori A, golongan pokok 01-03: pertanian, kehutanan, perikanan.
    "01": Category.AGRO,
    "02": Category.AGRO,
    "03": Category.AGRO,
    # Kategori B, 05-09: pertambangan dan penggalian, no simple category.
    **dict.fromkeys(["05", "06", "07", "08", "09"], Category.LAINNYA),
    # Kategori C: manufacturing not named below (tobacco, chemicals, metal, machines...) has no simple category.
    **{f"{division}": Category.LAINNYA for division in range(10, 34)},
    "10": Category.MAKANAN,  # 10 Industri makanan
    "11": Category.MINUMAN,  # 11 Industri minuman
    "1312": Category.BATIK,  # 1312 Pertenunan: kain tenun (13121, 13122 tenun ikat)
    "13134": Category.BATIK,  # 13134 Industri batik
    "14": Category.FESYEN,  # 14 Industri pakaian jadi
    "15": Category.FESYEN,  # 15 Industri kulit, barang dari kulit dan alas kaki
    "16": Category.KERAJINAN,  # 16 Industri kayu, barang dari kayu dan gabus, anyaman bambu dan rotan
    "18": Category.JASA,  # 18 Industri pencetakan: a percetakan or sablon works to order, a service to its buyers
    # 22 is rubber and plastic goods; keramik and gerabah are 23 Industri barang galian bukan logam.
    "23": Category.KERAJINAN,
    "31": Category.KERAJINAN,  # 31 Industri furnitur
    "32": Category.KERAJINAN,  # 32 Industri pengolahan lainnya: perhiasan, alat musik, mainan
    "325": Category.LAINNYA,  # 325 Industri peralatan kedokteran dan kedokteran gigi
    "33": Category.JASA,  # 33 Reparasi dan pemasangan mesin dan peralatan
    # Kategori G, 45-47: perdagangan besar dan eceran; but 452 is reparasi dan perawatan mobil (a bengkel).
    "45": Category.PERDAGANGAN,
    "452": Category.JASA,
    "46": Category.PERDAGANGAN,
    "47": Category.PERDAGANGAN,
    # Kategori I: 55 akomodasi is a service; 56 penyediaan makan minum is kuliner, 563 penyediaan minuman.
    "55": Category.JASA,
    "56": Category.MAKANAN,
    "563": Category.MINUMAN,
}
# Every other KBLI 2020 category (D-F, H-U: utilities, construction, transport, services) is jasa.
_KBLI_CATEGORY |= {
    f"{division:02d}": Category.JASA
    for letter, _, first, last in SECTIONS_2020
    if letter not in "ABCGI"
    for division in range(int(first), int(last) + 1)
}

_CATEGORY_WORDS = {
    Category.MAKANAN: ["kuliner", "makanan", "makanan ringan", "food", "snack", "kue", "catering", "katering"],
    Category.MINUMAN: ["minuman", "kopi", "jamu", "teh", "drink", "beverage"],
    Category.FESYEN: ["fashion", "fesyen", "konveksi", "pakaian", "busana", "garmen", "jahit", "menjahit", "penjahit"],
    Category.BATIK: ["batik", "tenun", "tenunan", "songket"],
    Category.KERAJINAN: ["kerajinan", "kriya", "craft", "anyaman", "handicraft", "souvenir", "suvenir"],
    Category.AGRO: ["pertanian", "perikanan", "peternakan", "perkebunan", "agro", "agribisnis", "tambak"],
    Category.JASA: ["jasa", "bengkel", "salon", "laundry", "servis", "service"],
    Category.PERDAGANGAN: ["perdagangan", "dagang", "pedagang", "toko", "kelontong", "retail", "ritel", "reseller"],
    Category.LAINNYA: ["lainnya", "lain lain"],
}
_CATEGORY_PHRASES = {_words(word): category for category, words in _CATEGORY_WORDS.items() for word in words}
# The portal's own values; its labels ("Batik dan tenun") are made of the words above.
_CATEGORY_PHRASES |= {value: value for value in Category.values}


def category_from_kbli(code):
    """Return the Category of a KBLI 2020 code or its 2-4 digit prefix ("" for blank); raise ValueError if invalid."""
    code = str(code or "").strip()
    if not code:
        return ""
    if not re.fullmatch(r"[0-9]{2,5}", code):
        raise ValueError(f"Kode KBLI tidak dikenali: {_quote(code)}.")
    for length in range(len(code), 1, -1):
        if code[:length] in _KBLI_CATEGORY:
            return _KBLI_CATEGORY[code[:length]]
    raise ValueError(f"Kode KBLI {code} tidak ada di KBLI 2020.")


def category_from_words(text):
    """Return the Category a category column or description names, whole words only ("" for blank).

    Raise ValueError when no category word is found, or when words of two categories are (a "toko kue" may be
    a shop or a bakery: the importer warns rather than guessing). "Lainnya" counts only when alone.
    """
    words = _words(text)
    if not words or words.replace(" ", "") in _UNKNOWN:
        return ""
    padded = f" {words} "
    found = {category for phrase, category in _CATEGORY_PHRASES.items() if f" {phrase} " in padded}
    if len(found) > 1:
        found.discard(Category.LAINNYA)
    if len(found) == 1:
        return found.pop()
    if not found:
        raise ValueError(f"Kategori usaha tidak dikenali: {_quote(text)}.")
    raise ValueError(f"Kategori usaha {_quote(text)} menyebut beberapa kategori ({', '.join(sorted(found))}).")


#
# KBLI codes and sections
#

# Distinctive words of each KBLI 2020 category title, for kategori_kbli cells written as the title alone:
# the full BPS titles ("PENGADAAN LISTRIK, GAS, UAP/AIR PANAS DAN UDARA DINGIN") and the short ones of
# registry.kbli both contain them, and no other title does.
_SECTION_WORDS = {
    "A": "pertanian",
    "B": "pertambangan",
    "C": "industri pengolahan",
    "D": "listrik",
    "E": "sampah",
    "F": "konstruksi",
    "G": "perdagangan",
    "H": "pergudangan",
    "I": "akomodasi",
    "J": "informasi dan komunikasi",
    "K": "keuangan",
    "L": "real estat",
    "M": "profesional",
    "N": "penyewaan",
    "O": "administrasi pemerintahan",
    "P": "pendidikan",
    "Q": "kesehatan",
    "R": "kesenian",
    "S": "jasa lainnya",
    "T": "rumah tangga",
    "U": "internasional",
}
_LETTERS = [letter for letter, _, _, _ in SECTIONS_2020]

# "10792", "C10792", "C.10792", "10792.0" (a number read by Excel), "10792 - Industri makanan ...".
_CODE = re.compile(
    r"(?:([A-Za-z])\s*[.:-]?\s*)?([0-9]+)(?:\.0+)?(?:(?:\s*[-\u2013\u2014:|/]\s*|\s+)(\D.*))?", re.DOTALL
)


def section_letter(text):
    """Return the KBLI 2020 category letter of a kategori_kbli cell ("C", "C - Industri Pengolahan", the title)."""
    words = _words(text)
    leading = re.match(r"(?:kategori )?([a-z])(?: |$)", words)
    if leading:
        letter = leading.group(1).upper()
        return letter if letter in _LETTERS else ""
    padded = f" {words} "
    named = [letter for letter, phrase in _SECTION_WORDS.items() if f" {phrase} " in padded]
    return named[0] if len(named) == 1 else ""


def kbli_code(text, section=""):
    """Return (5-digit KBLI code or "", warning in Indonesian or ""); never raises.

    A 4-digit code keeps its number when the category says a leading zero was lost (Excel drops it from
    "01410"); otherwise it is not stored, since a 4-digit KBLI is a subgolongan, not a licensable code.
    """
    raw = str(text or "").strip()
    if not re.search(r"[A-Za-z0-9]", raw):
        return "", ""
    match = _CODE.fullmatch(raw)
    # A second long number in the rest ("10792, 47111") leaves the main code unclear.
    if not match or re.search(r"[0-9]{4,}", match.group(3) or ""):
        return "", f"Kode KBLI {_quote(raw)} tidak dikenali; tidak disimpan."
    prefix, digits = match.group(1), match.group(2)
    if len(digits) == 5:
        return digits, ""
    if len(digits) != 4:
        return "", f"Kode KBLI {_quote(raw)} tidak dikenali; tidak disimpan."
    letter = section_letter(prefix) if prefix else section_letter(section)
    restored = f"0{digits}"
    if letter and _section_of_division(restored[:2]) == letter:
        return restored, f"Kode KBLI {digits} kehilangan angka 0 di depan; disimpan {restored}."
    return "", f"Kode KBLI {digits} hanya 4 digit (perlu 5 digit KBLI 2020); tidak disimpan."


def _section_of_division(division):
    for letter, _, first, last in SECTIONS_2020:
        if first <= division <= last:
            return letter
    return ""
