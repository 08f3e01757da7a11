"""Organizers, shops, staff accounts, teams, grants and the audit log."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billetterie.core.money import Currency

SHOP_LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


def validate_languages(value) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one language."))
    unknown = [code for code in value if code not in SHOP_LANGUAGE_CODES]
    if unknown:
        raise ValidationError(
            _("Unknown language: %(codes)s"), params={"codes": ", ".join(unknown)}
        )


def default_languages() -> list[str]:
    return ["fr", "en"]


class DisplayMode(models.TextChoices):
    """How the shop shows the dates of a multi-date event (CAT-5)."""

    LIST = "list", _("List")
    MONTH = "month", _("Month")
    WEEK = "week", _("Week")


def default_display_modes() -> list[str]:
    return list(DisplayMode.values)


def validate_display_modes(value) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Offer at least one way of showing the dates."))
    unknown = [str(mode) for mode in value if mode not in DisplayMode.values]
    if unknown:
        raise ValidationError(
            _("Unknown display mode: %(modes)s"), params={"modes": ", ".join(unknown)}
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("A display mode is listed twice."))


def check_default_display_mode(modes, default: str) -> None:
    """The default way of showing dates must be one the buyers are offered."""
    if isinstance(modes, list) and modes and default not in modes:
        raise ValidationError(
            {
                "default_display_mode": _(
                    "The default display must be one of the modes offered to buyers."
                )
            }
        )


class Organizer(models.Model):
    """The account that runs events: a tenant. Everything it owns reaches it by a foreign key."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Shop(models.Model):
    """One ticket shop of an organizer (a billetterie), usually one per season or edition."""

    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="shops")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60)
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.CHF
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Zurich", validators=[validate_time_zone]
    )
    languages = models.JSONField(
        _("languages"), default=default_languages, validators=[validate_languages]
    )
    default_language = models.CharField(_("default language"), max_length=8, default="fr")
    show_remaining_places = models.BooleanField(
        _("show the number of remaining places to buyers"), default=False
    )
    display_modes = models.JSONField(
        _("date display modes offered to buyers"),
        default=default_display_modes,
        validators=[validate_display_modes],
    )
    default_display_mode = models.CharField(
        _("default date display"),
        max_length=8,
        choices=DisplayMode.choices,
        default=DisplayMode.LIST,
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organizer_id", "-created_at", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organizer", "slug"], name="shop_slug_unique_per_org")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.default_language not in (self.languages or []):
            errors["default_language"] = _(
                "The default language must be one of the shop's languages."
            )
        try:
            check_default_display_mode(self.display_modes, self.default_display_mode)
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)

    @property
    def zone_info(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("a staff account needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A staff account. Access to an organizer comes only from grants (see permissions.py).

    `is_staff`/`is_superuser` mean platform operator (Django admin), never organizer access.
    """

    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=8, default="fr")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # TOTP needs the shared secret in clear to compute codes; it never leaves the server.
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_last_step = models.BigIntegerField(default=0)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def has_totp(self) -> bool:
        return bool(self.totp_secret)


class Level(models.IntegerChoices):
    """Permission levels, each including the ones below it (ORG-2).

    Check-in sits below the box office: door volunteers get the least power, counter staff
    can also scan, and only managers change prices, events, settings and teams.
    """

    VIEW = 10, _("View")
    SCAN = 20, _("Check-in (scan)")
    BOX_OFFICE = 30, _("Box office (sell)")
    MANAGE = 40, _("Manage")


class Team(models.Model):
    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=120)
    members = models.ManyToManyField(User, related_name="teams", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organizer", "name"], name="team_name_unique_per_org")
        ]

    def __str__(self) -> str:
        return self.name


class Grant(models.Model):
    """A permission level given to one user or one team, on an organizer, a shop or an event.

    An event is referred to by its id only: core knows nothing of the catalog. The catalog
    deletes the grants of an event it deletes.
    """

    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="grants")
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="grants"
    )
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="grants"
    )
    shop = models.ForeignKey(
        Shop, on_delete=models.CASCADE, null=True, blank=True, related_name="grants"
    )
    event_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["organizer_id", "shop_id", "event_id", "-level"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False, team__isnull=True))
                | (Q(user__isnull=True, team__isnull=False)),
                name="grant_to_user_or_team",
            ),
            models.CheckConstraint(
                condition=Q(event_id__isnull=True) | Q(shop__isnull=False),
                name="grant_event_needs_shop",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} → {self.user or self.team}"

    @property
    def scope_label(self) -> str:
        if self.event_id:
            return _("event #%(id)s in %(shop)s") % {"id": self.event_id, "shop": self.shop}
        if self.shop_id:
            return str(self.shop)
        return _("whole organizer")


class StaffInvitation(models.Model):
    """An emailed invitation to join an organizer's team. Only the token's hash is stored."""

    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class AuditLogEntry(models.Model):
    """Who changed what, when (ORG-4). Append-only: services write, nobody edits."""

    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="audit_log")
    shop = models.ForeignKey(Shop, on_delete=models.SET_NULL, null=True, blank=True)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True)
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=254, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organizer", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    @property
    def change_lines(self) -> list[tuple[str, str]]:
        """(field, "old → new") pairs for display; changes hold [old, new] or a value."""
        lines = []
        for key, value in (self.changes or {}).items():
            if isinstance(value, list) and len(value) == 2:
                lines.append((key, f"{value[0]} → {value[1]}"))
            else:
                lines.append((key, str(value)))
        return lines


class PeriodicSchedule(models.Model):
    """When a periodic task is next due. Claimed by conditional update, so N workers enqueue
    each run once."""

    name = models.CharField(max_length=200, unique=True)
    next_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name
