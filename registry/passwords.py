"""A password rule for this portal: no words an outsider would guess first."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
                    _("Kata sandi tidak boleh memuat kata yang mudah ditebak seperti “%(word)s”.") % {"word": word},
                    code="password_guessable_word",
                )

    def get_help_text(self):
        return _("Jangan memakai kata seperti “umkm”, “dinas”, atau nama kabupaten.")
