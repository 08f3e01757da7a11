"""Reading what a buyer sent: the "Add to cart" forms of a date page and the checkout form
(its fields come from the shop's registration form; the registration service checks them).

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
from billetterie.orders.form_models import STANDARD_FIELDS, FormField, Mode, Title
from billetterie.orders.queries import FormConfig
from billetterie.orders.services import registration

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


class DisplayField(forms.Field):
    """A field of the registration form as the checkout shows it. It does not check
    anything: registration.answers_clean does, and the view puts its errors on the fields.
    `optional` marks the fields a buyer may leave empty."""

    def __init__(self, *, optional: bool = False, **kwargs):
        super().__init__(required=False, **kwargs)
        self.optional = optional


# standard field → (widget, autocomplete) for the checkout
STANDARD_WIDGETS = {
    "first_name": (forms.TextInput, "given-name"),
    "last_name": (forms.TextInput, "family-name"),
    "company": (forms.TextInput, "organization"),
    "email": (forms.EmailInput, "email"),
    "street": (forms.TextInput, "street-address"),
    "zip_code": (forms.TextInput, "postal-code"),
    "city": (forms.TextInput, "address-level2"),
    "country": (forms.TextInput, "country-name"),
    "phone": (forms.TextInput, "tel"),
    "birth_date": (forms.DateInput, "bday"),
}


def _standard_field(key: str, mode: str) -> DisplayField:
    label = STANDARD_FIELDS[key][0]
    optional = mode != Mode.REQUIRED
    if key == "title":
        choices = [("", "—"), *Title.choices]
        return DisplayField(
            label=label,
            optional=optional,
            widget=forms.Select(choices=choices, attrs={"autocomplete": "honorific-prefix"}),
        )
    widget, autocomplete = STANDARD_WIDGETS[key]
    attrs = {"autocomplete": autocomplete}
    if key == "phone":
        attrs["type"] = "tel"
    if widget is forms.DateInput:
        return DisplayField(
            label=label,
            optional=optional,
            widget=forms.DateInput(attrs=attrs | {"type": "date"}, format="%Y-%m-%d"),
        )
    return DisplayField(label=label, optional=optional, widget=widget(attrs=attrs))


def _extra_field(form_field: FormField, language: str) -> DisplayField:
    kind, label = form_field.kind, form_field.label_in(language)
    optional = not form_field.required
    choices = [(choice, choice) for choice in form_field.choices]
    if kind == FormField.Kind.LONG_TEXT:
        widget = forms.Textarea(attrs={"rows": 4})
    elif kind == FormField.Kind.NUMBER:
        widget = forms.TextInput(attrs={"inputmode": "decimal"})
    elif kind == FormField.Kind.DATE:
        widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    elif kind == FormField.Kind.CHOICE:
        widget = forms.Select(choices=[("", "—"), *choices])
    elif kind == FormField.Kind.MULTIPLE:
        widget = forms.CheckboxSelectMultiple(choices=choices)
    elif kind == FormField.Kind.FILE:
        widget = forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"})
    else:
        widget = forms.TextInput()
    help_text = (
        gettext_lazy("A PDF, JPEG or PNG file of at most 10 MB.")
        if kind == FormField.Kind.FILE
        else ""
    )
    return DisplayField(label=label, optional=optional, widget=widget, help_text=help_text)


@dataclass
class TicketFieldset:
    legend: str
    names: list[str]


class CheckoutForm(forms.Form):
    """The checkout form, built from the shop's registration form (SHOP-4): the standard
    fields in their modes, the email asked twice, the extra fields, then one fieldset per
    ticket whose price asks questions."""

    def __init__(self, *args, config: FormConfig, slots=(), language: str = "fr", **kwargs):
        super().__init__(*args, **kwargs)
        for key, mode in config.asked():
            self.fields[key] = _standard_field(key, mode)
            if key == "email":
                self.fields["email"].help_text = gettext_lazy(
                    "Your tickets are sent to this address."
                )
                self.fields["email_again"] = forms.EmailField(
                    label=gettext_lazy("Email (again)"),
                    widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                )
        for form_field in config.extra:
            self.fields[registration.extra_name(form_field)] = _extra_field(form_field, language)
        self.ticket_fieldsets = []
        for slot in slots:
            questions = config.questions.get(slot.price.pk, [])
            if not questions:
                continue
            names = []
            for form_field in questions:
                name = registration.question_name(slot, form_field)
                self.fields[name] = _extra_field(form_field, language)
                names.append(name)
            legend = _("Ticket %(n)s — %(price)s — %(event)s") % {
                "n": slot.number,
                "price": slot.price.name,
                "event": slot.event_name,
            }
            self.ticket_fieldsets.append(TicketFieldset(legend, names))
        self.has_files = any(isinstance(f.widget, forms.FileInput) for f in self.fields.values())

    def clean(self):
        data = super().clean()
        email, again = data.get("email"), data.get("email_again")
        if email and again and email.strip().lower() != again.strip().lower():
            self.add_error("email_again", _("The two email addresses differ."))
        return data

    def add_refusal(self, refusal: InvalidInput) -> None:
        """Put the errors of registration.answers_clean next to their fields."""
        errors = refusal.params.get("errors") or {}
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        if not errors:
            self.add_error(None, refusal.message)

    def buyer_fields(self):
        asked = {name for fieldset in self.ticket_fieldsets for name in fieldset.names}
        return [self[name] for name in self.fields if name not in asked]

    def ticket_groups(self):
        return [
            (fieldset.legend, [self[name] for name in fieldset.names])
            for fieldset in self.ticket_fieldsets
        ]
