"""Export destination countries: ISO 3166-1 alpha-2 codes with their names in the active language (CLDR,
via Babel): "Malaysia", "Korea Selatan" in Indonesian, "South Korea" in English.

The list is not a model field's `choices`, so a newer CLDR never forces a migration.
"""

import functools

from babel import Locale, UnknownLocaleError
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

_NOT_COUNTRIES = {"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB", "XK"}
_CODES = frozenset(
    code for code in Locale("id").territories if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
)


@functools.cache
def _names(language):
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        locale = Locale("id")
    territories = locale.territories
    return {code: territories.get(code, code) for code in _CODES}


def _active():
    return _names(get_language() or "id")


def country_name(code):
    """The country's name in the active language ("Korea Selatan", "South Korea"); the code itself for one
    that is not a country of the list."""
    return _active().get(code, code)


def country_choices():
    """(code, name) in the active language, by name."""
    return sorted(_active().items(), key=lambda item: item[1])


# Read each time it is iterated, so a choice list built once shows the language of the request.
COUNTRY_CHOICES = lazy(country_choices, list)()


def validate_country(code):
    if code not in _CODES:
        raise ValidationError(_("Kode negara tidak dikenal (gunakan kode ISO dua huruf, misalnya MY atau KR)."))
