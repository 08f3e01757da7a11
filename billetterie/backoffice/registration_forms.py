"""Forms of the registration form page (SHOP-4): they parse input only; the rules are in
orders.services.registration."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from billetterie.orders.form_models import ALWAYS_REQUIRED, STANDARD_FIELDS, FormField, Mode

LANGUAGE_NAMES = dict(settings.LANGUAGES)


class ModesForm(forms.Form):
    """One radio group per standard field: required, optional or hidden."""

    def __init__(self, *args, modes: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for key, (label, _default) in STANDARD_FIELDS.items():
            if key in ALWAYS_REQUIRED:
                continue
            self.fields[key] = forms.ChoiceField(
                label=label,
                choices=Mode.choices,
                initial=modes[key],
                required=False,  # a field left out keeps its mode
                widget=forms.RadioSelect,
            )

    def modes(self) -> dict[str, str]:
        return {key: value for key, value in self.cleaned_data.items() if value}


class FieldForm(forms.Form):
    """An extra field or a per-ticket question: a label in each of the shop's languages."""

    kind = forms.ChoiceField(label=_("Type"), choices=FormField.Kind.choices)
    required = forms.BooleanField(label=_("Required"), required=False)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One choice per line (drop-down lists and checkboxes only)."),
    )

    def __init__(self, *args, shop, instance: FormField | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": instance.kind,
                "required": instance.required,
                "choices": "\n".join(instance.choices),
                **{f"label_{code}": text for code, text in instance.labels.items()},
            }
        super().__init__(*args, **kwargs)
        self.languages = [shop.default_language] + [
            code for code in shop.languages or [] if code != shop.default_language
        ]
        labels = {}
        for code in self.languages:
            labels[f"label_{code}"] = forms.CharField(
                label=_("Label (%(language)s)") % {"language": LANGUAGE_NAMES.get(code, code)},
                max_length=200,
                required=False,
            )
        # the labels come first
        self.fields = {**labels, **self.fields}

    def clean(self):
        data = super().clean()
        if not any(data.get(f"label_{code}") for code in self.languages):
            self.add_error(
                f"label_{self.languages[0]}", _("Give the field a label in at least one language.")
            )
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "required": data["required"],
            "labels": {code: data.get(f"label_{code}", "") for code in self.languages},
            "choices": [line for line in data.get("choices", "").splitlines() if line.strip()],
        }
