"""Back-office forms: they parse input only; the rules are in the services."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from billetterie.core.models import (
    DisplayMode,
    Level,
    check_default_display_mode,
    default_display_modes,
    validate_display_modes,
)
from billetterie.core.money import Currency


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TotpForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(label=_("Email"))


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=200)
    password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not only digits, not a common password."),
    )


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=120)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    team = forms.ChoiceField(label=_("Team"))

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [(t.pk, t.name) for t in teams]


class GrantForm(forms.Form):
    holder = forms.ChoiceField(label=_("Given to"))
    level = forms.TypedChoiceField(
        label=_("Level"), choices=[("", _("— choose a level —")), *Level.choices], coerce=int
    )
    scope = forms.ChoiceField(label=_("On"))

    def __init__(self, *args, teams, staff, shops, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].choices = [
            ("", _("— choose a team or a person —")),
            (_("Teams"), [(f"team:{t.pk}", t.name) for t in teams]),
            (
                _("People"),
                [
                    (f"user:{u.pk}", f"{u.full_name} <{u.email}>" if u.full_name else u.email)
                    for u in staff
                ],
            ),
        ]
        self.fields["scope"].choices = [("organizer", _("The whole organizer"))] + [
            (f"shop:{s.pk}", _("Shop: %(name)s") % {"name": s.name}) for s in shops
        ]


class ShopForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, initial="Europe/Zurich")
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        initial=["fr", "en"],
    )
    default_language = forms.ChoiceField(label=_("Default language"), choices=settings.LANGUAGES)
    show_remaining_places = forms.BooleanField(
        label=_("Show buyers how many places are left"), required=False
    )
    # Not required, so that a submission without them (an older form, a script) keeps the
    # shop's display settings; the page always sends both.
    display_modes = forms.MultipleChoiceField(
        label=_("Ways to show the dates of an event"),
        choices=[
            (DisplayMode.LIST, _("List of dates")),
            (DisplayMode.MONTH, _("Monthly calendar")),
            (DisplayMode.WEEK, _("Weekly calendar")),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=default_display_modes,
        help_text=_(
            "Buyers can switch between the ways offered. An event with a single date "
            "simply shows its date."
        ),
    )
    default_display_mode = forms.ChoiceField(
        label=_("Shown first"),
        choices=DisplayMode.choices,
        required=False,
        initial=DisplayMode.LIST,
    )

    DISPLAY_FIELDS = ("display_modes", "default_display_mode")

    def general_fields(self) -> list:
        return [self[name] for name in self.fields if name not in self.DISPLAY_FIELDS]

    def display_fields(self) -> list:
        return [self[name] for name in self.DISPLAY_FIELDS]

    @classmethod
    def display_initial(cls, shop) -> dict:
        return {field: getattr(shop, field) for field in cls.DISPLAY_FIELDS}

    def _display_submitted(self) -> bool:
        return any(field in self.data for field in self.DISPLAY_FIELDS)

    def clean(self):
        data = super().clean()
        if not self._display_submitted() or "display_modes" in self.errors:
            return data
        # the rules are the shop's (core.models); checked here too so that each error is
        # shown next to its field
        modes = list(data.get("display_modes") or [])
        try:
            validate_display_modes(modes)
        except ValidationError as error:
            self.add_error("display_modes", error)
            return data
        if "default_display_mode" in self.errors:  # not a mode at all: already said
            return data
        try:
            check_default_display_mode(modes, data.get("default_display_mode", ""))
        except ValidationError as error:
            self.add_error(None, error)
        return data

    def display_values(self) -> dict:
        """The display settings to save: none when the submission did not include them."""
        if not self._display_submitted():
            return {}
        return {
            "display_modes": list(self.cleaned_data["display_modes"]),
            "default_display_mode": self.cleaned_data["default_display_mode"],
        }


class TotpSetupForm(forms.Form):
    code = forms.CharField(label=_("Code shown by your app"), max_length=10)


class TotpDisableForm(forms.Form):
    password = forms.CharField(label=_("Your password"), strip=False, widget=forms.PasswordInput)


class SourcesField(forms.CharField):
    """One CSP source per line; the service decides which ones are allowed."""

    widget = forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"})

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value):
        return [line.strip() for line in str(value or "").splitlines() if line.strip()]


class TrackingForm(forms.Form):
    head_code = forms.CharField(
        label=_("Code in the head of the shop pages"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false", "class": "code"}),
        help_text=_(
            "HTML put in the <head> of the shop pages (e.g. Meta pixel, Google tag). Its "
            "<script> tags run; inline event attributes (onload=...) do not. It never runs "
            "on the card payment pages."
        ),
    )
    extra_script_src = SourcesField(
        label=_("Extra script sources"),
        help_text=_("One https:// address per line, e.g. https://connect.facebook.net"),
    )
    extra_img_src = SourcesField(
        label=_("Extra image sources"),
        help_text=_("One https:// address per line, e.g. https://www.facebook.com"),
    )
    extra_connect_src = SourcesField(
        label=_("Extra connection sources"),
        help_text=_("One https:// address per line, e.g. https://*.google-analytics.com"),
    )
