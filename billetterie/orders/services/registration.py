"""The customer registration form of a shop (SHOP-4).

Managers set the mode of each standard field, and add extra fields and per-price questions
(one transaction each, MANAGE on the shop, audited). At checkout `answers_clean` checks
what the buyer sent against the shop's form and returns typed answers, or refuses all of
it with one error per field; `order_place` then stores them (checkout.py).

Submitted names: a standard field by its key (`email`, `zip_code`, ...), an extra field as
`field-<id>`, a question of a ticket as `ticket-<cart line id>-<index in the line>-<id>`.
"""

import dataclasses
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from billetterie.catalog.models import Price
from billetterie.core import audit
from billetterie.core.exceptions import InvalidInput, NotFound
from billetterie.core.models import Level, Shop, User
from billetterie.core.permissions import require_level
from billetterie.orders import uploads
from billetterie.orders.form_models import (
    ALWAYS_REQUIRED,
    STANDARD_FIELDS,
    FormField,
    Mode,
    RegistrationForm,
    Title,
)
from billetterie.orders.queries import FormConfig

MAX_FIELDS = 50  # extra fields of a shop, or questions of one price
MAX_CHOICES = 50
MAX_LABEL = 200
TEXT_LIMITS = {FormField.Kind.TEXT: 500, FormField.Kind.LONG_TEXT: 5000}
STANDARD_LIMITS = {
    "first_name": 120,
    "last_name": 120,
    "email": 254,
    "company": 200,
    "street": 200,
    "zip_code": 12,
    "city": 120,
    "country": 80,
    "phone": 30,
}
PHONE = re.compile(r"^\+?[0-9 ()./-]+$")
MAX_NUMBER = Decimal(10) ** 12


# --- configuration (back office) ----------------------------------------------------------
def _may_manage(actor: User | None, shop: Shop) -> None:
    if actor is not None:
        require_level(actor, shop.organizer, Level.MANAGE, shop=shop)


@transaction.atomic
def form_modes_set(*, shop: Shop, actor: User | None, modes: dict[str, str]) -> RegistrationForm:
    """Set the mode of standard fields (keys not given keep theirs); email stays required."""
    _may_manage(actor, shop)
    unknown = set(modes) - set(STANDARD_FIELDS)
    if unknown or any(value not in Mode.values for value in modes.values()):
        raise InvalidInput(_("Unknown field or mode."))
    form, _created = RegistrationForm.objects.select_for_update().get_or_create(shop=shop)
    before = {key: form.mode_of(key) for key in STANDARD_FIELDS}
    form.modes = {
        key: str(Mode.REQUIRED if key in ALWAYS_REQUIRED else modes.get(key, before[key]))
        for key in STANDARD_FIELDS
    }
    form.updated_at = timezone.now()
    form.save()
    changes = {
        key: [before[key], form.modes[key]]
        for key in STANDARD_FIELDS
        if before[key] != form.modes[key]
    }
    if changes:
        audit.record(
            organizer=shop.organizer,
            actor=actor,
            action="registration.modes_changed",
            target=shop,
            shop=shop,
            changes=changes,
        )
    return form


def _clean_labels(shop: Shop, labels: dict[str, str]) -> dict[str, str]:
    """The labels in the shop's languages, its default language first; at least one."""
    languages = [shop.default_language] + [
        code for code in shop.languages or [] if code != shop.default_language
    ]
    cleaned = {}
    for code in languages:
        text = " ".join(str(labels.get(code) or "").replace("\x00", "").split())
        if len(text) > MAX_LABEL:
            raise InvalidInput(_("A label has at most 200 characters."))
        if text:
            cleaned[code] = text
    if not cleaned:
        raise InvalidInput(_("Give the field a label."))
    return cleaned


def _clean_choices(kind: str, choices) -> list[str]:
    if kind not in FormField.WITH_CHOICES:
        return []
    cleaned: list[str] = []
    for choice in choices or []:
        text = " ".join(str(choice).replace("\x00", "").split())
        if len(text) > MAX_LABEL:
            raise InvalidInput(_("A choice has at most 200 characters."))
        if text and text not in cleaned:
            cleaned.append(text)
    if not cleaned:
        raise InvalidInput(_("List at least one choice, one per line."))
    if len(cleaned) > MAX_CHOICES:
        raise InvalidInput(_("A field offers at most 50 choices."))
    return cleaned


def _check_kind(kind: str) -> None:
    if kind not in FormField.Kind.values:
        raise InvalidInput(_("Unknown field type."))


@transaction.atomic
def form_field_create(
    *,
    shop: Shop,
    actor: User | None,
    kind: str,
    labels: dict[str, str],
    required: bool = False,
    choices=(),
    price: Price | None = None,
) -> FormField:
    """An extra field of the shop's form, or with `price` a question asked for each of its
    tickets; it goes last."""
    _may_manage(actor, shop)
    if price is not None and price.event.shop_id != shop.pk:
        raise NotFound()
    _check_kind(kind)
    siblings = FormField.objects.filter(shop=shop, price=price)
    if siblings.count() >= MAX_FIELDS:
        raise InvalidInput(_("The form holds at most 50 fields here."))
    last = siblings.aggregate(last=Max("position"))["last"]
    created = FormField.objects.create(
        shop=shop,
        price=price,
        kind=kind,
        labels=_clean_labels(shop, labels),
        required=bool(required),
        choices=_clean_choices(kind, choices),
        position=0 if last is None else last + 1,
    )
    audit.record(
        organizer=shop.organizer,
        actor=actor,
        action="registration.question_created" if price else "registration.field_created",
        target=created,
        shop=shop,
        changes={"kind": kind, "required": created.required, "price": price and price.pk},
    )
    return created


@transaction.atomic
def form_field_update(
    *,
    field: FormField,
    actor: User | None,
    kind: str,
    labels: dict[str, str],
    required: bool,
    choices=(),
) -> FormField:
    shop = field.shop
    _may_manage(actor, shop)
    _check_kind(kind)
    values = {
        "kind": kind,
        "labels": _clean_labels(shop, labels),
        "required": bool(required),
        "choices": _clean_choices(kind, choices),
    }
    changes = audit.diff(field, list(values), values)
    for name, value in values.items():
        setattr(field, name, value)
    field.save(update_fields=list(values))
    if changes:
        audit.record(
            organizer=shop.organizer,
            actor=actor,
            action="registration.field_changed",
            target=field,
            shop=shop,
            changes=changes,
        )
    return field


@transaction.atomic
def form_field_delete(*, field: FormField, actor: User | None) -> None:
    """Remove a field from the form; answers already given keep their label and value."""
    shop = field.shop
    _may_manage(actor, shop)
    audit.record(
        organizer=shop.organizer,
        actor=actor,
        action="registration.field_deleted",
        target=field,
        shop=shop,
        changes={"kind": field.kind, "price": field.price_id},
    )
    field.delete()


@transaction.atomic
def form_field_move(*, field: FormField, actor: User | None, offset: int) -> bool:
    """Move a field up (-1) or down (+1) among the shop's extra fields, or among the
    questions of its price. False when it is already first / last."""
    shop = field.shop
    _may_manage(actor, shop)
    siblings = list(
        FormField.objects.select_for_update()
        .filter(shop=shop, price_id=field.price_id)
        .order_by("position", "id")
    )
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == field.pk)
    target = index + (1 if offset > 0 else -1)
    if not 0 <= target < len(siblings):
        return False
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for position, sibling in enumerate(siblings):
        sibling.position = position
    FormField.objects.bulk_update(siblings, ["position"])
    audit.record(
        organizer=shop.organizer,
        actor=actor,
        action="registration.field_moved",
        target=field,
        shop=shop,
        changes={"position": [index, target]},
    )
    return True


# --- answers (checkout) -------------------------------------------------------------------
@dataclass
class TicketSlot:
    """One ticket the cart will become, and the name its answers are sent under."""

    line_id: int
    index: int  # among the tickets of its cart line
    number: int  # 1-based among all the tickets of the cart
    price: Price
    event_name: str

    @property
    def key(self) -> tuple[int, int]:
        return (self.line_id, self.index)


def ticket_slots(lines) -> list[TicketSlot]:
    """The tickets of these cart lines (with price and date__event), in the order
    order_place creates them."""
    slots = []
    for line in lines:
        for index in range(line.quantity):
            slots.append(
                TicketSlot(line.pk, index, len(slots) + 1, line.price, line.date.event.name)
            )
    return slots


def extra_name(form_field: FormField) -> str:
    return f"field-{form_field.pk}"


def question_name(slot: TicketSlot, form_field: FormField) -> str:
    return f"ticket-{slot.line_id}-{slot.index}-{form_field.pk}"


@dataclass
class Answer:
    field_id: int
    label: str
    kind: str
    value: object  # JSON-ready; for a file, set when it is stored
    upload: uploads.CleanFile | None = None


@dataclass
class BuyerAnswers:
    """What the buyer answered for the order: the standard fields asked (typed: a date of
    birth is a date) and the extra fields."""

    buyer: dict[str, object] = dataclasses.field(default_factory=dict)
    extra: list[Answer] = dataclasses.field(default_factory=list)


@dataclass
class CleanAnswers:
    answers: BuyerAnswers
    ticket_answers: dict[tuple[int, int], list[Answer]]  # by TicketSlot.key


def _required() -> str:
    return _("This field is required.")


def _text(raw) -> str:
    return str(raw if raw is not None else "").replace("\x00", "").strip()


def _standard_value(key: str, raw) -> object:
    """The typed value of a standard field, "" / None when empty, or InvalidInput."""
    text = _text(raw)
    if not text:
        return None if key == "birth_date" else ""
    if key == "birth_date":
        value = _date(text)
        if value > timezone.localdate() or value.year < 1900:
            raise InvalidInput(_("Enter your date of birth."))
        return value
    if len(text) > STANDARD_LIMITS.get(key, 200):
        raise InvalidInput(_("At most %(n)s characters.") % {"n": STANDARD_LIMITS.get(key, 200)})
    if key == "title" and text not in Title.values:
        raise InvalidInput(_("Choose one of the proposed values."))
    if key == "email":
        try:
            validate_email(text)
        except ValidationError:
            raise InvalidInput(_("Enter a valid email address.")) from None
    if key == "phone" and (not PHONE.match(text) or not 6 <= sum(c.isdigit() for c in text) <= 20):
        raise InvalidInput(_("Enter a valid phone number, e.g. +41 21 123 45 67."))
    return " ".join(text.split()) if key != "email" else text


def _date(text: str) -> date:
    for parse in (
        date.fromisoformat,
        lambda t: datetime.strptime(t, "%d.%m.%Y").date(),
        lambda t: datetime.strptime(t, "%d/%m/%Y").date(),
    ):
        try:
            value = parse(text)
        except ValueError:
            continue
        if 1900 <= value.year <= 2200:
            return value
    raise InvalidInput(_("Enter a valid date, e.g. 31.12.1990."))


def _number(text: str) -> int | float:
    cleaned = re.sub(r"[\s'\u2019]", "", text).replace(",", ".")  # 1'250,50
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput(_("Enter a number.")) from None
    if not value.is_finite() or abs(value) >= MAX_NUMBER:
        raise InvalidInput(_("Enter a number."))
    return int(value) if value == value.to_integral_value() else float(value)


def _values(data, name: str) -> list:
    if hasattr(data, "getlist"):
        return data.getlist(name)
    value = data.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _answer(form_field: FormField, name: str, data, files, language: str) -> Answer | None:
    """The answer to one extra field or question, None when left empty; InvalidInput when
    it is not valid (a required field left empty included)."""
    kind = form_field.kind
    value: object = None
    upload = None
    if kind == FormField.Kind.FILE:
        sent = files.get(name) if files else None
        if sent is not None:
            upload = uploads.clean_upload(sent)
    elif kind == FormField.Kind.MULTIPLE:
        sent = {_text(v) for v in _values(data, name)} - {""}
        if sent - set(form_field.choices):
            raise InvalidInput(_("Choose among the proposed values."))
        value = [choice for choice in form_field.choices if choice in sent] or None
    else:
        text = _text(data.get(name))
        if text and kind == FormField.Kind.NUMBER:
            value = _number(text)
        elif text and kind == FormField.Kind.DATE:
            value = _date(text).isoformat()
        elif text and kind == FormField.Kind.CHOICE:
            if text not in form_field.choices:
                raise InvalidInput(_("Choose one of the proposed values."))
            value = text
        elif text:
            limit = TEXT_LIMITS.get(kind, 500)
            if len(text) > limit:
                raise InvalidInput(_("At most %(n)s characters.") % {"n": limit})
            value = text
    if value is None and upload is None:
        if form_field.required:
            raise InvalidInput(_required())
        return None
    return Answer(form_field.pk, form_field.label_in(language), kind, value, upload)


def answers_clean(
    *, form: FormConfig, data, files=None, slots=(), language: str = "fr"
) -> CleanAnswers:
    """The buyer's answers to the shop's form, checked and typed; or InvalidInput whose
    `params["errors"]` maps each submitted name to its messages, when anything is missing
    or not valid (then nothing at all is kept). Hidden standard fields are ignored."""
    errors: dict[str, list[str]] = {}
    buyer: dict[str, object] = {}
    for key, mode in form.asked():
        try:
            value = _standard_value(key, data.get(key))
        except InvalidInput as refusal:
            errors[key] = [str(refusal.message)]
            continue
        if value in ("", None):
            if mode == Mode.REQUIRED:
                errors[key] = [_required()]
            continue
        buyer[key] = value

    def collect(form_field, name, into):
        try:
            answer = _answer(form_field, name, data, files, language)
        except InvalidInput as refusal:
            errors[name] = [str(refusal.message)]
        else:
            if answer is not None:
                into.append(answer)

    extra: list[Answer] = []
    for form_field in form.extra:
        collect(form_field, extra_name(form_field), extra)
    ticket_answers: dict[tuple[int, int], list[Answer]] = {}
    for slot in slots:
        answers = ticket_answers[slot.key] = []
        for form_field in form.questions.get(slot.price.pk, []):
            collect(form_field, question_name(slot, form_field), answers)
    if errors:
        raise InvalidInput(
            _("Some answers are missing or not valid: please check the form."), errors=errors
        )
    return CleanAnswers(BuyerAnswers(buyer, extra), ticket_answers)


def store_answers(answers: list[Answer], *, organizer_id: int, stored: list[str]) -> list[dict]:
    """The JSON of these answers, their files saved (each path added to `stored`, so the
    caller can remove them if placing the order fails after all)."""
    rows = []
    for answer in answers:
        value = answer.value
        if answer.upload is not None:
            value = uploads.store(answer.upload, organizer_id=organizer_id)
            stored.append(value["path"])
        rows.append(
            {"field": answer.field_id, "label": answer.label, "kind": answer.kind, "value": value}
        )
    return rows


def price_questions_copy(sender, *, source: Price, copy: Price, **kwargs) -> None:
    """A copied price asks the same questions of each ticket (CAT-7 copies an event with
    its prices): the copies go into the form of the copy's shop, which may be another."""
    shop_id = Price.objects.filter(pk=copy.pk).values_list("event__shop_id", flat=True).get()
    FormField.objects.bulk_create(
        [
            FormField(
                shop_id=shop_id,
                price=copy,
                kind=question.kind,
                labels=question.labels,
                required=question.required,
                choices=question.choices,
                position=question.position,
            )
            for question in FormField.objects.filter(price=source).order_by("position", "id")
        ]
    )
