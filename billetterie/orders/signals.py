"""What orders tell the apps above them (webhooks, integrations), which it must not import.

`order_changed` is sent after the transaction that changed the order has committed, so a
receiver never sees a change that was rolled back. Keyword arguments: `order` (the Order
as the service left it) and `kind`, the order-history kind ("placed", "paid",
"cancelled", "expired", ...).
"""

from django.dispatch import Signal

order_changed = Signal()
