"""Sending notifications: into the in-app inbox, and by email when SMTP is configured.

Always called through `transaction.on_commit` by services, so nobody is told of a change
that was rolled back.
"""

import logging
import smtplib
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.core.mail import send_mail
from django.db import connection
from django.db.models import QuerySet

logger = logging.getLogger(__name__)


def notify(
    recipients, *, kind: str, title: str, body: str = "", link: str = "", dedupe_key: str = ""
) -> int:
    """One inbox message per recipient (a User query or a list of users); with a dedupe key,
    at most once each. One INSERT … SELECT, whatever the number of recipients."""
    User = get_user_model()

    if not isinstance(recipients, QuerySet):
        recipients = User.objects.filter(pk__in={u.pk for u in recipients if u is not None})
    try:
        ids_sql, params = recipients.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # nobody to tell
        return 0
    # `ids_sql` is the ORM's own SQL with placeholders; every value travels as a parameter.
    # A message already sent under this key stays the only one (core_notification_once).
    sql = f"""
      INSERT INTO core_notification
        (recipient_id, created_at, kind, title, body, link, dedupe_key)
      SELECT DISTINCT r.id, now(), %s, %s, %s, %s, %s FROM ({ids_sql}) AS r(id)
      ON CONFLICT DO NOTHING RETURNING recipient_id
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [kind, title[:200], body, link[:300], dedupe_key, *params])
        sent = [row[0] for row in cursor.fetchall()]
    if sent and settings.NOTIFY_BY_EMAIL:
        for pk, email in (
            User.objects.filter(pk__in=sent).exclude(email="").values_list("pk", "email")
        ):
            _email(SimpleNamespace(pk=pk, email=email), title, f"{body}\n\n{link}")
    return len(sent)


def _email(user, subject: str, text: str) -> None:
    # A mail server that is down must not lose the inbox message or the change behind it.
    try:
        send_mail(subject, text, None, [user.email])
    except (OSError, smtplib.SMTPException):
        logger.warning("could not email %s about %r", user.pk, subject, exc_info=True)


def send_emails(messages: list) -> None:
    """Email messages written in bulk by jobs: [(recipient id, title), …]."""
    User = get_user_model()

    emails = dict(
        User.objects.filter(pk__in={m[0] for m in messages})
        .exclude(email="")
        .values_list("pk", "email")
    )
    for recipient, title in messages:
        if recipient in emails:
            _email(SimpleNamespace(pk=recipient, email=emails[recipient]), title, title)
