"""Queueing and sending email through the outbox."""

import base64
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from billetterie.notifications.models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
DEFAULT_MAILER = "default"  # the MAILERS alias


@dataclass(frozen=True)
class Attachment:
    name: str
    mimetype: str
    content: bytes


def _render_plain(name: str, context: dict) -> str:
    """A plain-text template rendered without HTML escaping: in a text email or a subject,
    "O'Brien & Co" must read as written, not as "O&#x27;Brien &amp; Co"."""
    return get_template(name).template.render(Context(context, autoescape=False))


def render_email(template: str, context: dict, *, language: str) -> tuple[str, str, str]:
    """Subject, text and HTML of `emails/<template>` in the recipient's language."""
    with translation.override(language):
        subject = _render_plain(f"emails/{template}_subject.txt", context).strip()
        subject = " ".join(subject.splitlines())
        text = _render_plain(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    return subject, text, html


def email_queue(
    *,
    to: list[str] | str,
    subject: str,
    body_text: str,
    body_html: str = "",
    language: str = "",
    organizer_id: int | None = None,
    reply_to: list[str] | None = None,
    from_email: str = "",
    attachments: list[Attachment] = (),
) -> OutboxMessage:
    """Store the message; send it after the surrounding transaction commits."""
    message = OutboxMessage.objects.create(
        organizer_id=organizer_id,
        to=[to] if isinstance(to, str) else list(to),
        reply_to=list(reply_to or []),
        from_email=from_email,
        subject=subject[:300],
        body_text=body_text,
        body_html=body_html,
        language=language,
        attachments=[
            {"name": a.name, "mimetype": a.mimetype, "b64": base64.b64encode(a.content).decode()}
            for a in attachments
        ],
    )
    from billetterie.notifications.tasks import send_outbox_message

    transaction.on_commit(lambda: send_outbox_message.enqueue(message.pk))
    return message


def email_template_queue(
    *, to, template: str, context: dict, language: str, **kwargs
) -> OutboxMessage:
    subject, text, html = render_email(template, context, language=language)
    return email_queue(
        to=to, subject=subject, body_text=text, body_html=html, language=language, **kwargs
    )


def outbox_send(message_id: int) -> bool:
    """Send one queued message. Idempotent: a message is claimed before it is sent, so two
    workers never send it twice. Returns True when sent."""
    claimed = OutboxMessage.objects.filter(pk=message_id, state=OutboxMessage.State.QUEUED).update(
        state=OutboxMessage.State.SENDING, claimed_at=timezone.now()
    )
    if not claimed:
        return False
    message = OutboxMessage.objects.get(pk=message_id)
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        to=message.to,
        reply_to=message.reply_to or None,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for item in message.attachments:
        email.attach(item["name"], base64.b64decode(item["b64"]), item["mimetype"])
    try:
        email.send(using=DEFAULT_MAILER)  # `connection=` is deprecated since Django 6.1
    except Exception as error:  # any transport failure: keep it queued and retry later
        attempts = message.attempts + 1
        state = (
            OutboxMessage.State.FAILED if attempts >= MAX_ATTEMPTS else OutboxMessage.State.QUEUED
        )
        OutboxMessage.objects.filter(pk=message_id).update(
            state=state, attempts=attempts, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        logger.warning("email %s not sent (attempt %s): %s", message_id, attempts, error)
        return False
    OutboxMessage.objects.filter(pk=message_id).update(
        state=OutboxMessage.State.SENT, attempts=message.attempts + 1, sent_at=timezone.now()
    )
    return True


def outbox_retry(*, older_than_seconds: int = 60) -> int:
    """Re-enqueue queued messages whose send did not happen (SMTP down, worker stopped)."""
    from billetterie.notifications.tasks import send_outbox_message

    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    # a message claimed long ago and still "sending" belongs to a worker that died
    # mid-send; one claimed recently (even if queued long ago) is being sent right now
    stale = timezone.now() - timezone.timedelta(minutes=10)
    OutboxMessage.objects.filter(state=OutboxMessage.State.SENDING).filter(
        Q(claimed_at__lt=stale) | Q(claimed_at__isnull=True, created_at__lt=stale)
    ).update(state=OutboxMessage.State.QUEUED)
    ids = list(
        OutboxMessage.objects.filter(
            state=OutboxMessage.State.QUEUED, created_at__lt=cutoff
        ).values_list("pk", flat=True)[:500]
    )
    for message_id in ids:
        send_outbox_message.enqueue(message_id)
    return len(ids)
