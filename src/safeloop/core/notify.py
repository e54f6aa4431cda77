"""Sending notifications: into the in-app inbox, and by email when SMTP is configured.

Always called through `transaction.on_commit` by services, so nobody is told of a change
that was rolled back.
"""

import logging
import smtplib
from types import SimpleNamespace

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from safeloop.core.models import Notification

logger = logging.getLogger(__name__)


def notify(
    recipients, *, kind: str, title: str, body: str = "", link: str = "", dedupe_key: str = ""
) -> int:
    """Create one inbox message per recipient; with a dedupe key, at most once each."""
    sent = 0
    with transaction.atomic():  # one commit for all recipients
        sent = _create_all(recipients, kind, title, body, link, dedupe_key)
    return sent


def _create_all(recipients, kind, title, body, link, dedupe_key) -> int:
    sent = 0
    for user in {u.pk: u for u in recipients if u is not None}.values():
        _, created = (
            Notification.objects.get_or_create(
                recipient=user,
                dedupe_key=dedupe_key,
                defaults={"kind": kind, "title": title[:200], "body": body, "link": link},
            )
            if dedupe_key
            else (
                Notification.objects.create(
                    recipient=user, kind=kind, title=title[:200], body=body, link=link
                ),
                True,
            )
        )
        if created:
            sent += 1
            if settings.NOTIFY_BY_EMAIL and user.email:
                _email(user, title, f"{body}\n\n{link}")
    return sent


def _email(user, subject: str, text: str) -> None:
    # A mail server that is down must not lose the inbox message or the change behind it.
    try:
        send_mail(subject, text, None, [user.email])
    except (OSError, smtplib.SMTPException):
        logger.warning("could not email %s about %r", user.pk, subject, exc_info=True)


def send_emails(messages: list) -> None:
    """Email messages written in bulk by jobs: [(recipient id, title), …]."""
    from safeloop.orgs.models import User

    emails = dict(
        User.objects.filter(pk__in={m[0] for m in messages})
        .exclude(email="")
        .values_list("pk", "email")
    )
    for recipient, title in messages:
        if recipient in emails:
            _email(SimpleNamespace(pk=recipient, email=emails[recipient]), title, title)
