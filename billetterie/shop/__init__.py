"""Public storefront."""
