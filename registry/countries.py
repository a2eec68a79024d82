"""Export destination countries: ISO 3166-1 alpha-2 codes with their Indonesian names (CLDR, via Babel).

The list is not a model field's `choices`, so a newer CLDR never forces a migration.
"""

from babel import Locale
from django.core.exceptions import ValidationError

_NOT_COUNTRIES = {"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB", "XK"}
COUNTRY_NAMES = {
    code: name
    for code, name in Locale("id").territories.items()
    if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
}
COUNTRY_CHOICES = sorted(COUNTRY_NAMES.items(), key=lambda item: item[1])


def validate_country(code):
    if code not in COUNTRY_NAMES:
        raise ValidationError("Kode negara tidak dikenal (gunakan kode ISO dua huruf, misalnya MY atau KR).")
