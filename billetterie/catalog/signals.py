"""What the catalog tells the apps above it, which it must not import."""

from django.dispatch import Signal

# An event's price was copied to a new event (CAT-7), inside the copy's transaction:
# `source` and `copy` are Price rows. The registration form copies the price's questions.
price_copied = Signal()
