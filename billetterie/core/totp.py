"""Time-based one-time passwords (RFC 6238) for the optional second factor of staff."""

import time

import pyotp
import segno

ISSUER = "billetterie"
VALID_WINDOW = 1  # accept the previous and the next 30 s step: phones drift


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code for authenticator apps."""
    return segno.make_qr(uri).svg_inline(scale=4)


def matching_step(secret: str, code: str, *, now: float | None = None) -> int | None:
    """The time step the code belongs to, or None. Used to refuse a replayed code."""
    code = "".join(ch for ch in str(code) if ch.isdigit())
    if len(code) != 6:
        return None
    otp = pyotp.TOTP(secret)
    now = time.time() if now is None else now
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        at = now + offset * otp.interval
        if otp.at(at) == code:
            return int(at // otp.interval)
    return None
