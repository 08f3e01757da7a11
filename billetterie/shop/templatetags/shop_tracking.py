"""The organizer's head code, made runnable under the shop's Content-Security-Policy."""

import re

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

_SCRIPT_TAG = re.compile(r"<script(?=[\s>/])", re.IGNORECASE)
_NONCE = re.compile(r"^[A-Za-z0-9_-]+$")


@register.filter
def with_nonce(code, nonce) -> str:
    """The organizer's HTML with the page's nonce on every <script> tag, so that its inline
    scripts run although the policy has no 'unsafe-inline'.

    The nonce goes first (a browser keeps the first of two same-named attributes, so a
    nonce written in the code cannot win) and without quotes: a token_urlsafe value needs
    none, and a "<script" written inside a JavaScript string, as tag loaders do, stays
    valid JavaScript. The code itself is trusted: only a shop manager can set it.
    """
    nonce = str(nonce or "")
    if not code:
        return ""
    if not _NONCE.match(nonce):  # no CSP middleware: the code runs as it is
        return mark_safe(code)  # noqa: S308 - a shop manager's own code, by design
    tagged = _SCRIPT_TAG.sub(lambda tag: f"{tag.group(0)} nonce={nonce}", code)
    return mark_safe(tagged)  # noqa: S308
