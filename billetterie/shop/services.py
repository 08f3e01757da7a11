"""Changing the shop's tracking settings (SHOP-8).

The head code is the organizer's own HTML and runs on the shop pages; what the
Content-Security-Policy allows on top of the shop's own policy is limited to https://
addresses for script-src, img-src and connect-src. Keywords ('unsafe-inline',
'unsafe-eval'), schemes (data:, http:) and the bare "*" would open the page to any script,
so they are refused with a message saying why.
"""

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billetterie.core import audit
from billetterie.core.exceptions import InvalidInput
from billetterie.core.models import Level, Shop, User
from billetterie.core.permissions import require_level
from billetterie.shop.models import ShopTracking

MAX_HEAD_CODE = 20_000
MAX_SOURCES = 20
MAX_SOURCE_LENGTH = 200

# https://host[:port][/path] where host is a DNS name of two labels or more, or a
# *.wildcard followed by two labels or more (https://*.com would allow half the web).
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_SOURCE = re.compile(
    rf"^https://(?:\*\.)?{_LABEL}(?:\.{_LABEL})+(?::\d{{1,5}})?(?:/[a-z0-9._~%/-]*)?$",
    re.IGNORECASE,
)
SOURCE_FIELDS = ["extra_script_src", "extra_img_src", "extra_connect_src"]
FIELDS = ["head_code", *SOURCE_FIELDS]


def source_problem(source: str) -> str:
    """Why `source` cannot be added to the shop's policy, or "" when it can."""
    if not source:
        return _("A source cannot be empty.")
    if len(source) > MAX_SOURCE_LENGTH:
        return _("“%(source)s…” is too long (at most %(n)s characters).") % {
            "source": source[:40],
            "n": MAX_SOURCE_LENGTH,
        }
    if any(char.isspace() for char in source):
        return _("“%(source)s” contains a space: give one source per line.") % {"source": source}
    if any(char in source for char in "'\""):
        return _(
            "“%(source)s”: keywords in quotes such as 'unsafe-inline' or 'unsafe-eval' are "
            "not allowed; only https:// addresses are."
        ) % {"source": source}
    if any(char in source for char in ";,"):
        return _("“%(source)s”: a source cannot contain “;” or “,”.") % {"source": source}
    if "*" in source and not source.lower().startswith("https://*."):
        if source.strip("*") == "" or source.lower() in ("https://*", "http://*"):
            return _("“*” would allow any site: give the https:// address of each service.")
        return _(
            "“%(source)s”: a wildcard is only allowed at the start of the host name, "
            "e.g. https://*.example.com."
        ) % {"source": source}
    lowered = source.lower()
    if lowered.startswith("http://"):
        return _("“%(source)s” is not encrypted: use its https:// address.") % {"source": source}
    if not lowered.startswith("https://"):
        return _(
            "“%(source)s”: only https:// addresses are allowed (no data:, blob: or other schemes)."
        ) % {"source": source}
    if lowered in ("https://", "https://*.") or lowered.startswith("https:///"):
        return _("“%(source)s” needs a host name, e.g. https://www.googletagmanager.com.") % {
            "source": source
        }
    if not _SOURCE.match(source):
        return _(
            "“%(source)s” is not a valid address: use https://host.example.com, optionally "
            "with a path, or https://*.example.com."
        ) % {"source": source}
    return ""


def is_valid_source(source) -> bool:
    return isinstance(source, str) and not source_problem(source)


def _clean_sources(sources, label: str) -> list[str]:
    cleaned: list[str] = []
    for raw in sources or ():
        source = str(raw).strip()
        if not source:
            continue
        problem = source_problem(source)
        if problem:
            raise InvalidInput(f"{label}: {problem}", code="invalid_source", source=source)
        host, slash, path = source[len("https://") :].partition("/")
        source = f"https://{host.lower()}{slash}{path}"  # a path may be case-sensitive
        if source not in cleaned:
            cleaned.append(source)
    if len(cleaned) > MAX_SOURCES:
        raise InvalidInput(
            _("%(label)s: at most %(n)s sources.") % {"label": label, "n": MAX_SOURCES},
            code="too_many_sources",
        )
    return cleaned


@transaction.atomic
def tracking_update(
    *,
    shop: Shop,
    actor: User,
    head_code: str = "",
    extra_script_src=(),
    extra_img_src=(),
    extra_connect_src=(),
) -> ShopTracking:
    """Set the shop's tracking code and the extra sources its policy allows (SHOP-8)."""
    require_level(actor, shop.organizer, Level.MANAGE, shop=shop)
    head_code = (head_code or "").strip()
    if len(head_code) > MAX_HEAD_CODE:
        raise InvalidInput(
            _("The code is too long (at most %(n)s characters).") % {"n": MAX_HEAD_CODE},
            code="head_code_too_long",
        )
    values = {
        "head_code": head_code,
        "extra_script_src": _clean_sources(extra_script_src, _("Scripts")),
        "extra_img_src": _clean_sources(extra_img_src, _("Images")),
        "extra_connect_src": _clean_sources(extra_connect_src, _("Connections")),
    }
    tracking = ShopTracking.objects.select_for_update().filter(shop=shop).first()
    if tracking is None:
        tracking = ShopTracking(shop=shop)
    changes = audit.diff(tracking, FIELDS, values)
    if not changes:  # nothing to save, nothing to log (a new row would hold only defaults)
        return tracking
    for field, value in values.items():
        setattr(tracking, field, value)
    tracking.updated_at = timezone.now()
    tracking.save()
    audit.record(
        organizer=shop.organizer,
        actor=actor,
        action="shop.tracking_changed",
        target=shop,
        shop=shop,
        changes=changes,
    )
    return tracking
