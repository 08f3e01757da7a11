"""Staff accounts: creation, password reset by email, the optional TOTP second factor."""

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from billetterie.core import ratelimit, totp
from billetterie.core.exceptions import InvalidInput
from billetterie.core.models import User
from billetterie.notifications.services import email_template_queue


def normalize_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(
            _("“%(email)s” is not a valid email address.") % {"email": email}
        ) from None
    return email


def check_password_strength(password: str, user: User | None = None) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages)) from error


@transaction.atomic
def staff_create(
    *, email: str, password: str | None, full_name: str = "", language: str = "fr"
) -> User:
    email = normalize_email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise InvalidInput(_("A staff account with this email already exists."))
    user = User(email=email, full_name=full_name.strip(), language=language)
    if password:
        check_password_strength(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


def password_reset_request(*, email: str, client_ip: str = "") -> None:
    """Email a reset link if the account exists. Says nothing either way (no enumeration)."""
    ratelimit.hit("password-reset", email, limit=5, window=3600)
    if client_ip:
        ratelimit.hit("password-reset-ip", client_ip, limit=20, window=3600)
    try:
        email = normalize_email(email)
    except InvalidInput:
        return
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        return
    link = settings.BASE_URL + reverse(
        "backoffice:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    email_template_queue(
        to=user.email,
        template="password_reset",
        context={"user": user, "link": link, "hours": settings.PASSWORD_RESET_TIMEOUT // 3600},
        language=user.language,
    )


@transaction.atomic
def totp_enable(*, user: User, secret: str, code: str) -> None:
    """Turn on the second factor once the user proved their app produces valid codes."""
    step = totp.matching_step(secret, code)
    if step is None:
        raise InvalidInput(_("The code is not valid. Check the time on your phone and try again."))
    user.totp_secret = secret
    user.totp_last_step = step
    user.save(update_fields=["totp_secret", "totp_last_step"])


@transaction.atomic
def totp_disable(*, user: User, password: str) -> None:
    if not user.check_password(password):
        raise InvalidInput(_("The password is not correct."))
    user.totp_secret = ""
    user.totp_last_step = 0
    user.save(update_fields=["totp_secret", "totp_last_step"])


def totp_verify(*, user: User, code: str) -> bool:
    """Check a login code; a code is accepted once (replay within its 30 s is refused)."""
    ratelimit.hit("totp", str(user.pk), limit=10, window=15 * 60)
    step = totp.matching_step(user.totp_secret, code)
    if step is None:
        return False
    # conditional update: two logins racing with the same code cannot both pass
    used = User.objects.filter(pk=user.pk, totp_last_step__lt=step).update(totp_last_step=step)
    if used:
        ratelimit.reset("totp", str(user.pk))
    return bool(used)
