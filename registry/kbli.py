"""KBLI 2020 categories (Peraturan BPS 2/2020): the letter each two-digit golongan pokok belongs to.

Only KBLI 2020 codes are mapped: KBLI 2025 (Peraturan BPS 7/2025) moved codes between categories, so its
codes are counted apart rather than given a letter they may not have.
"""

# (letter, title, first golongan pokok, last golongan pokok)
SECTIONS_2020 = [
    ("A", "Pertanian, kehutanan dan perikanan", "01", "03"),
    ("B", "Pertambangan dan penggalian", "05", "09"),
    ("C", "Industri pengolahan", "10", "33"),
    ("D", "Pengadaan listrik dan gas", "35", "35"),
    ("E", "Pengelolaan air, limbah dan sampah", "36", "39"),
    ("F", "Konstruksi", "41", "43"),
    ("G", "Perdagangan besar dan eceran; reparasi kendaraan", "45", "47"),
    ("H", "Pengangkutan dan pergudangan", "49", "53"),
    ("I", "Penyediaan akomodasi dan makan minum", "55", "56"),
    ("J", "Informasi dan komunikasi", "58", "63"),
    ("K", "Aktivitas keuangan dan asuransi", "64", "66"),
    ("L", "Real estat", "68", "68"),
    ("M", "Aktivitas profesional, ilmiah dan teknis", "69", "75"),
    ("N", "Penyewaan, ketenagakerjaan, agen perjalanan dan penunjang usaha", "77", "82"),
    ("O", "Administrasi pemerintahan", "84", "84"),
    ("P", "Pendidikan", "85", "85"),
    ("Q", "Kesehatan dan kegiatan sosial", "86", "88"),
    ("R", "Kesenian, hiburan dan rekreasi", "90", "93"),
    ("S", "Aktivitas jasa lainnya", "94", "96"),
    ("T", "Rumah tangga sebagai pemberi kerja", "97", "98"),
    ("U", "Badan internasional", "99", "99"),
]
# Buckets for codes without a KBLI 2020 letter; each is shown as its own line, never dropped.
UNCODED = "belum"
KBLI_2025 = "kbli2025"
UNMAPPED = "lain"

SECTION_CHOICES = [
    *[(letter, f"{letter}. {title}") for letter, title, _, _ in SECTIONS_2020],
    (KBLI_2025, "KBLI 2025 (kategori belum dipetakan)"),
    (UNMAPPED, "Kode KBLI 2020 tidak dikenal"),
    (UNCODED, "Belum ada kode KBLI"),
]
SECTION_LABELS = dict(SECTION_CHOICES)


def section_of(code, version="2020"):
    """Return the bucket of one KBLI code: its 2020 letter, or one of the buckets above."""
    if not code:
        return UNCODED
    if version != "2020":
        return KBLI_2025
    division = code[:2]
    for letter, _, first, last in SECTIONS_2020:
        if first <= division <= last:
            return letter
    return UNMAPPED
