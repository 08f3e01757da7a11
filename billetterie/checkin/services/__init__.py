"""Check-in use cases, one module each: devices (login, revoke, session), profiles,
signing (signed codes, keys), redeem (a scan, offline sync), cancel (quick cancellation),
revocations (the list scanners download)."""
