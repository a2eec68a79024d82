"""A TOTP second factor (django-otp) for the accounts that see a whole kabupaten: admins and dinas staff.

After the password, such a user is sent to one page. Without an authenticator it asks for the one-time
enrolment code an admin issued (the password alone enrols nothing: umkm_portal.accounts); with that code, or
after a password reset through the e-mail link, it shows a QR code to add the portal to an authenticator app
(Google Authenticator, Aegis, ...) and asks for one code to confirm; afterwards it asks for the current code.
Until then every other page redirects there.
"""

from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry import roles
from umkm_portal.accounts import ENROL_SESSION_KEY, allow_enrolment, may_enrol, redeem_enrolment_code

DEVICE_NAME = "Aplikasi autentikator"
# Reachable before the second factor: the code page itself, leaving, the language switch, and the password
# reset (whose e-mailed link may allow setting up an authenticator).
OPEN_URL_NAMES = {
    "second_factor",
    "logout",
    "set_language",
    "healthz",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
}


def requires_second_factor(user):
    return settings.OTP_REQUIRED and user.is_authenticated and roles.role_of(user) in (roles.ADMIN, roles.DINAS)


class SecondFactorMiddleware:
    """Send an admin or dinas user who has not given a code in this session to the code page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if requires_second_factor(user) and not user.is_verified() and not _is_open(request):
            url = f"{reverse('second_factor')}?{urlencode({'next': request.get_full_path()})}"
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
        return self.get_response(request)


def _is_open(request):
    try:
        return resolve(request.path_info).url_name in OPEN_URL_NAMES
    except Resolver404:
        return False


def pending(request):
    """Template context: `second_factor_pending` hides the navigation until the code is given."""
    user = getattr(request, "user", None)
    return {"second_factor_pending": bool(user and requires_second_factor(user) and not user.is_verified())}


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Kode 6 angka"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        # ASCII digits only: '²'.isdigit() is true too.
        if not (token.isascii() and token.isdigit()) or not self.device.verify_token(token):
            raise forms.ValidationError(_("Kode salah atau kedaluwarsa. Lihat kode terbaru di aplikasi autentikator."))
        return token


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Kode pendaftaran dari admin"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "autofocus": True}),
    )


class SecondFactorView(LoginRequiredMixin, FormView):
    """Ask for an enrolment code, then set up the authenticator; afterwards ask for its code at every login."""

    form_class = TokenForm
    template_name = "registration/second_factor.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not requires_second_factor(request.user):
            return HttpResponseRedirect(self.get_success_url())
        self.device = self.get_device()
        return super().dispatch(request, *args, **kwargs)

    def get_device(self):
        """The user's confirmed device; else, once enrolment is allowed in this session, the unconfirmed one
        being set up (made on the first visit); else None: the page asks for an enrolment code."""
        user = self.request.user
        confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if confirmed is not None or not may_enrol(self.request):
            return confirmed
        # A GET that writes, once per enrolment: get_or_create reads and writes the primary (umkm_portal.routers).
        device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": DEVICE_NAME})
        return device

    def get_form_class(self):
        return EnrolmentCodeForm if self.device is None else TokenForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        return kwargs if self.device is None else {**kwargs, "device": self.device}

    def get_context_data(self, **kwargs):
        if self.device is None:
            return super().get_context_data(needs_enrolment_code=True, **kwargs)
        context = super().get_context_data(setting_up=not self.device.confirmed, **kwargs)
        if not self.device.confirmed:
            # The setup secret is shown only to the logged-in user, only until the device is confirmed.
            context["qr_code"] = segno.make(self.device.config_url, error="m").svg_data_uri(scale=5)
            context["secret"] = self.device.config_url.split("secret=")[1].split("&")[0]
        return context

    def form_valid(self, form):
        if self.device is None:
            return self.enrolment_code_given(form)
        device = form.device
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            self.request.session.pop(ENROL_SESSION_KEY, None)
            messages.success(self.request, _("Autentikator terpasang. Setiap masuk, portal akan meminta kodenya."))
        otp_login(self.request, device)
        return HttpResponseRedirect(self.get_success_url())

    def enrolment_code_given(self, form):
        if not redeem_enrolment_code(self.request.user, form.cleaned_data["code"]):
            form.add_error(
                "code",
                _("Kode pendaftaran salah, sudah dipakai, atau kedaluwarsa. Minta kode baru kepada admin portal."),
            )
            return self.form_invalid(form)
        allow_enrolment(self.request, self.request.user)
        return redirect(self.request.get_full_path())

    def get_success_url(self):
        """The page asked for (?next=, on this site), else the home page. A URL, never a view name: redirect()
        would look up "0" as one and fail."""
        target = self.request.GET.get("next") or self.request.POST.get("next") or ""
        if url_has_allowed_host_and_scheme(target, {self.request.get_host()}, self.request.is_secure()):
            return target
        return resolve_url(settings.LOGIN_REDIRECT_URL)


def reset_second_factor(user):
    """Remove a user's authenticator (a lost phone): the next login sets up a new one. Admin action."""
    TOTPDevice.objects.filter(user=user).delete()
