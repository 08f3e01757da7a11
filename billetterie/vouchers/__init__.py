"""Gift vouchers; registers its own payment provider."""
