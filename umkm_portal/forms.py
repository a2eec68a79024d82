from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's login form with plainer Indonesian messages than the stock translation."""

    error_messages = {
        "invalid_login": _("Nama pengguna atau kata sandi salah. Perhatikan huruf besar dan kecil."),
        "inactive": _("Akun ini tidak aktif. Hubungi admin portal."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Nama pengguna")
        self.fields["password"].label = _("Kata sandi")


#
# Reading numbers and ids from a request: always through these form fields, never isdigit() and int()
# ('²'.isdigit() is True and int('²') raises; an id past bigint reaches PostgreSQL and fails there).
#

BIGINT_MAX = 2**63 - 1


class IdField(forms.IntegerField):
    """A row id from a query string or a POST: a whole number from 1 to the largest bigint."""

    default_error_messages = {"invalid": _("Pilihan tidak dikenali; muat ulang halaman.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(**kwargs)


class ModelIdsField(forms.ModelMultipleChoiceField):
    """Several rows chosen by id, each read by IdField first: Django's own field hands an id past bigint
    to an IN lookup, which PostgreSQL refuses with an error instead of finding nothing."""

    def _check_values(self, value):
        id_field = IdField()
        for pk in value if isinstance(value, (list, tuple)) else [value]:
            try:
                id_field.clean(pk)
            except ValidationError:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                ) from None
        return super()._check_values(value)


STALE_PAGE = _("Halaman ini tidak lengkap atau sudah lama; muat ulang halaman, lalu ulangi.")


class VersionForm(forms.Form):
    """The version of the record a page was read at (optimistic locking), posted back as a hidden field; a
    missing or forged one is refused. The one reading of `version` for every edit and step form."""

    version = forms.IntegerField(
        min_value=0, max_value=2**31 - 1, error_messages={"required": STALE_PAGE, "invalid": STALE_PAGE}
    )

    @classmethod
    def read(cls, data):
        """The version in `data`, or None when it is missing or not a version."""
        form = cls(data)
        return form.cleaned_data["version"] if form.is_valid() else None


def read_int(data, name, *, min_value=None, max_value=None):
    """One whole number from a query string or a POST (a form field of its own), or None."""
    field = forms.IntegerField(min_value=min_value, max_value=max_value, required=False)
    try:
        return field.clean(data.get(name))
    except ValidationError:
        return None
