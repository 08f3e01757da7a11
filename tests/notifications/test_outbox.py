"""The email outbox: a message is a row first, sent after commit, retried when the
transport fails, and never sent twice."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone, translation
from django.utils.translation import gettext

from billetterie.notifications import services
from billetterie.notifications.models import OutboxMessage
from billetterie.notifications.services import Attachment, email_queue, outbox_retry, outbox_send

pytestmark = pytest.mark.django_db

FAILING = "tests.notifications.test_outbox.FailingBackend"
WORKING = "django.core.mail.backends.locmem.EmailBackend"


class FailingBackend(BaseEmailBackend):
    """A transport that is down."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server unreachable")


@pytest.fixture
def transport(settings):
    """Switch the default mailer: transport("failing") / transport("working")."""

    def use(kind: str) -> None:
        backend = {"failing": FAILING, "working": WORKING}[kind]
        settings.MAILERS = {"default": {"BACKEND": backend}}

    use("working")
    return use


def queue(**overrides) -> OutboxMessage:
    values = {
        "to": "guest@example.org",
        "subject": "Your tickets",
        "body_text": "Hello",
        "body_html": "<p>Hello</p>",
        "organizer_id": 7,
        "reply_to": ["box@example.org"],
    }
    return email_queue(**{**values, **overrides})


def test_queued_message_is_stored_then_sent_on_commit(
    transport, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = queue(
            attachments=[Attachment("ticket.txt", "text/plain", b"seat 12")],
        )
        assert OutboxMessage.objects.get(pk=message.pk).state == OutboxMessage.State.QUEUED
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1

    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert (sent.to, sent.subject, sent.body, sent.reply_to) == (
        ["guest@example.org"],
        "Your tickets",
        "Hello",
        ["box@example.org"],
    )
    assert sent.alternatives[0].content == "<p>Hello</p>"
    assert sent.attachments[0].filename == "ticket.txt"
    assert sent.attachments[0].content == "seat 12"


def test_nothing_is_sent_when_the_transaction_rolls_back(transport):
    # no on-commit callbacks run inside the test's transaction
    message = queue()
    assert mail.outbox == []
    assert OutboxMessage.objects.get(pk=message.pk).state == OutboxMessage.State.QUEUED


def test_failing_transport_keeps_the_message_queued_and_retry_sends_it(
    transport, django_capture_on_commit_callbacks
):
    transport("failing")
    with django_capture_on_commit_callbacks(execute=True):
        message = queue()
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.QUEUED
    assert message.attempts == 1
    assert "SMTP server unreachable" in message.last_error
    assert mail.outbox == []

    assert outbox_retry(older_than_seconds=0) == 1  # still down
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboxMessage.State.QUEUED, 2)

    transport("working")
    assert outbox_retry(older_than_seconds=0) == 1
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT
    assert message.attempts == 3
    assert len(mail.outbox) == 1


def test_retry_waits_for_the_first_attempt(transport):
    queue()  # just queued: its own on-commit send has not had its chance yet
    assert outbox_retry(older_than_seconds=60) == 0
    assert mail.outbox == []


def test_a_message_gives_up_after_max_attempts(transport):
    transport("failing")
    message = queue()
    for _ in range(services.MAX_ATTEMPTS):
        outbox_send(message.pk)
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.FAILED
    assert message.attempts == services.MAX_ATTEMPTS
    transport("working")
    assert outbox_retry(older_than_seconds=0) == 0
    assert mail.outbox == []


def test_a_message_is_never_sent_twice(transport):
    message = queue()
    assert outbox_send(message.pk) is True
    assert outbox_send(message.pk) is False
    assert len(mail.outbox) == 1
    assert outbox_retry(older_than_seconds=0) == 0
    assert len(mail.outbox) == 1


def test_a_message_being_sent_is_not_sent_by_another_worker(transport):
    message = queue()
    OutboxMessage.objects.filter(pk=message.pk).update(state=OutboxMessage.State.SENDING)
    assert outbox_send(message.pk) is False
    assert mail.outbox == []


def test_a_message_stuck_in_sending_goes_back_to_the_queue(transport):
    message = queue()
    an_hour_ago = timezone.now() - timedelta(hours=1)
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=OutboxMessage.State.SENDING, created_at=an_hour_ago, claimed_at=an_hour_ago
    )
    assert outbox_retry() == 1
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT
    assert len(mail.outbox) == 1


def test_an_old_message_claimed_just_now_is_left_to_its_worker(transport):
    """A message queued long ago (SMTP was down) that a worker took a moment ago is being
    sent: the retry must not put it back in the queue, or the buyer gets it twice."""
    message = queue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=OutboxMessage.State.SENDING,
        created_at=timezone.now() - timedelta(hours=1),
        claimed_at=timezone.now() - timedelta(seconds=5),
    )
    assert outbox_retry() == 0
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENDING
    assert mail.outbox == []


def test_template_email_is_rendered_in_the_recipients_language(transport):
    message = services.email_template_queue(
        to="a@example.org",
        template="password_reset",
        context={
            "user": SimpleNamespace(full_name="Ada", email="a@example.org"),
            "link": "https://x.example/reset/",
            "hours": 24,
        },
        language="fr",
    )
    assert message.language == "fr"
    with translation.override("fr"):
        assert message.subject == gettext("Choose a new password")
    assert "https://x.example/reset/" in message.body_text
    assert "https://x.example/reset/" in message.body_html
