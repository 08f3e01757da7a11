"""What the QR code of each ticket holds.

By default a ticket's QR code holds its secret. Check-in lives below orders (it imports
orders, never the reverse), so when it can do better (a payload signed for offline
scanning, on shops that turned signed codes on) it registers a provider here in its
`AppConfig.ready()`, as lower payment methods register in the payments registry.

A provider takes the tickets and returns {ticket id: QR content}; a ticket it leaves out
keeps its secret. It is called once for all the tickets of a document.
"""

from collections.abc import Callable, Sequence

Provider = Callable[[Sequence], dict[int, str]]

_provider: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Make `provider` the one that says what tickets' QR codes hold (the last one wins:
    registering again, e.g. when apps are set up twice in tests, replaces it)."""
    _provider[:] = [provider]
    return provider


def qr_contents(tickets: Sequence) -> dict[int, str]:
    """{ticket id: what its QR code holds} for `tickets` (Ticket objects)."""
    tickets = list(tickets)
    contents = {ticket.pk: ticket.secret for ticket in tickets}
    if _provider and tickets:
        contents.update(_provider[0](tickets))
    return contents
