"""Reading what a buyer sent: the "Add to cart" forms of a date page and the checkout form.

Nothing here decides whether something can be sold (the services do); bad input becomes an
InvalidInput with a message for the buyer, never an exception that would end in a 500.
"""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billetterie.catalog.models import Price
from billetterie.core.exceptions import InvalidInput
from billetterie.core.money import parse_amount

MAX_CHOICE = 10  # quantities offered in the drop-down when a price sets no maximum


def to_int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def quantity_choices(price: Price) -> range:
    return range(1, (price.max_per_order or MAX_CHOICE) + 1)


@dataclass
class AddToCart:
    price: Price
    quantity: int
    seat_ids: list[int]
    amount: Decimal | None
    option_ids: list[int]


def chosen_price(data, prices: dict[int, Price]) -> Price:
    price = prices.get(to_int(data.get("price")))
    if price is None:
        raise InvalidInput(_("This price is not on sale any more. Please choose another one."))
    return price


def read_add_to_cart(data, price: Price) -> AddToCart:
    """The request of one "Add to cart" form, for a price of `prices_on_sale`."""
    quantity, seat_ids = 0, []
    if price.zone.is_numbered:
        raw = data.getlist("seat")
        seat_ids = sorted({to_int(value) for value in raw} - {None})
        if len(seat_ids) != len(set(raw)):
            raise InvalidInput(_("Choose your seats on the seat map."))
        if not seat_ids:
            raise InvalidInput(_("Choose at least one seat on the seat map."))
        quantity = len(seat_ids)
    else:
        quantity = to_int(data.get("quantity"))
        if quantity is None or quantity < 1:
            raise InvalidInput(_("Choose how many tickets you want."))
    amount = None
    if price.kind == Price.Kind.PAY_WHAT_YOU_WANT:
        text = str(data.get(f"amount-{price.pk}", "")).strip()
        amount = parse_amount(text) if text else None
    option_ids = []
    for value in data.getlist(f"option-{price.pk}"):
        option_ids.append(to_int(value))
    for group in price.groups:
        value = str(data.get(f"group-{price.pk}-{group.pk}", "")).strip()
        if value:  # empty: the neutral choice
            option_ids.append(to_int(value))
    if None in option_ids:
        raise InvalidInput(_("An option you chose is not available."))
    return AddToCart(price, quantity, seat_ids, amount, option_ids)


class CheckoutForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Email"),
        help_text=gettext_lazy("Your tickets are sent to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    email_again = forms.EmailField(
        label=gettext_lazy("Email (again)"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    first_name = forms.CharField(
        label=gettext_lazy("First name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=gettext_lazy("Last name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )

    def clean(self):
        data = super().clean()
        email, again = data.get("email"), data.get("email_again")
        if email and again and email.strip().lower() != again.strip().lower():
            self.add_error("email_again", _("The two email addresses differ."))
        return data
