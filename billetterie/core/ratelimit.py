"""Counting attempts at guessable things (logins, codes) in the shared cache.

The cache is Redis when several app servers run, so the limit holds across all of them.
"""

import hashlib

from django.core.cache import cache

from billetterie.core.exceptions import RateLimited


def _key(scope: str, identity: str) -> str:
    digest = hashlib.sha256(identity.strip().lower().encode()).hexdigest()[:32]
    return f"rl:{scope}:{digest}"


def attempts(scope: str, identity: str) -> int:
    return cache.get(_key(scope, identity), 0)


def hit(scope: str, identity: str, *, limit: int, window: int) -> None:
    """Count one attempt; raise RateLimited once `limit` attempts were made in `window` s."""
    key = _key(scope, identity)
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        count = 1
    if count > limit:
        raise RateLimited()


def check(scope: str, identity: str, *, limit: int) -> None:
    """Refuse without counting when the limit is already reached."""
    if attempts(scope, identity) >= limit:
        raise RateLimited()


def reset(scope: str, identity: str) -> None:
    cache.delete(_key(scope, identity))
