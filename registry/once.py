"""One record per creating form (issue 19): a double click or five simultaneous submits make one record.

Every creating form carries a one-time token (`{% once_token %}`, a hidden field). `create_once` inserts
the token's `SubmittedForm` row first, in the same transaction as the record it creates, and stores the
page that shows the record. A second submit of the same form finds the row and is sent to that page; a
simultaneous one waits on the row's primary key until the first commits, then does the same. If the
create fails, the token rolls back with it, so the corrected form can be sent again. The state lives in
PostgreSQL, so it holds across app nodes.
"""

import datetime
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, resolve_url

from registry.models import SubmittedForm

FIELD = "once"
KEPT_FOR = datetime.timedelta(days=7)  # registry.tasks.forget_sent_forms drops older tokens
ALREADY_SENT = "Formulir ini sudah terkirim sebelumnya; inilah data yang tersimpan (tidak dibuat dua kali)."


def token_of(request):
    """The token the form was sent with, or None (missing or not a token)."""
    try:
        return uuid.UUID(str(request.POST.get(FIELD, "")))
    except ValueError:
        return None


def made_by(request):
    """The page of what this form's token already created, or None. Raises PermissionDenied for a token
    another user's form was sent with."""
    token = token_of(request)
    if token is None:
        return None
    used = SubmittedForm.objects.filter(token=token).values_list("user_id", "url").first()
    if used is None:
        return None
    if used[0] != request.user.pk:
        raise PermissionDenied
    return used[1]


def create_once(request, create):
    """Run `create()` (it returns the created record, or what to show for it) at most once per token.

    Returns (created, url): `created` is None when the token had already created something, shown at
    `url`. A form sent without a token (a script) is created without the check.
    """
    token = token_of(request)
    with transaction.atomic():
        if token is not None:
            try:
                with transaction.atomic():
                    user = request.user if request.user.is_authenticated else None  # a public form
                    SubmittedForm.objects.create(token=token, user=user)
            except IntegrityError:  # sent before, or at this moment and committed while we waited
                return None, made_by(request)
        created = create()
        url = resolve_url(created)
        if token is not None:
            SubmittedForm.objects.filter(token=token).update(url=url)
    return created, url


def show_again(request, url):
    """The answer to a repeated submit: the record the first one made."""
    messages.info(request, ALREADY_SENT)
    return redirect(url)


def forget_old(*, older_than):
    """Drop tokens sent before `older_than` (a form is not resent days later); returns how many."""
    return SubmittedForm.objects.filter(created_at__lt=older_than).delete()[0]
