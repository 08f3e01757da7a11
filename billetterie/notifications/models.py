"""The outbox: an email is a row first, so nothing is lost when SMTP is down."""

from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "queued"
        SENDING = "sending", "sending"
        SENT = "sent", "sent"
        FAILED = "failed", "failed"

    # A plain id, not a foreign key: notifications is infrastructure below every other app.
    organizer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    to = models.JSONField(default=list)
    reply_to = models.JSONField(default=list, blank=True)
    from_email = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    language = models.CharField(max_length=8, blank=True)
    attachments = models.JSONField(default=list, blank=True)  # [{"name","mimetype","b64"}]
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # when a worker took it for sending: a message "sending" for long is a dead worker's
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"
