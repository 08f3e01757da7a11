"""The shops' Ed25519 signing keys at rest.

A private key is stored encrypted (Fernet: AES-128-CBC + HMAC-SHA256) with a key derived
from SECRET_KEY by HKDF-SHA256, so a database dump alone cannot sign tickets. Keys
encrypted under a previous SECRET_KEY still open while it is listed in
SECRET_KEY_FALLBACKS; changing SECRET_KEY without a fallback makes the shops' keys
unusable for signing (existing codes still verify: public keys are stored in clear) — rotate
the keys then (services/signing.py: signing_key_rotate).
"""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from billetterie.checkin.exceptions import SigningUnavailable
from billetterie.checkin.models import SigningKey
from billetterie.core.secretbox import SecretUnreadable, seal, unseal

_INFO = b"billetterie checkin signing keys v1"


def new_key_pair() -> tuple[bytes, str]:
    """(raw public key, encrypted private key) of a fresh Ed25519 key pair."""
    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return public, seal(raw_private, purpose=_INFO)


def open_private_key(encrypted: str) -> Ed25519PrivateKey:
    try:
        raw = unseal(encrypted, purpose=_INFO)
    except SecretUnreadable:
        raise SigningUnavailable() from None
    return Ed25519PrivateKey.from_private_bytes(raw)


def active_signers(shop_ids) -> dict[int, tuple[int, Ed25519PrivateKey]]:
    """{shop id: (key id, private key)} of the active keys of these shops: one query."""
    rows = SigningKey.objects.filter(shop_id__in=list(shop_ids), is_active=True).values_list(
        "shop_id", "pk", "private_key_encrypted"
    )
    return {shop_id: (pk, open_private_key(encrypted)) for shop_id, pk, encrypted in rows}
