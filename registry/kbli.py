"""KBLI 2020 categories (Peraturan BPS 2/2020): the letter each two-digit golongan pokok belongs to.

Only KBLI 2020 codes are mapped: KBLI 2025 (Peraturan BPS 7/2025) moved codes between categories, so its
codes are counted apart rather than given a letter they may not have.
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# (letter, title, first golongan pokok, last golongan pokok)
SECTIONS_2020 = [
    ("A", _("Pertanian, kehutanan dan perikanan"), "01", "03"),
    ("B", _("Pertambangan dan penggalian"), "05", "09"),
    ("C", _("Industri pengolahan"), "10", "33"),
    ("D", _("Pengadaan listrik dan gas"), "35", "35"),
    ("E", _("Pengelolaan air, limbah dan sampah"), "36", "39"),
    ("F", _("Konstruksi"), "41", "43"),
    ("G", _("Perdagangan besar dan eceran; reparasi kendaraan"), "45", "47"),
    ("H", _("Pengangkutan dan pergudangan"), "49", "53"),
    ("I", _("Penyediaan akomodasi dan makan minum"), "55", "56"),
    ("J", _("Informasi dan komunikasi"), "58", "63"),
    ("K", _("Aktivitas keuangan dan asuransi"), "64", "66"),
    ("L", _("Real estat"), "68", "68"),
    ("M", _("Aktivitas profesional, ilmiah dan teknis"), "69", "75"),
    ("N", _("Penyewaan, ketenagakerjaan, agen perjalanan dan penunjang usaha"), "77", "82"),
    ("O", _("Administrasi pemerintahan"), "84", "84"),
    ("P", _("Pendidikan"), "85", "85"),
    ("Q", _("Kesehatan dan kegiatan sosial"), "86", "88"),
    ("R", _("Kesenian, hiburan dan rekreasi"), "90", "93"),
    ("S", _("Aktivitas jasa lainnya"), "94", "96"),
    ("T", _("Rumah tangga sebagai pemberi kerja"), "97", "98"),
    ("U", _("Badan internasional"), "99", "99"),
]
# Buckets for codes without a KBLI 2020 letter; each is shown as its own line, never dropped.
UNCODED = "belum"
KBLI_2025 = "kbli2025"
UNMAPPED = "lain"

SECTION_CHOICES = [
    *[(letter, format_lazy("{}. {}", letter, title)) for letter, title, _, _ in SECTIONS_2020],
    (KBLI_2025, _("KBLI 2025 (kategori belum dipetakan)")),
    (UNMAPPED, _("Kode KBLI 2020 tidak dikenal")),
    (UNCODED, _("Belum ada kode KBLI")),
]
SECTION_LABELS = dict(SECTION_CHOICES)


def section_of(code, version="2020"):
    """Return the bucket of one KBLI code: its 2020 letter, or one of the buckets above."""
    if not code:
        return UNCODED
    if version != "2020":
        return KBLI_2025
    division = code[:2]
    for letter, _title, first, last in SECTIONS_2020:
        if first <= division <= last:
            return letter
    return UNMAPPED
