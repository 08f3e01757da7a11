"""An export of an event's or a date's data (DATA-2), with its progress and its file.

The file lives in private storage (never served by a web server) until `expires_at`; only
staff of the shop's organizer with the level to export can download it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billetterie.catalog.models import Event, EventDate
from billetterie.core.models import Organizer, Shop


class Export(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", _("PDF short list")
        XLSX = "xlsx", _("Spreadsheet (XLSX), one row per ticket")
        ZIP = "zip", _("ZIP archive: spreadsheet and uploaded files")
        TGZ = "tgz", _("tar.gz archive: spreadsheet and uploaded files")

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("In progress")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="exports")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="exports")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="exports")
    date = models.ForeignKey(
        EventDate, on_delete=models.CASCADE, null=True, blank=True, related_name="exports"
    )
    kind = models.CharField(_("format"), max_length=8, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    rows = models.PositiveIntegerField(default=0)  # tickets written
    path = models.CharField(max_length=300, blank=True)  # in storages["private"]
    file_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    # the language of the person who asked: column titles and states are written in it
    language = models.CharField(max_length=8, default="fr")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "expires_at"])]

    def __str__(self) -> str:
        return self.file_name or f"{self.get_kind_display()} {self.pk}"

    @property
    def is_ready(self) -> bool:
        return self.state == self.State.DONE and bool(self.path)
