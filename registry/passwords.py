"""A password rule for this portal: no words an outsider would guess first."""

import re

from django.core.exceptions import ValidationError

COMMON_WORDS = {"umkm", "dinas", "koperasi", "koordinator", "kecamatan", "kabupaten", "sandi", "password", "admin"}


class GuessableWordValidator:
    """Refuse passwords containing 'umkm', a role or office word, or the name of a loaded kabupaten/kota."""

    def _words(self):
        from registry.models import Kabupaten

        names = Kabupaten.objects.values_list("name", flat=True)
        places = {re.sub(r"^(Kabupaten|Kota)\s+", "", name).lower().replace(" ", "") for name in names}
        return COMMON_WORDS | {place for place in places if len(place) >= 4}

    def validate(self, password, user=None):
        plain = re.sub(r"[^a-z]", "", password.lower())
        for word in sorted(self._words()):
            if word in plain:
                raise ValidationError(
                    f"Kata sandi tidak boleh memuat kata yang mudah ditebak seperti \u201c{word}\u201d.",
                    code="password_guessable_word",
                )

    def get_help_text(self):
        return "Jangan memakai kata seperti \u201cumkm\u201d, \u201cdinas\u201d, atau nama kabupaten."
