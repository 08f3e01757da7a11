"""Secrets at rest (payment provider keys, signing keys): encrypted with a key derived from
SECRET_KEY, so a database dump alone reveals none of them.

Fernet (AES-128-CBC + HMAC-SHA256) under a key derived by HKDF-SHA256 with a purpose string,
so a token sealed for one purpose never opens for another. Tokens sealed under a previous
SECRET_KEY still open while it is listed in SECRET_KEY_FALLBACKS.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class SecretUnreadable(Exception):
    """The token was sealed under a SECRET_KEY this installation no longer has."""


def _derive(secret: str, purpose: bytes) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        secret.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _box(purpose: bytes) -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_derive(s, purpose) for s in secrets])


def seal(data: bytes, *, purpose: bytes) -> str:
    return _box(purpose).encrypt(data).decode("ascii")


def unseal(token: str, *, purpose: bytes) -> bytes:
    try:
        return _box(purpose).decrypt(token.encode("ascii"))
    except (InvalidToken, ValueError):
        raise SecretUnreadable() from None
