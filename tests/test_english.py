"""English everywhere a person reads (issue 18, item 8).

Every page of the access matrix that answers 200 to some role is rendered as that role with the language
switch on English; the text a person reads (tags stripped, plus titles, placeholders and labels for screen
readers, plus the JSON a chart is drawn from) must hold no Indonesian text of the English catalogue whose
translation differs from it. The Excel and PDF reports and the certificate are read the same way. And the
catalogue itself is complete: extracting the messages again leaves no untranslated and no fuzzy entry.
"""

import io
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from tests.test_access_matrix import MATRIX, ROLES, cast, matrix, objects  # noqa: F401 (fixtures used below)

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"

# Single Indonesian words are searched only from this list: a single word alone is often a name in the test
# data ("Kemasan", "Aula") or reads the same in English ("Status", "Total").
SINGLE_WORDS = {
    "Simpan",
    "Batal",
    "Ubah",
    "Hapus",
    "Kembali",
    "Tanggal",
    "Pemilik",
    "Alamat",
    "Keterangan",
    "Jumlah",
    "Tahun",
    "Bulan",
    "Laki-laki",
    "Perempuan",
    "Terverifikasi",
    "Ditolak",
    "Menunggu",
    "Dikirim",
    "Disetujui",
    "Dibatalkan",
    "Selesai",
    "Lulus",
    "Hadir",
    "Kategori",
    "Peserta",
    "Nilai",
    "Januari",
    "Februari",
    "Maret",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "Oktober",
    "Desember",
}

# "%(name)s", "%s", "{name}": a message's parts between them are searched, each on its own.
PLACEHOLDER = re.compile(r"%\([^)]*\)[sdf]|%[sdf]|\{[^}]*\}")


def _words(text):
    return re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)?", text)


def _normal(text):
    return " ".join(text.split())


def indonesian_phrases():
    """The catalogue's Indonesian parts a page must not show in English: at least two words (or a listed
    word), whose English differs, and which no English text of the catalogue uses itself (the English keeps
    "kecamatan", "desa/kelurahan", "kabupaten/kota" as the names of the areas)."""
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po)
    all_english = " ".join(
        _normal(text).lower()
        for message in catalogue
        if message.id
        for text in (message.string if isinstance(message.string, tuple) else (message.string,))
    )
    phrases = set()
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        english = " ".join(_normal(s) for s in strings if s)
        for msgid in ids:
            text = _normal(re.sub(r"<[^>]+>", " ", msgid))
            for part in PLACEHOLDER.split(text):
                part = part.strip(" .,:;()!?\"'-\u2013")
                words = _words(part)
                if not words or not english or part.lower() in all_english:
                    continue
                if len(words) >= 2 or part in SINGLE_WORDS:
                    phrases.add(part)
    return phrases


class _Text(HTMLParser):
    """What a person reads of a page: its text, the attributes read aloud or shown on hover, and the JSON
    data of the charts; not its other scripts and styles."""

    READ = ("title", "placeholder", "aria-label", "alt", "data-confirm")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style") and not (tag == "script" and attrs.get("type") == "application/json"):
            self.skip += 1
        for name in self.READ:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def readable_text(response):
    kind = response.get("Content-Type", "")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if kind.startswith("text/html"):
        parser = _Text()
        parser.feed(content.decode())
        return " | ".join(parser.parts)
    if kind.startswith("text/csv"):
        return content.decode("utf-8-sig")
    if "spreadsheetml" in kind and content[:2] == b"PK" and len(content) > 2:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        cells = [book.properties.title or ""]
        for sheet in book.worksheets:
            cells.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                cells.extend(str(value) for value in row if isinstance(value, str))
        return " | ".join(cells)
    if kind.startswith("application/pdf") and content.startswith(b"%PDF"):
        from pypdf import PdfReader

        return " | ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    return ""  # images, and a test's placeholder file


# What the access matrix's objects hold (tests/test_access_matrix.py, tests/factories.py): names typed by a
# user stay as they were typed, in any language.
TEST_DATA = re.compile(r"Pemilik Uji \d+|Jumlah UMKM|Nama pemilik|Nama usaha")


def indonesian_left(text, phrases, *, context=False):
    """The phrases found in `text` (with the words around each when `context`)."""
    text = TEST_DATA.sub(" ", _normal(text))
    found = []
    for phrase in sorted(phrases):
        if phrase not in text:
            continue
        match = re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text)
        if match is not None:
            found.append(f"{phrase} ({text[max(0, match.start() - 40) : match.end() + 40]})" if context else phrase)
    return found


def get_in_english(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(url)


def test_the_catalogue_is_read_into_phrases():
    phrases = indonesian_phrases()
    assert "Simpan" in phrases
    assert len(phrases) > 300
    assert indonesian_left("<p>Data usaha disimpan</p> Simpan", {"Simpan", "usaha disimpan"}) == [
        "Simpan",
        "usaha disimpan",
    ]
    assert indonesian_left("Simpanan", {"Simpan"}) == []


def test_every_page_reads_english(client, cast, objects):  # noqa: F811
    phrases = indonesian_phrases()
    found, pages = {}, 0
    for name, (get, _post) in sorted(MATRIX.items()):
        url = reverse(name, kwargs=objects.get(name, {}))
        for role, status in zip(ROLES, get.split(), strict=True):
            if status != "200":
                continue
            response = get_in_english(client, cast[role], url)
            assert response.status_code == 200, (name, role)
            text = readable_text(response)
            if response.get("Content-Type", "").startswith("text/html"):
                assert 'lang="en"' in response.content.decode(), (name, role)
            pages += 1
            left = indonesian_left(text, phrases, context=True)
            if left:
                found[f"{name} as {role}"] = left
    assert pages > 100
    count = sum(len(left) for left in found.values())
    assert found == {}, f"{count} Indonesian texts on {len(found)} pages read in English:\n" + "\n".join(
        f"{page}: {left}" for page, left in sorted(found.items())
    )


def test_the_catalogue_has_no_untranslated_and_no_fuzzy_entry(tmp_path, settings, monkeypatch):
    """`make messages` run again on the code as it is leaves nothing to translate: a string wrapped in gettext
    without its English fails here (the committed catalogue is copied, extracted into, then read)."""
    locale = tmp_path / "locale"
    shutil.copytree(Path(settings.BASE_DIR) / "locale", locale)
    settings.LOCALE_PATHS = [locale]
    monkeypatch.chdir(settings.BASE_DIR)
    call_command(
        "makemessages",
        locale=["en"],
        ignore_patterns=[".venv", "var", "static", "tests"],
        no_obsolete=True,
        no_location=True,
        verbosity=0,
    )
    with (locale / "en" / "LC_MESSAGES" / "django.po").open("rb") as po:
        catalogue = read_po(po)
    untranslated = [
        message.id
        for message in catalogue
        if message.id and not all(message.string if isinstance(message.string, tuple) else (message.string,))
    ]
    fuzzy = [message.id for message in catalogue if message.id and message.fuzzy]
    assert untranslated == [], f"{len(untranslated)} untranslated: {untranslated[:40]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy: {fuzzy[:40]}"


@pytest.mark.parametrize("name", ["reports:summary_xlsx", "reports:summary_pdf", "programs:enrollment_certificate"])
def test_reports_and_certificate_read_english(client, cast, objects, name):  # noqa: F811
    response = get_in_english(client, cast["dinas"], reverse(name, kwargs=objects.get(name, {})))
    text = readable_text(response)
    assert len(text) > 50, text
    assert indonesian_left(text, indonesian_phrases()) == []


@pytest.mark.parametrize(
    ("count", "english"),
    [
        (1, "The NIK must be 16 digits; 1 digit was entered."),
        (15, "The NIK must be 16 digits; 15 digits were entered."),
    ],
)
def test_a_count_reads_singular_or_plural_in_english(count, english):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from programs.views import unsaved_rows
    from registry.validators import normalize_nik

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        normalize_nik("3" * count)
    assert refused.value.messages == [english]
    with translation.override("en"):
        assert unsaved_rows(1) == "1 row was not saved: correct the marked entries."
        assert unsaved_rows(2) == "2 rows were not saved: correct the marked entries."
    with translation.override("id"):
        assert unsaved_rows(1) == "1 baris belum tersimpan: perbaiki isian yang ditandai."
