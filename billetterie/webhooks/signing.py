"""The signature a receiver checks (API-3), in the same shape as the payment providers'
webhooks: `Billetterie-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "t.body")>`.

The timestamp is part of what is signed, so a captured request cannot be replayed later
than the receiver's tolerance; receivers deduplicate on the `Billetterie-Delivery` id.
"""

import hashlib
import hmac
import time

HEADER = "Billetterie-Signature"


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, *, tolerance: int = 300, now=None) -> bool:
    """What a receiver does: True when the header signs this body within `tolerance` s."""
    parts = dict(p.split("=", 1) for p in (header or "").split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
