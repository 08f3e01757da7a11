"""Quick cancellation from the scanner (SCAN-5): scanning an unsold pre-printed ticket
cancels it and puts its place back on sale.

What "unsold pre-printed" means here: a valid ticket that never entered, whose order was
never paid and keeps its places *without a payment deadline* — an order placed for the box
office or a reseller and printed in advance, or a reservation to be paid on site (PAY-8);
both are `pending` with no `expires_at`. Refused, with a stable reason code:
- `sold`: the order is paid (a sold ticket is never cancelled from the door);
- `payment_pending`: an online order still within its payment deadline (it is not stock);
- `already_used`: the ticket entered already;
- `cancelled`, `opposition`, `unknown`, `invalid_signature`, `wrong_date`, `wrong_zone`: as
  for a scan.
Only a session whose profile allows it (a manager's choice; never a session a device
defined itself) may cancel. The order's amount due goes down by the ticket's amount; an
order left with no valid ticket is cancelled. The order log says which device did it.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billetterie.checkin.exceptions import NoSession, NotCancellable
from billetterie.checkin.models import ScanDevice, TicketCheckinState
from billetterie.checkin.services.redeem import MESSAGES, Reason, TicketInfo, ticket_lookup
from billetterie.core.exceptions import InvalidInput, PermissionRefused
from billetterie.orders.models import Order, Ticket
from billetterie.orders.services.ticket_cancel import ticket_cancel

SOLD = "sold"
PAYMENT_PENDING = "payment_pending"


@dataclass(frozen=True)
class CancelResult:
    ticket: TicketInfo
    order_cancelled: bool  # it was the order's last valid ticket


def _refuse(reason: str, message=None):
    messages = {
        SOLD: _("This ticket was sold: it cannot be cancelled at the door."),
        PAYMENT_PENDING: _("This online order is still waiting for its payment."),
    }
    text = message or messages.get(reason) or MESSAGES.get(reason)
    raise NotCancellable(text, reason=reason)


def _unsold_pre_printed(ticket: Ticket) -> None:
    """Refuse unless the ticket is unsold stock; runs with the order row locked."""
    order = ticket.order
    if order.state == Order.State.PAID:
        _refuse(SOLD)
    if order.state == Order.State.OPPOSITION:
        _refuse(Reason.OPPOSITION)
    if order.state != Order.State.PENDING:
        _refuse(Reason.CANCELLED)
    if order.expires_at is not None:
        _refuse(PAYMENT_PENDING)
    if TicketCheckinState.objects.filter(pk=ticket.pk, entries__gt=0).exists():
        _refuse(Reason.ALREADY_USED)


def ticket_quick_cancel(
    *, device: ScanDevice, code: str = "", ticket_id: int | None = None
) -> CancelResult:
    profile = device.profile
    if profile is None:
        raise NoSession()
    if not profile.allow_quick_cancel:
        raise PermissionRefused(
            _("Quick cancellation is not allowed in this session."), code="quick_cancel_off"
        )
    code = (code or "").strip()
    if not code and ticket_id is None:
        raise InvalidInput(_("Scan a code or choose a ticket."), fields={"code": "required"})
    ticket, reason = ticket_lookup(
        device=device, profile=profile, code=code, ticket_id=ticket_id, at=timezone.now()
    )
    if reason:
        _refuse(reason)
    if ticket.state == Ticket.State.CANCELLED or ticket.date_cancelled:
        _refuse(Reason.CANCELLED)
    if not (ticket.in_dates or ticket.in_events):
        _refuse(Reason.WRONG_DATE)
    if ticket.zones_chosen and not ticket.zone_listed:
        _refuse(Reason.WRONG_ZONE)
    info = TicketInfo.of(ticket)
    cancelled = ticket_cancel(
        ticket_id=ticket.id,
        actor_label=f"scanner: {device.name}"[:254],
        check=_unsold_pre_printed,
        reason="quick_cancel",
    )
    return CancelResult(ticket=info, order_cancelled=cancelled.order.state == Order.State.CANCELLED)
