"""The forms of the buyer account pages (SHOP-5), and what the checkout takes from a
logged-in buyer's account. The rules (password strength, names, languages, rate limits)
are checked by orders.services.accounts; these forms only read the request."""

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billetterie.orders.form_models import DETAIL_FIELDS
from billetterie.orders.models import Customer


def _password(label, autocomplete: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


def _email() -> forms.EmailField:
    return forms.EmailField(
        label=gettext_lazy("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class NewPasswordMixin:
    """A new password typed twice, with what makes a password acceptable."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = " ".join(
            password_validation.password_validators_help_texts()
        )

    def clean(self):
        data = super().clean()
        password, again = data.get("password"), data.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", _("The two passwords differ."))
        return data


class SignupForm(NewPasswordMixin, forms.Form):
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
    email = _email()
    password = _password(gettext_lazy("Password"), "new-password")
    password_again = _password(gettext_lazy("Password (again)"), "new-password")


class LoginForm(forms.Form):
    email = _email()
    password = _password(gettext_lazy("Password"), "current-password")


class ConfirmForm(forms.Form):
    password = _password(gettext_lazy("The password you chose"), "current-password")


class ResetRequestForm(forms.Form):
    email = _email()


class NewPasswordForm(NewPasswordMixin, forms.Form):
    password = _password(gettext_lazy("New password"), "new-password")
    password_again = _password(gettext_lazy("New password (again)"), "new-password")


class DetailsForm(forms.Form):
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
    language = forms.ChoiceField(label=gettext_lazy("Language of our emails"))

    def __init__(self, *args, shop, **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(settings.LANGUAGES)
        codes = [code for code in shop.languages or [] if code in names]
        current = self.initial.get("language")
        if current in names and current not in codes:
            codes.append(current)  # keep what the buyer has, even if this shop lacks it
        self.fields["language"].choices = [(code, names[code]) for code in codes]


# --- the checkout of a logged-in buyer -----------------------------------------------------
def checkout_initial(customer: Customer | None) -> dict:
    """The checkout form filled in with what the account knows."""
    if customer is None:
        return {}
    initial = {
        "email": customer.email,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
    }
    for key in DETAIL_FIELDS:
        value = getattr(customer, key)
        if value not in ("", None):
            initial[key] = value
    return initial


def checkout_data(data, customer: Customer | None):
    """The submitted checkout with the account's email: a logged-in buyer's order goes to
    their own customer record (orders are matched by email), so it shows in their account."""
    if customer is None:
        return data
    data = data.copy()
    data["email"] = customer.email
    data["email_again"] = customer.email
    return data


def lock_email(form, customer: Customer | None) -> None:
    """Show the account's email as fixed, and do not ask it twice."""
    if customer is None or "email" not in form.fields:
        return
    field = form.fields["email"]
    field.widget.attrs["readonly"] = True
    field.help_text = _(
        "You are logged in: the order and its tickets go to your account. "
        "Log out to order with another email address."
    )
    form.fields.pop("email_again", None)
