"""Order services: carts, placing orders, paying, expiring. One transaction each."""
