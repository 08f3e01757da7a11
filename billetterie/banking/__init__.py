"""Bank accounts, invoice payments with QR references, camt import and matching."""
