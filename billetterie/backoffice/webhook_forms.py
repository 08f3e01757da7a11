from django import forms
from django.utils.translation import gettext_lazy as _

from billetterie.webhooks.models import WebhookEvent


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(
        label=_("Address that receives the events"),
        max_length=500,
        assume_scheme="https",
        help_text=_("We send a signed JSON POST request to this address for every event."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
