"""Carts, orders, tickets, customers, forms and answers, promotions, confirmations."""
