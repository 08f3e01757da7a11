"""The promotion form (SHOP-6): it parses input only; the rules are in
orders.services.promotions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from billetterie.backoffice.catalog_forms import LocalDateTimeField, _set_zone
from billetterie.catalog.models import Event, Price
from billetterie.orders.promotion_models import Promotion

FIELDS = [
    "name",
    "kind",
    "code",
    "reduction",
    "value",
    "min_tickets",
    "valid_from",
    "valid_until",
    "max_uses",
    "active",
]


class PriceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.event.name} · {obj.name}"


class PromotionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=Promotion.Kind.choices)
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        required=False,
        help_text=_("The code buyers type (promo codes only). Case and spaces do not matter."),
    )
    reduction = forms.ChoiceField(label=_("Reduction"), choices=Promotion.Reduction.choices)
    value = forms.DecimalField(
        label=_("Value"),
        max_digits=10,
        decimal_places=2,
        help_text=_("A percent (1 to 100) or an amount in the shop's currency."),
    )
    min_tickets = forms.IntegerField(label=_("Minimum tickets"), min_value=1, initial=1)
    valid_from = LocalDateTimeField(label=_("Valid from"), required=False)
    valid_until = LocalDateTimeField(label=_("Valid until"), required=False)
    max_uses = forms.IntegerField(
        label=_("Maximum uses"),
        min_value=1,
        required=False,
        help_text=_("Leave empty for no limit."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    events = forms.ModelMultipleChoiceField(
        label=_("Events"),
        queryset=Event.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    prices = PriceChoiceField(
        label=_("Prices"),
        queryset=Price.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("With no event and no price ticked, the promotion applies to every ticket."),
    )

    def __init__(self, *args, shop, instance: Promotion | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{key: getattr(instance, key) for key in FIELDS},
                "events": list(instance.events.all()),
                "prices": list(instance.prices.all()),
            }
        super().__init__(*args, **kwargs)
        self.fields["events"].queryset = Event.objects.filter(shop=shop).order_by("name", "pk")
        self.fields["prices"].queryset = (
            Price.objects.filter(event__shop=shop)
            .select_related("event")
            .order_by("event__name", "event_id", "position", "pk")
        )
        _set_zone(self, shop.zone_info)

    def values(self) -> dict:
        return {key: self.cleaned_data[key] for key in [*FIELDS, "events", "prices"]}
