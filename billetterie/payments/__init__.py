"""Payment provider registry and providers, transactions, refunds, opposition."""
