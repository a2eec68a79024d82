"""Buyer inquiries' mail, sent by the worker (Django's Tasks API), never in a request.

The buyer's status link is made here, when it is mailed: the queued task row holds only the inquiry's id,
the stored inquiry only the link's hash. A send that fails (the mail server down, a timeout) leaves the
inquiry as it was and is tried again later; after the last try the inquiry is still there, its page saying
the link was not sent.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from programs.models import Inquiry
from registry import roles

logger = logging.getLogger(__name__)

# A mail server that is down for hours should still deliver the link the same day.
BACKOFF = [
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=6),
]


def _retry(the_task, inquiry_id, attempt, error, **kwargs):
    if isinstance(error, OSError) and attempt <= len(BACKOFF):  # smtplib's errors are OSErrors
        later = timezone.now() + BACKOFF[attempt - 1]
        logger.warning("%s(%s): %r; trying again at %s", the_task.name, inquiry_id, error, later)
        the_task.using(run_after=later).enqueue(inquiry_id, attempt=attempt + 1, **kwargs)
        return "retry"
    logger.exception("%s(%s) failed", the_task.name, inquiry_id)
    return "failed"


def _subject(template, context):
    return "".join(render_to_string(template, context).splitlines())


@task()
def mail_inquiry_link(inquiry_id, domain, protocol, attempt=1):
    """Mail the buyer their private status link, in the language they asked in; once."""
    try:
        with transaction.atomic():
            inquiry = (
                Inquiry.objects.select_for_update(of=("self",))
                .select_related("product", "business")
                .filter(pk=inquiry_id)
                .first()
            )
            if inquiry is None or inquiry.link_sent_at is not None or not inquiry.buyer_email:
                return "skipped"
            token = inquiry.new_token()
            inquiry.link_sent_at = timezone.now()
            inquiry.save(update_fields=["token_hash", "link_sent_at"])
            context = {
                "inquiry": inquiry,
                "link": f"{protocol}://{domain}{reverse('programs:inquiry_status', args=[token])}",
            }
            with translation.override(inquiry.language):
                subject = _subject("programs/email/inquiry_link_subject.txt", context)
                body = render_to_string("programs/email/inquiry_link.txt", context)
            # Sent before the commit: a failed send rolls the new hash back, so the next try starts afresh.
            EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [inquiry.buyer_email]).send()
    except Exception as error:
        return _retry(mail_inquiry_link, inquiry_id, attempt, error, domain=domain, protocol=protocol)
    return "sent"


def staff_to_tell(inquiry):
    """Active coordinators of the business's kecamatan and the dinas of its kabupaten, with an e-mail."""
    kecamatan = inquiry.business.kecamatan
    groups = [roles.group_name(roles.COORDINATOR), roles.group_name(roles.DINAS)]
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=groups)
        .exclude(email="")
        .filter(Q(area_assignments__kecamatan=kecamatan.pk) | Q(area_assignments__kabupaten=kecamatan.kabupaten_id))
        .distinct()
        .order_by("pk")
    )


@task()
def tell_staff_of_inquiry(inquiry_id, domain, protocol, attempt=1):
    """Tell the coordinators and the dinas that a buyer asked: the product and a link to the worklist's page,
    no buyer's details in the mail (they are behind the login)."""
    inquiry = Inquiry.objects.select_related("product", "business__kecamatan").filter(pk=inquiry_id).first()
    if inquiry is None or inquiry.created_by_id is not None:  # staff recorded it themselves
        return "skipped"
    recipients = [user.email for user in staff_to_tell(inquiry)]
    if not recipients:
        return "nobody"
    context = {
        "inquiry": inquiry,
        "link": f"{protocol}://{domain}{reverse('programs:inquiry_detail', args=[inquiry.pk])}",
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = _subject("programs/email/inquiry_staff_subject.txt", context)
        body = render_to_string("programs/email/inquiry_staff.txt", context)
    try:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, bcc=recipients).send()
    except Exception as error:
        return _retry(tell_staff_of_inquiry, inquiry_id, attempt, error, domain=domain, protocol=protocol)
    return "sent"
