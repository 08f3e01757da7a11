"""Back-office catalog forms: they parse what people type; the rules are in the services."""

import re
import string
from datetime import time

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billetterie.catalog.models import Event, EventImage, Price, Zone
from billetterie.core.exceptions import DomainError
from billetterie.core.money import parse_amount

MAX_ROWS = 60
MAX_SEATS_PER_ROW = 120
WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
REPETITIONS = [
    ("once", _("Once (the first day only)")),
    ("day", _("Every day")),
    ("week", _("Every week, on the days ticked below")),
    ("month", _("Every month, on the same day")),
]


class LocalDateTimeField(forms.DateTimeField):
    """A `datetime-local` input read and shown in the shop's time zone, not the server's."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, *args, tz=None, **kwargs):
        self.tz = tz
        super().__init__(*args, **kwargs)

    def _in_zone(self, method, value):
        if self.tz is None:
            return method(value)
        with timezone.override(self.tz):
            return method(value)

    def to_python(self, value):
        return self._in_zone(super().to_python, value)

    def prepare_value(self, value):
        return self._in_zone(super().prepare_value, value)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _set_zone(form, tz) -> None:
    for field in form.fields.values():
        if isinstance(field, LocalDateTimeField):
            field.tz = tz


def _amount(text: str):
    try:
        return parse_amount(text)
    except DomainError as error:
        raise ValidationError(str(error.message)) from None


# --- events ------------------------------------------------------------------------------
class EventForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    venue = forms.ModelChoiceField(
        label=_("Venue"),
        queryset=None,
        required=False,
        empty_label=_("No venue yet"),
        help_text=_("Its zones give the capacity of every date."),
    )
    category = forms.CharField(label=_("Category"), max_length=80, required=False)
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Event.Visibility.choices)
    audience = forms.CharField(
        label=_("Audience"),
        max_length=120,
        required=False,
        help_text=_("For a restricted event: who may see it (a group, a membership, a class)."),
    )
    sale_status = forms.ChoiceField(label=_("Sale status"), choices=Event.SaleStatus.choices)
    sale_status_label = forms.CharField(
        label=_("Custom status label"),
        max_length=80,
        required=False,
        help_text=_("Shown instead of the status when the status is “Custom label”."),
    )
    sales_start = LocalDateTimeField(label=_("Sales open"), required=False)
    sales_end = LocalDateTimeField(label=_("Sales close"), required=False)
    entertainment_tax = forms.BooleanField(
        label=_("Subject to the entertainment tax (Lausanne)"), required=False
    )

    def __init__(self, *args, shop, venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = venues
        _set_zone(self, shop.zone_info)
        zone_note = _("In the shop's time zone (%(zone)s).") % {"zone": shop.time_zone}
        self.fields["sales_start"].help_text = zone_note
        self.fields["sales_end"].help_text = zone_note

    @staticmethod
    def initial_of(event: Event) -> dict:
        return {
            "name": event.name,
            "description": event.description,
            "venue": event.venue_id,
            "category": event.category,
            "visibility": event.visibility,
            "audience": event.audience,
            "sale_status": event.sale_status,
            "sale_status_label": event.sale_status_label,
            "sales_start": event.sales_start,
            "sales_end": event.sales_end,
            "entertainment_tax": event.entertainment_tax,
        }

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        for field in ("description", "category", "audience", "sale_status_label"):
            data[field] = data[field].strip()
        return data


# --- dates ---------------------------------------------------------------------------------
TIME_PATTERN = re.compile(r"^(\d{1,2})(?:[:hH.](\d{2})?)?$")


def parse_times(text: str) -> list[time]:
    """'15:00, 20:00' / '15h 20h30' / '9.30' → sorted distinct times."""
    found = set()
    for part in re.split(r"[,;\s]+", text.strip()):
        if not part:
            continue
        match = TIME_PATTERN.match(part)
        hour, minute = (int(match.group(1)), int(match.group(2) or 0)) if match else (99, 0)
        if hour > 23 or minute > 59:
            raise ValidationError(
                _("“%(part)s” is not a time: write it like 20:00."), params={"part": part}
            )
        found.add(time(hour, minute))
    if not found:
        raise ValidationError(_("Give at least one start time, like 20:00."))
    return sorted(found)


class DateGeneratorForm(forms.Form):
    first_day = forms.DateField(label=_("First day"), widget=DateInput())
    last_day = forms.DateField(
        label=_("Last day"),
        required=False,
        widget=DateInput(),
        help_text=_("For a repetition: the series stops on this day."),
    )
    every = forms.ChoiceField(
        label=_("Repetition"), choices=REPETITIONS, initial="once", widget=forms.RadioSelect
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a weekly repetition; none ticked: the weekday of the first day."),
    )
    times = forms.CharField(
        label=_("Start times"),
        max_length=200,
        help_text=_("One or more, separated by commas: 15:00, 20:00."),
        widget=forms.TextInput(attrs={"placeholder": "20:00", "inputmode": "text"}),
    )
    duration = forms.IntegerField(
        label=_("Duration in minutes"),
        required=False,
        min_value=1,
        max_value=60 * 24 * 14,
        help_text=_("Optional: gives each date its end time."),
    )

    def clean_times(self):
        return parse_times(self.cleaned_data["times"])

    def clean(self):
        data = super().clean()
        if data.get("every") != "once" and "last_day" in data and not data["last_day"]:
            self.add_error("last_day", _("A repetition needs its last day."))
        return data


class DuplicateForm(DateGeneratorForm):
    target_shop = forms.ChoiceField(label=_("Into the shop"))
    name = forms.CharField(label=_("Name of the new event"), max_length=200)
    one_event_per_date = forms.TypedChoiceField(
        label=_("Create"),
        choices=[
            ("0", _("One event holding all the new dates")),
            ("1", _("One event per date")),
        ],
        coerce=lambda v: v == "1",
        initial="0",
        widget=forms.RadioSelect,
    )
    field_order = ["target_shop", "name", "one_event_per_date"]

    def __init__(self, *args, shops, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_shop"].choices = [(s.slug, s.name) for s in shops]


class QuotaForm(forms.Form):
    scope = forms.ChoiceField(label=_("Quota on"))
    size = forms.IntegerField(label=_("Places"), min_value=0, max_value=1_000_000)

    def __init__(self, *args, zones, prices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = (
            [("date", _("The whole date"))]
            + [(str(z.pk), _("Zone: %(name)s") % {"name": z.name}) for z in zones]
            + [
                (
                    f"price:{p.pk}",
                    _("Price: %(name)s (%(zone)s)") % {"name": p.name, "zone": p.zone.name},
                )
                for p in prices
            ]
        )


# --- prices and options ----------------------------------------------------------------------
class PriceSettingsForm(forms.Form):
    """What a price keeps changeable after creation (CAT-4 advanced settings)."""

    name = forms.CharField(label=_("Name"), max_length=120)
    visibility = forms.ChoiceField(label=_("Who can buy it"), choices=Price.Visibility.choices)
    audience = forms.CharField(
        label=_("Restricted to the audience"),
        max_length=120,
        required=False,
        help_text=_("Only buyers of this audience (a group, a membership, a class) may buy it."),
    )
    sales_start = LocalDateTimeField(label=_("Sales open"), required=False)
    sales_end = LocalDateTimeField(label=_("Sales close"), required=False)
    max_per_order = forms.IntegerField(
        label=_("Maximum per order"), required=False, min_value=1, max_value=1000
    )

    def __init__(self, *args, shop, **kwargs):
        super().__init__(*args, **kwargs)
        _set_zone(self, shop.zone_info)

    def clean(self):
        data = super().clean()
        start, end = data.get("sales_start"), data.get("sales_end")
        if start and end and end <= start:
            self.add_error("sales_end", _("Sales must close after they open."))
        return data

    def settings(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "visibility": data["visibility"],
            "audience": data["audience"].strip(),
            "sales_start": data["sales_start"],
            "sales_end": data["sales_end"],
            "max_per_order": data["max_per_order"],
        }

    @staticmethod
    def initial_of(price: Price) -> dict:
        return {
            "name": price.name,
            "visibility": price.visibility,
            "audience": price.audience,
            "sales_start": price.sales_start,
            "sales_end": price.sales_end,
            "max_per_order": price.max_per_order,
        }


class PriceEditForm(PriceSettingsForm):
    """Settings plus the amount (not for free prices, whose amount is always zero)."""

    amount = forms.CharField(label=_("Amount"), max_length=20)
    field_order = ["name", "amount"]

    def __init__(self, *args, shop, price: Price, **kwargs):
        super().__init__(*args, shop=shop, **kwargs)
        if price.kind == Price.Kind.FREE:
            del self.fields["amount"]
            return
        label = (
            _("Minimum in %(currency)s")
            if price.kind == Price.Kind.PAY_WHAT_YOU_WANT
            else _("Amount in %(currency)s")
        )
        self.fields["amount"].label = label % {"currency": shop.currency}
        self.fields["amount"].help_text = _("Applies to future sales; sold tickets keep theirs.")
        current = next((a for a in price.amounts.all() if a.currency == shop.currency), None)
        if current is not None:
            self.initial.setdefault("amount", f"{current.amount:.2f}")

    def clean_amount(self):
        return _amount(self.cleaned_data["amount"])

    def amounts(self, currency: str) -> dict | None:
        if "amount" not in self.fields:
            return None
        return {currency: self.cleaned_data["amount"]}


class PriceForm(PriceSettingsForm):
    zone = forms.ChoiceField(label=_("Zone"))
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Price.Kind.choices,
        widget=forms.RadioSelect,
        initial=Price.Kind.FIXED,
        help_text=_("The kind cannot change later."),
    )
    amount = forms.CharField(label=_("Amount"), max_length=20, required=False)
    dates = forms.MultipleChoiceField(
        label=_("Only on these dates"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every date of the event."),
    )
    field_order = ["zone", "name", "kind", "amount"]

    def __init__(self, *args, shop, zones, dates, **kwargs):
        super().__init__(*args, shop=shop, **kwargs)
        self.fields["zone"].choices = [(str(z.pk), z.name) for z in zones]
        tz = shop.zone_info
        self.fields["dates"].choices = [
            (str(d.pk), f"{timezone.localtime(d.starts_at, tz):%d.%m.%Y %H:%M}") for d in dates
        ]
        self.fields["amount"].label = _("Amount in %(currency)s") % {"currency": shop.currency}
        self.fields["amount"].help_text = _(
            "Fixed price: the price. Free: leave empty. Pay what you want: the minimum the "
            "buyer pays, which must be more than 2.00 %(currency)s (bank fees)."
        ) % {"currency": shop.currency}

    MAIN = ("zone", "name", "kind", "amount")

    def main_fields(self):
        return [self[name] for name in self.MAIN]

    def advanced_fields(self):
        return [self[name] for name in self.fields if name not in self.MAIN]

    def advanced_has_errors(self) -> bool:
        return any(self[name].errors for name in self.fields if name not in self.MAIN)

    def clean_amount(self):
        text = self.cleaned_data["amount"].strip()
        return _amount(text) if text else None

    def clean(self):
        data = super().clean()
        needs_amount = data.get("kind") in (Price.Kind.FIXED, Price.Kind.PAY_WHAT_YOU_WANT)
        if needs_amount and "amount" in data and data["amount"] is None:
            self.add_error("amount", _("Give the amount."))
        return data


class OptionForm(forms.Form):
    name = forms.CharField(label=_("Option"), max_length=120)
    amount = forms.CharField(
        label=_("Price change"), max_length=20, help_text=_("Added to the ticket price.")
    )
    group = forms.ChoiceField(label=_("Group"), required=False)

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("None: a checkbox"))] + [
            (str(g.pk), g.name) for g in groups
        ]

    def clean_amount(self):
        return _amount(self.cleaned_data["amount"])


class OptionGroupForm(forms.Form):
    name = forms.CharField(label=_("Group"), max_length=120)
    neutral_label = forms.CharField(
        label=_("Neutral choice"),
        max_length=120,
        required=False,
        help_text=_("The free choice of the drop-down, e.g. “No meal”."),
    )


# --- images --------------------------------------------------------------------------------
ACCEPTED_IMAGES = "image/jpeg,image/png,image/webp"


class ImageForm(forms.Form):
    kind = forms.ChoiceField(label=_("Image"), choices=EventImage.Kind.choices)
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_IMAGES}),
        help_text=_("JPEG, PNG or WebP, at most 8 MB."),
    )


# --- venues --------------------------------------------------------------------------------
class VenueForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    country = forms.CharField(label=_("Country code"), max_length=2, initial="CH")

    def clean_country(self):
        country = self.cleaned_data["country"].strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise ValidationError(_("Two letters, like CH or FR."))
        return country


class ZoneForm(forms.Form):
    name = forms.CharField(label=_("Zone name"), max_length=120)
    kind = forms.ChoiceField(
        label=_("Placement"),
        choices=Zone.Kind.choices,
        widget=forms.RadioSelect,
        initial=Zone.Kind.FREE,
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        required=False,
        min_value=1,
        max_value=1_000_000,
        help_text=_("For free placement; numbered zones count their seats."),
    )


def parse_rows(text: str) -> list[str]:
    """'A-F' / 'A,B,C' / '1-12' / 'A-C, AA' → row names in order."""
    rows: list[str] = []
    for part in re.split(r"[,;\s]+", text.strip()):
        if not part:
            continue
        first, dash, last = part.partition("-")
        if not dash:
            rows.append(part)
            continue
        first, last = first.strip(), last.strip()
        letters = string.ascii_uppercase
        if len(first) == len(last) == 1 and first.upper() in letters and last.upper() in letters:
            a, b = letters.index(first.upper()), letters.index(last.upper())
            if a > b:
                raise ValidationError(
                    _("“%(part)s”: the range goes backwards."), params={"part": part}
                )
            rows.extend(letters[a : b + 1])
        elif first.isdigit() and last.isdigit():
            if int(first) > int(last):
                raise ValidationError(
                    _("“%(part)s”: the range goes backwards."), params={"part": part}
                )
            if len(first) > 4 or len(last) > 4 or int(last) - int(first) + 1 + len(rows) > MAX_ROWS:
                raise ValidationError(_("At most %(n)s rows at once."), params={"n": MAX_ROWS})
            rows.extend(str(n) for n in range(int(first), int(last) + 1))
        else:
            raise ValidationError(
                _("“%(part)s” is not a range: write A-F or 1-12."), params={"part": part}
            )
        if len(rows) > MAX_ROWS:
            break
    if not rows:
        raise ValidationError(_("Name at least one row."))
    if len(rows) > MAX_ROWS:
        raise ValidationError(_("At most %(n)s rows at once."), params={"n": MAX_ROWS})
    if any(len(r) > 10 for r in rows):
        raise ValidationError(_("A row name has at most 10 characters."))
    if len(set(rows)) != len(rows):
        raise ValidationError(_("A row is named twice."))
    return rows


class SeatsForm(forms.Form):
    rows = forms.CharField(
        label=_("Rows"),
        max_length=200,
        help_text=_("A range like A-F or 1-12, or names separated by commas: A, B, C."),
    )
    seats_per_row = forms.IntegerField(
        label=_("Seats per row"), min_value=1, max_value=MAX_SEATS_PER_ROW
    )
    category = forms.CharField(
        label=_("Seat category"),
        max_length=60,
        required=False,
        help_text=_("Optional, e.g. “Premium”."),
    )

    def clean_rows(self):
        return parse_rows(self.cleaned_data["rows"])
