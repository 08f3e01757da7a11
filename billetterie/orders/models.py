"""Carts, orders, tickets, customers and the order log (SHOP-2, DATA-1); the registration
form and its answers are in form_models.py (SHOP-4).

Places are never counted here: a cart line and a ticket point at the inventory hold that
owns their places. An order's money is fixed when it is placed (amounts are copied onto
the tickets), so later price changes never alter a sale.
"""

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from billetterie.catalog.models import EventDate, Price, Seat, Zone
from billetterie.core.models import Organizer, Shop
from billetterie.core.money import Currency
from billetterie.inventory.models import Hold
from billetterie.orders.exports.models import Export  # noqa: F401 (DATA-2)
from billetterie.orders.form_models import (  # noqa: F401 (the form models' app is orders)
    BuyerDetails,
    FormField,
    RegistrationForm,
)
from billetterie.orders.promotion_models import Promotion  # noqa: F401 (SHOP-6)
from billetterie.orders.ticket_layout_models import (  # noqa: F401 (PRN-1, PRN-2)
    ShopTicketLayout,
    TicketTemplate,
)


def new_secret() -> str:
    return secrets.token_urlsafe(24)


class Customer(BuyerDetails):
    """A buyer in the organizer's CRM, matched by email (DATA-1), with the details of their
    latest order (address, phone, ...) as far as the shop's form asked for them."""

    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="customers")
    email = models.EmailField(_("email"))
    first_name = models.CharField(_("first name"), max_length=120, blank=True)
    last_name = models.CharField(_("last name"), max_length=120, blank=True)
    language = models.CharField(_("language"), max_length=8, default="fr")
    # The optional buyer account (SHOP-5), per organizer, on the CRM record itself: buyers
    # are never staff users, so the back-office login can never take a buyer's password.
    # A Django password hash; empty until the buyer signs up. The account opens only once
    # the email is proven (email_verified_at), since orders are matched by email.
    password = models.CharField(_("password"), max_length=128, blank=True, default="")
    email_verified_at = models.DateTimeField(_("email confirmed at"), null=True, blank=True)
    last_login_at = models.DateTimeField(_("last login"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.UniqueConstraint(fields=["organizer", "email"], name="customer_email_per_org")
        ]

    def __str__(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return name or self.email

    @property
    def has_account(self) -> bool:
        """An open buyer account: signed up and email confirmed."""
        return bool(self.password) and self.email_verified_at is not None


class Cart(models.Model):
    """A buyer's cart in one shop, found by an unguessable key kept in their session."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="carts")
    key = models.CharField(max_length=64, unique=True, default=new_secret)
    language = models.CharField(max_length=8, default="fr")
    promo_code = models.CharField(max_length=40, blank=True)  # normalized (SHOP-6)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"cart {self.pk}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    hold = models.OneToOneField(Hold, on_delete=models.PROTECT, related_name="cart_line")
    date = models.ForeignKey(EventDate, on_delete=models.PROTECT, related_name="+")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="+")
    price = models.ForeignKey(Price, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    unit_amount = models.DecimalField(max_digits=10, decimal_places=2)
    options = models.JSONField(default=list, blank=True)  # [{"id", "name", "amount"}]
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.price}"


class ShopOrderCounter(models.Model):
    """The last order number of a shop; taken under a row lock so numbers have no gaps."""

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="order_counter")
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.last)


class Order(BuyerDetails):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for payment")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")
        OPPOSITION = "opposition", _("In opposition")

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="orders")
    number = models.PositiveIntegerField()
    secret = models.CharField(max_length=64, unique=True, default=new_secret)
    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    email = models.EmailField(_("email"))
    first_name = models.CharField(_("first name"), max_length=120, blank=True)
    last_name = models.CharField(_("last name"), max_length=120, blank=True)
    language = models.CharField(_("language"), max_length=8, default="fr")
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    currency = models.CharField(max_length=3, choices=Currency.choices)
    total = models.DecimalField(max_digits=10, decimal_places=2)
    payment_method = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    # the extra fields of the registration form: [{"field", "label", "kind", "value"}]
    answers = models.JSONField(default=list, blank=True)
    # the reductions applied when it was placed (SHOP-6): [{"promotion", "name", "amount"}]
    discounts = models.JSONField(default=list, blank=True)
    # Everything staff search an order by (number, email, names, answers), normalized by
    # orders/search.py and rewritten by every service that changes those fields. On
    # PostgreSQL a trigram GIN index (migration 0005) makes `LIKE '%fragment%'` fast.
    search_text = models.TextField(default="", blank=True, editable=False)
    # set when the buyer's identifying data was erased (DATA-3, DATA-4): shown as "Anonymous"
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "number"], name="order_number_per_shop")
        ]
        indexes = [
            models.Index(fields=["state", "expires_at"]),
            models.Index(fields=["shop", "-created_at"], name="order_shop_recent"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"{self.number:06d}"

    @property
    def buyer_name(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip() or self.email
        return name or (gettext("Anonymous") if self.anonymised_at else "")


class Ticket(models.Model):
    """One admitted person: a place of a date, at a price, with an unguessable secret."""

    class State(models.TextChoices):
        VALID = "valid", _("Valid")
        CANCELLED = "cancelled", _("Cancelled")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="tickets")
    hold = models.ForeignKey(Hold, on_delete=models.PROTECT, related_name="tickets")
    date = models.ForeignKey(EventDate, on_delete=models.PROTECT, related_name="tickets")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="tickets")
    seat = models.ForeignKey(
        Seat, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    price = models.ForeignKey(Price, on_delete=models.PROTECT, related_name="tickets")
    price_name = models.CharField(max_length=120)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    options = models.JSONField(default=list, blank=True)
    holder_name = models.CharField(max_length=240, blank=True)
    # the questions of its price (SHOP-4), same shape as Order.answers
    answers = models.JSONField(default=list, blank=True)
    secret = models.CharField(max_length=64, unique=True, default=new_secret)
    state = models.CharField(max_length=10, choices=State.choices, default=State.VALID)

    class Meta:
        ordering = ["order_id", "id"]

    def __str__(self) -> str:
        return f"{self.order.code}-{self.pk}"


class OrderEvent(models.Model):
    """What happened to an order, in order (placed, paid, email sent, cancelled, ...)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=60)
    data = models.JSONField(default=dict, blank=True)
    actor_label = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.kind
