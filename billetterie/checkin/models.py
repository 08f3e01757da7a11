"""Access control (SCAN-1..9): scan devices and how they log in, scan profiles (what a device
scans and how), the append-only check-in records, a per-ticket check-in state row, the
revocation list, and the shops' Ed25519 signing keys for offline-verifiable codes.

- A **ScanProfile** is a scan session's configuration: the dates and/or events scanned (an
  event covers all its dates, also ones added later), the zones (none: every zone), the
  mode, and whether quick cancellation (SCAN-5) is allowed. The organizer prepares them;
  a device logged in with a staff account or the organizer code may also define its own
  (`is_adhoc`).
- A **ScanDevice** is a logged-in scanner. Its bearer token is stored as a SHA-256 hash
  only (it is 256 random bits, so a fast hash is enough); revoking sets `revoked_at`.
- A **ScanLoginCode** is an organizer code (no profile: the device then chooses its
  session) or a per-profile code (shown as a QR; the device scans that profile only).
- **TicketCheckinState** is one row per ticket that was ever admitted: "already used" and
  "inside" are decided by one conditional statement on it (an upsert whose update applies
  only when the mode allows another entry, or an UPDATE ... WHERE inside for an exit), so
  two devices can never both admit the same ticket (SCAN-9).
- **Checkin** is one row per scan, admitted or refused. Nobody edits or deletes one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billetterie.catalog.models import Event, EventDate, Zone
from billetterie.core.models import Organizer, Shop
from billetterie.orders.models import Ticket


class ShopCheckinSettings(models.Model):
    """Check-in settings of a shop: whether its tickets carry signed codes (offline)."""

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="checkin_settings")
    signed_codes = models.BooleanField(
        _("signed ticket codes"),
        default=False,
        help_text=_(
            "The QR code holds a payload signed with the shop's key, which scanners can "
            "verify without a network connection. Otherwise it holds a random secret."
        ),
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"check-in settings of {self.shop_id}"


class SigningKey(models.Model):
    """An Ed25519 key pair of a shop. One is active (it signs new codes); the others still
    verify the codes they signed, so rotating keys keeps old tickets valid.

    The private key is stored encrypted with a key derived from SECRET_KEY (see
    billetterie/checkin/services/signing.py) and never leaves the server.
    """

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="signing_keys")
    public_key = models.BinaryField(max_length=32)
    private_key_encrypted = models.TextField()
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["shop_id", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop"], condition=Q(is_active=True), name="one_active_signing_key"
            )
        ]

    def __str__(self) -> str:
        return f"key {self.pk} of shop {self.shop_id}"


class ScanProfile(models.Model):
    class Mode(models.TextChoices):
        NORMAL = "normal", _("Normal (one entry)")
        ENTRY_EXIT = "entry_exit", _("Entry / exit")
        MULTIPLE = "multiple", _("Multiple entries")

    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="scan_profiles")
    name = models.CharField(_("name"), max_length=120)
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices, default=Mode.NORMAL)
    events = models.ManyToManyField(Event, blank=True, related_name="+")
    dates = models.ManyToManyField(EventDate, blank=True, related_name="+")
    zones = models.ManyToManyField(
        Zone, blank=True, related_name="+", help_text=_("None chosen: every zone.")
    )
    allow_quick_cancel = models.BooleanField(
        _("quick cancellation of unsold pre-printed tickets"), default=False
    )
    is_adhoc = models.BooleanField(default=False)  # defined by a device for itself
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organizer_id", "is_adhoc", "name", "id"]

    def __str__(self) -> str:
        return self.name


class ScanLoginCode(models.Model):
    """A code a device logs in with: the organizer code (no profile) or a profile's code."""

    organizer = models.ForeignKey(
        Organizer, on_delete=models.CASCADE, related_name="scan_login_codes"
    )
    profile = models.ForeignKey(
        ScanProfile, on_delete=models.CASCADE, null=True, blank=True, related_name="login_codes"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=4)  # the last characters, to tell codes apart
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organizer_id", "-created_at"]

    def __str__(self) -> str:
        return f"…{self.hint}"


class ScanDevice(models.Model):
    class LoginMethod(models.TextChoices):
        STAFF = "staff", _("Staff account")
        ORGANIZER_CODE = "organizer_code", _("Organizer code")
        PROFILE_CODE = "profile_code", _("Profile code")

    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="scan_devices")
    name = models.CharField(_("name"), max_length=120)
    login_method = models.CharField(max_length=16, choices=LoginMethod.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scan_devices",
    )
    login_code = models.ForeignKey(
        ScanLoginCode, on_delete=models.SET_NULL, null=True, blank=True, related_name="devices"
    )
    profile = models.ForeignKey(
        ScanProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="devices"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["organizer_id", "-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def profile_locked(self) -> bool:
        return self.login_method == self.LoginMethod.PROFILE_CODE


class TicketCheckinState(models.Model):
    """Where a ticket stands at the door. Written only by the conditional statements of
    services/redeem.py; its absence means "never admitted"."""

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, primary_key=True, related_name="checkin_state"
    )
    entries = models.PositiveIntegerField(default=0)
    inside = models.BooleanField(default=False)
    first_entry_at = models.DateTimeField(null=True, blank=True)
    last_scan_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.entries} entries, inside={self.inside}"


class Checkin(models.Model):
    """One scan, admitted or refused (append-only).

    `ticket` is empty for an unknown code; `code_hash` is the SHA-256 of what was scanned,
    never the code itself (a valid secret must not be readable from the log). `nonce` is
    the scanner's id for the scan: an upload replayed with the same nonce is recorded once.
    `scanned_at` is the device's clock, `received_at` the server's.
    """

    class Direction(models.TextChoices):
        IN = "in", _("Entry")
        OUT = "out", _("Exit")

    class Result(models.TextChoices):
        OK = "ok", _("Admitted")
        REFUSED = "refused", _("Refused")

    # organizer and date are searched through the composite indexes below, which lead with
    # them: their own indexes would only slow down the insert of every scan
    organizer = models.ForeignKey(
        Organizer, on_delete=models.CASCADE, related_name="checkins", db_index=False
    )
    ticket = models.ForeignKey(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="checkins"
    )
    date = models.ForeignKey(
        EventDate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    zone = models.ForeignKey(
        Zone, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    device = models.ForeignKey(ScanDevice, on_delete=models.RESTRICT, related_name="checkins")
    profile = models.ForeignKey(
        ScanProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="checkins"
    )
    code_hash = models.CharField(max_length=64, blank=True)
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.IN)
    result = models.CharField(max_length=8, choices=Result.choices)
    reason = models.CharField(max_length=24, blank=True)
    nonce = models.CharField(max_length=64, blank=True)
    offline = models.BooleanField(default=False)
    # an offline admission that the server refused when it was uploaded (a double entry)
    flagged = models.BooleanField(default=False)
    scanned_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "nonce"], condition=~Q(nonce=""), name="checkin_nonce_once"
            )
        ]
        indexes = [
            models.Index(fields=["organizer", "-received_at"]),
            models.Index(fields=["date", "zone"]),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.result} {self.reason}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("check-in records are append-only")
        super().save(*args, **kwargs)


class Revocation(models.Model):
    """A code scanners must refuse offline: a cancelled ticket, a ticket of a cancelled,
    expired or opposed order, or a secret that was replaced. The id is the scanners'
    download cursor. The ticket is referred to without a database constraint so the
    entry outlives a deleted ticket."""

    class Reason(models.TextChoices):
        CANCELLED = "cancelled", _("Cancelled")
        OPPOSITION = "opposition", _("In opposition")
        CHANGED = "changed", _("Changed")

    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(
        Ticket, on_delete=models.DO_NOTHING, db_constraint=False, related_name="revocations"
    )
    date = models.ForeignKey(EventDate, on_delete=models.CASCADE, related_name="+")
    secret_hash = models.CharField(max_length=64)
    reason = models.CharField(max_length=12, choices=Reason.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "secret_hash"], name="revoke_code_once")
        ]
        indexes = [models.Index(fields=["date", "id"])]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.reason}"
