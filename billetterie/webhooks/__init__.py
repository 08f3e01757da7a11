"""Webhooks (API-3): signed notifications of order and check-in events to the shops'
own endpoints, retried with backoff, with a delivery log in the back office."""
