"""The project's own tasks: forget old task results, scheduled runs, reset requests and rate counts; send reset
mails."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks_db.models import DBTaskResult

from umkm_portal.accounts import link_minutes, prune_reset_requests
from umkm_portal.limits import prune_rate_counts
from umkm_portal.models import ScheduledRun

KEEP = datetime.timedelta(days=14)


@task()
def prune():
    """Delete finished task results and scheduled runs older than two weeks, old reset requests and enrolment
    codes, and the rate limits' counts of ended windows; return how many."""
    before = timezone.now() - KEEP
    tasks, _ = DBTaskResult.objects.finished().filter(finished_at__lt=before).delete()
    runs, _ = ScheduledRun.objects.filter(slot__lt=before).delete()
    return tasks + runs + prune_reset_requests() + prune_rate_counts()


@task()
def send_password_reset(user_id, email, domain, protocol, language, new_account=False):
    """Mail a password-reset link to an active user; the token is made here, so the task row holds no link.
    `new_account`: the mail greets a person whose account was just made (a bank officer added by the dinas)."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    context = {
        "email": email,
        "domain": domain,
        "site_name": domain,
        "protocol": protocol,
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "link_minutes": link_minutes(),
        "new_account": new_account,
    }
    with translation.override(language):
        subject = "".join(render_to_string("registration/password_reset_subject.txt", context).splitlines())
        body = render_to_string("registration/password_reset_email.html", context)
    EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [email]).send()
