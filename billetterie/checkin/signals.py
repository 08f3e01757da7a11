"""What check-in tells the apps above it (webhooks), which it must not import.

`checkin_created` is sent after commit for every admitted scan (an entry or an exit), not
for refusals. Keyword arguments: `checkin_id`, `shop_id`, `ticket_id`, `date_id`,
`zone_id`, `direction`, `scanned_at`, `offline`, `device_id`.
"""

from django.dispatch import Signal

checkin_created = Signal()
