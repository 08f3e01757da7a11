"""Staff login with rate limiting on the email and on the client address."""

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _

from billetterie.core import ratelimit
from billetterie.core.exceptions import InvalidInput
from billetterie.core.models import User


def staff_authenticate(*, request, email: str, password: str, client_ip: str) -> User:
    """The account for these credentials, or InvalidInput / RateLimited.

    Failed attempts are counted per email and per address; a success clears the email's
    counter. The message never tells whether the email exists.
    """
    limit, window = settings.LOGIN_RATE_LIMIT
    email = (email or "").strip().lower()
    ratelimit.check("login", email, limit=limit)
    ratelimit.check("login-ip", client_ip, limit=limit * 5)
    user = authenticate(request, username=email, password=password)
    if user is None:
        ratelimit.hit("login", email, limit=limit + 1, window=window)
        ratelimit.hit("login-ip", client_ip, limit=limit * 5 + 1, window=window)
        raise InvalidInput(_("Email or password is not correct."), code="invalid_credentials")
    ratelimit.reset("login", email)
    return user
