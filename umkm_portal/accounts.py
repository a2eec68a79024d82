"""Accounts: a password reset by e-mail, limited per address, and the one-time codes that let a person set up
an authenticator app (their second factor).

A password alone never enrols an authenticator: whoever holds it could otherwise make themselves the owner
of the account's second factor. Enrolment needs either a code an admin issued (`issue_enrolment_code`, from
the user admin or `manage.py issue_enrolment_code`), or a password reset through the e-mail link, which
proves that the person reads the account's mailbox (`allow_enrolment`).
"""

import datetime
import hashlib
import ipaddress
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.db import connection, transaction
from django.urls import reverse_lazy
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from umkm_portal.models import EnrolmentCode, PasswordResetRequest
from umkm_portal.security import client_ip

#
# Password reset requests: at most PASSWORD_RESET_PER_EMAIL per address and PASSWORD_RESET_PER_IP per client
# in a rolling hour, counted in the database every node shares
#

RESET_WINDOW = datetime.timedelta(hours=1)
# One transaction-level lock for every reset request: two requests must not both count the rows, see room
# for one more and both insert. Requests are rare, so queueing them costs nothing.
_RESET_LOCK = 0x554D4B4D


def email_digest(email):
    """The key of an address in PasswordResetRequest: a keyed digest, so the table holds no e-mail address."""
    return salted_hmac("umkm_portal.accounts.reset", email.strip().lower(), algorithm="sha256").hexdigest()


def _valid_ip(value):
    try:
        return str(ipaddress.ip_address(value or ""))
    except ValueError:
        return None


@transaction.atomic
def allow_password_reset(email, ip):
    """Record one reset request for `email` from `ip` and return True; return False, recording nothing, when
    that address or that client has asked too often in the last hour (whether or not the address has an account).
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_RESET_LOCK])
    digest, ip = email_digest(email), _valid_ip(ip)
    recent = PasswordResetRequest.objects.filter(requested_at__gt=timezone.now() - RESET_WINDOW)
    if recent.filter(email_digest=digest).count() >= settings.PASSWORD_RESET_PER_EMAIL:
        return False
    if ip and recent.filter(ip_address=ip).count() >= settings.PASSWORD_RESET_PER_IP:
        return False
    PasswordResetRequest.objects.create(email_digest=digest, ip_address=ip)
    return True


def prune_reset_requests():
    """Forget reset requests older than the window and spent or expired enrolment codes; return how many."""
    now = timezone.now()
    requests, _ = PasswordResetRequest.objects.filter(requested_at__lt=now - RESET_WINDOW).delete()
    codes, _ = EnrolmentCode.objects.filter(expires_at__lt=now - datetime.timedelta(days=30)).delete()
    return requests + codes


#
# The reset pages (Django's own views, with the limit and the mail sent by the worker)
#


def link_minutes():
    """How long a reset link works, as the pages and the mail say it."""
    return settings.PASSWORD_RESET_TIMEOUT // 60


class LinkLifetimeMixin:
    """Put the link's lifetime in the template context (`link_minutes`)."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(link_minutes=link_minutes(), **kwargs)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, but the mail leaves through the worker (umkm_portal.tasks.send_password_reset).

    So an address with an account answers as fast as one without (no SMTP conversation in the request to
    time), and the queued task holds no link: the worker makes the token when it sends the mail."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Alamat e-mail")

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        from umkm_portal.tasks import send_password_reset

        send_password_reset.enqueue(
            user_id=context["user"].pk,
            email=to_email,
            domain=context["domain"],
            protocol=context["protocol"],
            language=translation.get_language(),
        )


def mail_password_link(user, request, *, new_account=False):
    """Queue the mail with a link for `user` to set their password (a new account, or one whose holder asks
    their dinas), sent by the worker once the request's transaction has committed, like a reset asked on the
    public page: no password is ever shown or mailed, and the same limit per address applies.
    Return False, queueing nothing, when the limit refuses it."""
    from django.contrib.sites.shortcuts import get_current_site

    from umkm_portal.tasks import send_password_reset

    # Per address only: a dinas adding ten officers from its office is not a client asking too often.
    if not allow_password_reset(user.email, None):
        return False
    # The task row is written in the caller's transaction: no mail for an account that was not saved.
    send_password_reset.enqueue(
        user_id=user.pk,
        email=user.email,
        domain=get_current_site(request).domain,
        protocol="https" if request.is_secure() else "http",
        language=translation.get_language(),
        new_account=new_account,
    )
    return True


class PasswordResetView(LinkLifetimeMixin, auth_views.PasswordResetView):
    """Ask for a reset link by e-mail; the same answer whether or not the address has an account."""

    form_class = PasswordResetForm
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        if not allow_password_reset(form.cleaned_data["email"], client_ip(self.request)):
            form.add_error(
                None,
                _(
                    "Terlalu banyak permintaan atur ulang kata sandi untuk alamat ini atau dari jaringan Anda. "
                    "Coba lagi dalam satu jam."
                ),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class PasswordResetDoneView(LinkLifetimeMixin, auth_views.PasswordResetDoneView):
    """The same page after every accepted request, whether or not the address has an account."""


class PasswordResetConfirmView(LinkLifetimeMixin, auth_views.PasswordResetConfirmView):
    """Set a new password from the e-mailed link (one use, PASSWORD_RESET_TIMEOUT), then log in.

    The link proves the mailbox: a person who has no authenticator yet may set one up in this session."""

    post_reset_login = True
    post_reset_login_backend = "umkm_portal.security.PermissionBackend"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        allow_enrolment(self.request, form.user)
        messages.success(self.request, _("Kata sandi baru tersimpan dan Anda sudah masuk."))
        return response


#
# Enrolment of an authenticator
#

# Session key: the user who may set up an authenticator in this session (a redeemed code or a reset link).
ENROL_SESSION_KEY = "umkm_enrol_user"
# No 0/O or 1/I: the code is read out over the phone.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # 60 bits: guessing is hopeless, and only after the password


def _code_digest(code):
    return hashlib.sha256("".join(code.split()).replace("-", "").upper().encode()).hexdigest()


@transaction.atomic
def issue_enrolment_code(user, *, by):
    """Remove the user's authenticators and unused codes, and return a new code (shown once) to set up another.

    The code is valid for ENROLMENT_CODE_HOURS and once; only its digest is stored."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    TOTPDevice.objects.filter(user=user).delete()
    EnrolmentCode.objects.filter(user=user, used_at__isnull=True).delete()
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    EnrolmentCode.objects.create(
        user=user,
        code_digest=_code_digest(code),
        issued_by=by,
        expires_at=timezone.now() + datetime.timedelta(hours=settings.ENROLMENT_CODE_HOURS),
    )
    return "-".join(code[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def redeem_enrolment_code(user, code):
    """Spend `code` for `user`: True for an unused, unexpired code issued to them, once; else False."""
    now = timezone.now()
    # One conditional UPDATE: of two simultaneous uses, exactly one finds the code unused.
    spent = EnrolmentCode.objects.filter(
        user=user, code_digest=_code_digest(code), used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    return spent == 1


def allow_enrolment(request, user):
    """Let `user` set up an authenticator in this session if they have none confirmed, with a fresh secret."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return
    # A secret made earlier may have been shown to someone else: the new device gets its own.
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    request.session[ENROL_SESSION_KEY] = user.pk


def may_enrol(request):
    return request.session.get(ENROL_SESSION_KEY) == request.user.pk
