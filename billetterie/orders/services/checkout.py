"""Placing an order from a cart, and what happens when it is paid or never paid."""

import logging
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billetterie.core.services.staff import normalize_email
from billetterie.inventory import services as inventory
from billetterie.inventory.exceptions import HoldExpired
from billetterie.inventory.models import DateSeat
from billetterie.orders import uploads
from billetterie.orders.exceptions import (
    CartEmpty,
    CartExpired,
    OrderNotPayable,
    PromotionUsedUp,
)
from billetterie.orders.form_models import DETAIL_FIELDS
from billetterie.orders.models import (
    Cart,
    Customer,
    Order,
    OrderEvent,
    Promotion,
    ShopOrderCounter,
    Ticket,
)
from billetterie.orders.search import order_search_refresh
from billetterie.orders.services import promotions
from billetterie.orders.services.cart import cart_read
from billetterie.orders.services.registration import BuyerAnswers, store_answers
from billetterie.orders.signals import order_changed

logger = logging.getLogger(__name__)

DEFAULT_PAYMENT_WINDOW = timedelta(minutes=30)


def log(order: Order, kind: str, actor_label: str = "", **data) -> OrderEvent:
    """Append to the order's history; integrations hear of it once the change commits."""
    event = OrderEvent.objects.create(order=order, kind=kind, data=data, actor_label=actor_label)
    if order_changed.receivers:
        transaction.on_commit(lambda: order_changed.send(sender=Order, order=order, kind=kind))
    return event


def _next_number(shop) -> int:
    """The shop's next order number, without gaps: the counter row is locked until commit."""
    counter, _created = ShopOrderCounter.objects.get_or_create(shop=shop)
    counter = ShopOrderCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def customer_for(
    *,
    organizer,
    email: str,
    first_name: str,
    last_name: str,
    language: str,
    details: dict | None = None,
):
    """The organizer's customer with this email, created on first purchase (DATA-1). The
    details a later order gives (address, phone, ...) replace the ones it had; a detail
    the order leaves empty keeps the customer's."""
    details = {key: value for key, value in (details or {}).items() if value not in ("", None)}
    customer, created = Customer.objects.get_or_create(
        organizer=organizer,
        email=email,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "language": language,
            **details,
        },
    )
    if not created and (first_name or last_name or details):
        Customer.objects.filter(pk=customer.pk).update(
            first_name=first_name or customer.first_name,
            last_name=last_name or customer.last_name,
            language=language,
            **details,
        )
    return customer


def _check_code_still_usable(cart: Cart, view) -> None:
    """The buyer saw their code's reduction: if the code stopped applying (used up or
    expired meanwhile), the order is not placed at another price without telling them."""
    if not cart.promo_code:
        return
    if any(d.promotion.kind == Promotion.Kind.CODE for d in view.discounts):
        return
    promotion = Promotion.objects.filter(
        shop_id=cart.shop_id, kind=Promotion.Kind.CODE, code=cart.promo_code
    ).first()
    if promotion is not None and not promotion.is_valid_at(timezone.now()):
        raise PromotionUsedUp(
            _("The promo code %(code)s cannot be used any more: remove it from your cart.")
            % {"code": cart.promo_code}
        )


@transaction.atomic
def order_place(
    *,
    cart: Cart,
    email: str,
    first_name: str = "",
    last_name: str = "",
    language: str = "fr",
    payment_method: str = "",
    payment_window: timedelta = DEFAULT_PAYMENT_WINDOW,
    answers: BuyerAnswers | None = None,
    ticket_answers: dict | None = None,
) -> Order:
    """Turn the cart into an order waiting for payment, with one ticket per place.

    The cart's holds become the order's (confirmed: they no longer expire with the cart);
    if any of them expired meanwhile, nothing is placed and the buyer is told.

    `answers` and `ticket_answers` are the registration form's answers as
    registration.answers_clean returns them (SHOP-4): the buyer's details and extra fields
    go on the order, each ticket gets the answers of its (cart line id, index) slot. Their
    files are stored last, once nothing else can refuse the order.
    """
    view = cart_read(cart=cart)
    if view.dropped:
        raise CartExpired()
    if not view.lines:
        raise CartEmpty()
    shop = cart.shop
    _check_code_still_usable(cart, view)
    # one use of each applied promotion, refused if one was used up meanwhile (SHOP-6)
    promotions.promotions_consume(view.discounts)
    email = normalize_email(email)
    answers = answers or BuyerAnswers()
    ticket_answers = ticket_answers or {}
    details = {key: value for key, value in answers.buyer.items() if key in DETAIL_FIELDS}
    customer = customer_for(
        organizer=shop.organizer,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        language=language,
        details=details,
    )
    order = Order.objects.create(
        shop=shop,
        number=_next_number(shop),
        customer=customer,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        language=language,
        currency=shop.currency,
        total=view.to_pay,
        discounts=[d.as_dict() for d in view.discounts],
        payment_method=payment_method,
        expires_at=timezone.now() + payment_window,
        **details,
    )
    holder = order.buyer_name
    tickets, slots = [], []
    for line in view.lines:
        try:
            inventory.confirm(line.hold)
        except HoldExpired:
            raise CartExpired() from None
        seats = list(
            DateSeat.objects.filter(hold=line.hold).order_by("pk").values_list("seat_id", flat=True)
        )
        for index in range(line.quantity):
            tickets.append(
                Ticket(
                    order=order,
                    hold=line.hold,
                    date=line.date,
                    zone=line.zone,
                    seat_id=seats[index] if index < len(seats) else None,
                    price=line.price,
                    price_name=line.price.name,
                    amount=line.unit_amount,
                    options=line.options,
                    holder_name=holder,
                )
            )
            slots.append((line.pk, index))
    stored: list[str] = []
    try:
        order.answers = store_answers(answers.extra, organizer_id=shop.organizer_id, stored=stored)
        for ticket, slot in zip(tickets, slots, strict=True):
            ticket.answers = store_answers(
                ticket_answers.get(slot, []), organizer_id=shop.organizer_id, stored=stored
            )
        if order.answers:
            order.save(update_fields=["answers"])
        Ticket.objects.bulk_create(tickets)
    except BaseException:
        uploads.delete_stored(stored)  # the transaction rolls back: no file without its order
        raise
    order_search_refresh(order, tickets)
    cart.lines.all().delete()
    log(order, "placed", total=str(order.total), tickets=len(tickets), discounts=order.discounts)
    return order


@transaction.atomic
def order_paid(*, order: Order, provider: str, reference: str = "") -> Order:
    """Mark a pending order paid and send the tickets. Idempotent: a second notification
    for the same order changes nothing."""
    updated = Order.objects.filter(pk=order.pk, state=Order.State.PENDING).update(
        state=Order.State.PAID, paid_at=timezone.now(), expires_at=None, payment_method=provider
    )
    order.refresh_from_db()
    if not updated:
        if order.state == Order.State.PAID:
            return order
        raise OrderNotPayable()
    log(order, "paid", provider=provider, reference=reference)
    from billetterie.orders.tasks import send_order_confirmation

    transaction.on_commit(lambda: send_order_confirmation.enqueue(order.pk))
    return order


@transaction.atomic
def order_reserve(*, order: Order, provider: str) -> Order:
    """Keep a pending order's places until it is paid at the box office (PAY-8)."""
    updated = Order.objects.filter(pk=order.pk, state=Order.State.PENDING).update(
        expires_at=None, payment_method=provider
    )
    if not updated:
        raise OrderNotPayable()
    order.refresh_from_db()
    log(order, "reserved", provider=provider)
    from billetterie.orders.tasks import send_order_confirmation

    transaction.on_commit(lambda: send_order_confirmation.enqueue(order.pk))
    return order


def order_expire(*, order: Order) -> bool:
    """An unpaid order past its payment window: its places go back on sale."""
    with transaction.atomic():
        updated = Order.objects.filter(
            pk=order.pk, state=Order.State.PENDING, expires_at__lte=timezone.now()
        ).update(state=Order.State.EXPIRED)
        if not updated:
            return False
        for hold in {t.hold for t in order.tickets.select_related("hold")}:
            inventory.release(hold, sold_too=True)
        order.tickets.update(state=Ticket.State.CANCELLED)
        log(order, "expired")
    return True


def orders_expire_due(*, limit: int = 500) -> int:
    due = Order.objects.filter(state=Order.State.PENDING, expires_at__lte=timezone.now())
    return sum(order_expire(order=o) for o in due.order_by("expires_at")[:limit])


def order_total_due(order: Order) -> Decimal:
    return order.total if order.state == Order.State.PENDING else Decimal("0.00")
