"""Which addresses a webhook may be sent to.

An organizer types the URL, and the request leaves from our servers: without a check it
could reach the platform's own private network (SSRF). Only http(s) to public addresses,
checked both when the endpoint is saved and just before each attempt (DNS may change);
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES lets tests and closed installations use local receivers.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from billetterie.core.exceptions import InvalidInput


def _private(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return not ip.is_global or ip.is_multicast


def check_url(url: str, *, resolve: bool) -> str:
    """The cleaned URL, or InvalidInput with the reason."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidInput(_("Enter an http:// or https:// address."), field="url")
    if parts.username or parts.password:
        raise InvalidInput(_("The address must not contain a user name or password."), field="url")
    if len(url) > 500:
        raise InvalidInput(_("The address is too long (at most 500 characters)."), field="url")
    if getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", False):
        return url
    host = parts.hostname
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None or host == "localhost" or host.endswith(".localhost"):
        if literal is None or _private(host):
            raise InvalidInput(_("Webhooks can only be sent to public addresses."), field="url")
        return url
    if resolve:
        try:
            infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
        except OSError:
            raise InvalidInput(_("The host name cannot be found."), field="url") from None
        if any(_private(info[4][0]) for info in infos):
            raise InvalidInput(_("Webhooks can only be sent to public addresses."), field="url")
    return url
