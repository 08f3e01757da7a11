"""The customer registration form through its services (SHOP-4, DATA-1): field modes, extra
fields and per-price questions, checking the answers, storing them on the order."""

import io

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from PIL import Image

from billetterie.core.exceptions import InvalidInput, NotFound, PermissionRefused
from billetterie.core.models import AuditLogEntry, Level
from billetterie.orders import queries
from billetterie.orders.form_models import FormField
from billetterie.orders.models import Customer, Order
from billetterie.orders.services import cart as carts
from billetterie.orders.services import checkout, registration
from billetterie.orders.uploads import MAX_UPLOAD_BYTES
from tests import factories as f
from tests.catalog_factories import make_event_with_date, make_price, make_venue

pytestmark = pytest.mark.django_db

BUYER = {"email": "ana@example.org", "first_name": "Ana", "last_name": "Muster"}
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def concert(organizer, shop):
    venue, standing, _numbered = make_venue(organizer, free=20, seat_rows=())
    event, date = make_event_with_date(shop, venue)
    full = make_price(event, standing, amount="45.00")
    reduced = make_price(event, standing, name="Réduit", amount="25.00")
    return date, standing, full, reduced


def add(shop, kind="text", label="Régime", price=None, **values) -> FormField:
    return registration.form_field_create(
        shop=shop, actor=None, kind=kind, labels={"fr": label, "en": label}, price=price, **values
    )


def clean(shop, data, files=None, lines=()):
    slots = registration.ticket_slots(lines)
    form = queries.registration_form(shop, {line.price_id for line in lines})
    return registration.answers_clean(
        form=form, data=data, files=files or {}, slots=slots, language="en"
    )


def errors_of(shop, data, files=None, lines=()) -> dict:
    with pytest.raises(InvalidInput) as refusal:
        clean(shop, data, files, lines)
    return refusal.value.params["errors"]


def png(size=(30, 20), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (200, 10, 10, 128)).save(out, format="PNG", **save)
    return out.getvalue()


def upload(content: bytes, name="doc.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def cart_with(shop, date, zone, price, quantity=2):
    cart = carts.cart_for(shop=shop, key=None)
    carts.cart_add(cart=cart, date=date, zone=zone, price=price, quantity=quantity)
    return cart, list(cart.lines.select_related("price", "date__event").order_by("id"))


# --- modes of the standard fields ----------------------------------------------------------
def test_by_default_email_and_names_are_required_and_the_rest_hidden(shop):
    form = queries.registration_form(shop)
    assert form.asked() == [
        ("first_name", "required"),
        ("last_name", "required"),
        ("email", "required"),
    ]
    assert errors_of(shop, {"phone": "+41 21 000 00 00"}) == {
        "first_name": ["This field is required."],
        "last_name": ["This field is required."],
        "email": ["This field is required."],
    }
    assert clean(shop, {**BUYER, "phone": "not asked"}).answers.buyer == BUYER


def test_modes_are_set_by_a_manager_and_audited(shop, manager):
    registration.form_modes_set(
        shop=shop,
        actor=manager,
        modes={
            "phone": "required",
            "company": "optional",
            "first_name": "hidden",
            "email": "hidden",
        },
    )
    modes = queries.registration_form(shop).modes
    assert (modes["phone"], modes["company"], modes["first_name"]) == (
        "required",
        "optional",
        "hidden",
    )
    assert modes["email"] == "required"  # the tickets are sent there: never hidden
    entry = AuditLogEntry.objects.get(action="registration.modes_changed")
    assert entry.actor == manager and entry.changes["phone"] == ["hidden", "required"]
    assert errors_of(shop, {"email": "ana@example.org", "last_name": "Muster"}) == {
        "phone": ["This field is required."]
    }
    answers = clean(shop, {**BUYER, "phone": "+41 21 123 45 67"}).answers
    assert answers.buyer == {
        "last_name": "Muster",
        "email": BUYER["email"],
        "phone": "+41 21 123 45 67",
    }
    with pytest.raises(InvalidInput):
        registration.form_modes_set(shop=shop, actor=manager, modes={"shoe_size": "required"})
    with pytest.raises(InvalidInput):
        registration.form_modes_set(shop=shop, actor=manager, modes={"phone": "maybe"})


def test_only_managers_of_the_shop_change_the_form(shop, organizer, concert):
    viewer = f.make_staff()
    f.grant(organizer, Level.BOX_OFFICE, user=viewer)
    _other_org, _other_shop, stranger = f.make_tenant()
    field = add(shop)
    for actor in (viewer, stranger):
        with pytest.raises(PermissionRefused):
            registration.form_modes_set(shop=shop, actor=actor, modes={"phone": "required"})
        with pytest.raises(PermissionRefused):
            add_as(actor, shop)
        with pytest.raises(PermissionRefused):
            registration.form_field_delete(field=field, actor=actor)
    assert FormField.objects.count() == 1


def add_as(actor, shop):
    return registration.form_field_create(shop=shop, actor=actor, kind="text", labels={"fr": "Spy"})


def test_standard_fields_are_typed_and_checked(shop):
    every = {
        key: "optional"
        for key in ("title", "company", "street", "zip_code", "city", "country", "phone")
    }
    registration.form_modes_set(shop=shop, actor=None, modes={**every, "birth_date": "required"})
    errors = errors_of(
        shop,
        {
            **BUYER,
            "email": "not an email",
            "title": "king",
            "phone": "call me",
            "birth_date": "2090-01-01",
            "zip_code": "1" * 13,
        },
    )
    assert errors == {
        "title": ["Choose one of the proposed values."],
        "email": ["Enter a valid email address."],
        "zip_code": ["At most 12 characters."],
        "phone": ["Enter a valid phone number, e.g. +41 21 123 45 67."],
        "birth_date": ["Enter your date of birth."],
    }
    buyer = clean(
        shop, {**BUYER, "title": "ms", "city": "  Lausanne ", "birth_date": "31.12.1990"}
    ).answers.buyer
    assert buyer["title"] == "ms" and buyer["city"] == "Lausanne"
    assert buyer["birth_date"].isoformat() == "1990-12-31"


# --- extra fields and their types ----------------------------------------------------------
def test_a_required_extra_field_must_be_answered(shop):
    diet = add(shop, label="Diet", required=True)
    add(shop, label="Remarks", kind="long_text")
    assert errors_of(shop, {**BUYER, f"field-{diet.pk}": "   "}) == {
        f"field-{diet.pk}": ["This field is required."]
    }
    answers = clean(shop, {**BUYER, f"field-{diet.pk}": "Vegan"}).answers
    assert [(a.label, a.kind, a.value) for a in answers.extra] == [("Diet", "text", "Vegan")]


def test_numbers_dates_and_choices_are_checked_and_typed(shop):
    age = add(shop, kind="number", label="Age")
    day = add(shop, kind="date", label="Arrival")
    meal = add(shop, kind="choice", label="Meal", choices=["Fish", "Veggie"])
    extras = add(shop, kind="multiple", label="Extras", choices=["Cloakroom", "Parking", "Map"])
    names = {x: f"field-{x.pk}" for x in (age, day, meal, extras)}
    bad = {
        **BUYER,
        names[age]: "twelve",
        names[day]: "30.02.2031",
        names[meal]: "Steak",
        names[extras]: ["Parking", "Helicopter"],
    }
    assert errors_of(shop, bad) == {
        names[age]: ["Enter a number."],
        names[day]: ["Enter a valid date, e.g. 31.12.1990."],
        names[meal]: ["Choose one of the proposed values."],
        names[extras]: ["Choose among the proposed values."],
    }
    assert errors_of(shop, {**BUYER, names[age]: "NaN"}) == {names[age]: ["Enter a number."]}
    good = {
        **BUYER,
        names[age]: "1'250,5",
        names[day]: "2031-05-03",
        names[meal]: "Veggie",
        names[extras]: ["Map", "Cloakroom", "Map"],
    }
    values = {a.label: a.value for a in clean(shop, good).answers.extra}
    assert values == {
        "Age": 1250.5,
        "Arrival": "2031-05-03",
        "Meal": "Veggie",
        "Extras": ["Cloakroom", "Map"],  # in the form's order, once each
    }
    assert clean(shop, {**BUYER, names[age]: "42"}).answers.extra[0].value == 42


def test_field_configuration_is_checked(shop):
    with pytest.raises(InvalidInput, match="at least one choice"):
        add(shop, kind="choice", choices=["  ", ""])
    with pytest.raises(InvalidInput, match="label"):
        registration.form_field_create(shop=shop, actor=None, kind="text", labels={"fr": " "})
    with pytest.raises(InvalidInput, match="Unknown field type"):
        add(shop, kind="signature")
    meal = add(shop, kind="choice", choices=["Fish", " Fish ", "Veggie"])
    assert meal.choices == ["Fish", "Veggie"]
    text = add(shop, kind="text", choices=["ignored"])
    assert text.choices == []


def test_labels_follow_the_buyers_language(shop):
    field = registration.form_field_create(
        shop=shop, actor=None, kind="text", labels={"en": "Diet", "fr": "Régime", "xx": "?"}
    )
    assert field.labels == {"fr": "Régime", "en": "Diet"}  # the shop's default first
    assert (field.label_in("en"), field.label_in("fr"), field.label_in("de")) == (
        "Diet",
        "Régime",
        "Régime",
    )


# --- files ---------------------------------------------------------------------------------
def test_files_must_be_small_pdf_or_images(shop):
    doc = add(shop, kind="file", label="Certificate", required=True)
    name = f"field-{doc.pk}"
    too_big = upload(PDF + b"0" * MAX_UPLOAD_BYTES)
    assert errors_of(shop, BUYER, {name: too_big}) == {name: ["The file is larger than 10 MB."]}
    fake = upload(b"MZ\x90\x00 not a pdf", name="cv.pdf")
    assert errors_of(shop, BUYER, {name: fake}) == {name: ["Upload a PDF, JPEG or PNG file."]}
    broken = upload(png()[:40], name="photo.png", content_type="image/png")
    assert errors_of(shop, BUYER, {name: broken}) == {name: ["Upload a PDF, JPEG or PNG file."]}
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, format="GIF")
    assert errors_of(shop, BUYER, {name: upload(gif.getvalue(), "a.gif", "image/gif")}) == {
        name: ["Upload a PDF, JPEG or PNG file."]
    }
    assert errors_of(shop, BUYER) == {name: ["This field is required."]}
    pdf = clean(shop, BUYER, {name: upload(PDF)}).answers.extra[0].upload
    assert (pdf.extension, pdf.content, pdf.name) == ("pdf", PDF, "doc.pdf")


def test_images_are_re_encoded(shop):
    doc = add(shop, kind="file", label="Photo")
    original = png(pnginfo=_text_chunk("secret", "payload"))
    sent = upload(original, name="../../me.png", content_type="image/png")
    image = clean(shop, BUYER, {f"field-{doc.pk}": sent}).answers.extra[0].upload
    assert image.extension == "png" and image.content != original
    assert b"payload" not in image.content and image.name == "me.png"
    jpeg = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 90, 200)).save(jpeg, format="JPEG")
    sent = upload(jpeg.getvalue(), name="me.jpg", content_type="image/jpeg")
    assert clean(shop, BUYER, {f"field-{doc.pk}": sent}).answers.extra[0].upload.extension == "jpg"


def _text_chunk(key, value):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text(key, value)
    return info


# --- per-price questions and storing the answers -------------------------------------------
def test_questions_are_asked_once_per_ticket_of_their_price(shop, concert):
    date, standing, full, reduced = concert
    attendee = add(shop, label="Attendee", price=full, required=True)
    add(shop, label="Student card", price=reduced, kind="file", required=True)
    _cart, lines = cart_with(shop, date, standing, full, quantity=2)
    slots = registration.ticket_slots(lines)
    assert [(s.number, s.price, s.event_name) for s in slots] == [
        (1, full, "Concert"),
        (2, full, "Concert"),
    ]
    names = [registration.question_name(slot, attendee) for slot in slots]
    assert errors_of(shop, {**BUYER, names[0]: "Ana"}, lines=lines) == {
        names[1]: ["This field is required."]
    }
    cleaned = clean(shop, {**BUYER, names[0]: "Ana", names[1]: "Ben"}, lines=lines)
    assert {key: [a.value for a in answers] for key, answers in cleaned.ticket_answers.items()} == {
        slots[0].key: ["Ana"],
        slots[1].key: ["Ben"],
    }


def test_the_order_stores_the_answers_its_tickets_theirs_and_the_files(shop, concert):
    date, standing, full, _reduced = concert
    registration.form_modes_set(
        shop=shop, actor=None, modes={"city": "required", "birth_date": "optional"}
    )
    doc = add(shop, kind="file", label="Certificate")
    diet = add(shop, kind="multiple", label="Diet", choices=["Vegan", "No nuts"])
    attendee = add(shop, label="Attendee", price=full, required=True)
    cart, lines = cart_with(shop, date, standing, full, quantity=2)
    slots = registration.ticket_slots(lines)
    data = {
        **BUYER,
        "city": "Genève",
        "birth_date": "1990-04-01",
        f"field-{diet.pk}": ["No nuts"],
        **{registration.question_name(s, attendee): f"Guest {s.number}" for s in slots},
    }
    cleaned = clean(shop, data, {f"field-{doc.pk}": upload(PDF, name="Mon certificat.pdf")}, lines)
    order = checkout.order_place(cart=cart, **BUYER, language="en", **vars(cleaned))

    order = Order.objects.get(pk=order.pk)
    assert (order.city, order.birth_date.isoformat()) == ("Genève", "1990-04-01")
    file_answer, diet_answer = order.answers
    assert diet_answer == {
        "field": diet.pk,
        "label": "Diet",
        "kind": "multiple",
        "value": ["No nuts"],
    }
    stored = file_answer["value"]
    assert stored["name"] == "Mon_certificat.pdf" and stored["content_type"] == "application/pdf"
    assert stored["path"].startswith(f"answers/{shop.organizer_id}/")
    assert "certificat" not in stored["path"] and len(stored["token"]) >= 32
    with storages["private"].open(stored["path"]) as handle:
        assert handle.read() == PDF
    assert [t.answers[0]["value"] for t in order.tickets.order_by("id")] == ["Guest 1", "Guest 2"]
    customer = Customer.objects.get(email=BUYER["email"])
    assert (customer.city, customer.birth_date) == ("Genève", order.birth_date)

    shown = queries.answers_of(order)
    assert [(row.label, row.text) for row in shown.buyer][:3] == [
        ("First name", "Ana"),
        ("Last name", "Muster"),
        ("Email", "ana@example.org"),
    ]
    assert [row.text for row in shown.extra] == ["Mon_certificat.pdf", "No nuts"]
    assert [(g.number, [r.text for r in g.rows]) for g in shown.tickets] == [
        (1, ["Guest 1"]),
        (2, ["Guest 2"]),
    ]
    assert queries.answer_file(order, stored["token"]) == stored
    assert queries.answer_file(order, "guess") is None


def test_orders_without_answers_still_work_and_answers_survive_field_changes(shop, concert):
    date, standing, full, _reduced = concert
    cart, _lines = cart_with(shop, date, standing, full, quantity=1)
    order = checkout.order_place(cart=cart, **BUYER)  # an existing caller: no answers
    assert order.answers == [] and order.tickets.get().answers == []

    diet = add(shop, label="Diet")
    cart, lines = cart_with(shop, date, standing, full, quantity=1)
    cleaned = clean(shop, {**BUYER, f"field-{diet.pk}": "Vegan"}, lines=lines)
    order = checkout.order_place(cart=cart, **BUYER, **vars(cleaned))
    registration.form_field_update(
        field=diet, actor=None, kind="text", labels={"fr": "Menu"}, required=True
    )
    registration.form_field_delete(field=diet, actor=None)
    order.refresh_from_db()
    assert order.answers[0]["label"] == "Diet" and order.answers[0]["value"] == "Vegan"
    assert [e.action for e in AuditLogEntry.objects.order_by("pk")][-3:] == [
        "registration.field_created",
        "registration.field_changed",
        "registration.field_deleted",
    ]


def test_fields_move_up_and_down(shop, manager):
    first, second, third = (add(shop, label=n) for n in ("One", "Two", "Three"))
    assert registration.form_field_move(field=third, actor=manager, offset=-1)
    assert not registration.form_field_move(field=first, actor=manager, offset=-1)
    labels = [x.label_in("en") for x in queries.registration_form(shop).extra]
    assert labels == ["One", "Three", "Two"]
    assert registration.form_field_move(field=first, actor=manager, offset=1)
    labels = [x.label_in("en") for x in queries.registration_form(shop).extra]
    assert labels == ["Three", "One", "Two"]
    assert second.pk  # untouched rows keep their ids


# --- tenant scoping ------------------------------------------------------------------------
def test_forms_are_scoped_to_their_shop(shop, concert, other_tenant):
    _date, _standing, full, _reduced = concert
    _other_org, other_shop, other_manager = other_tenant
    mine = add(shop, label="Mine", required=True)
    theirs = add(other_shop, label="Theirs", required=True)
    with pytest.raises(NotFound):  # another shop's price cannot get questions here
        add(other_shop, label="Spy", price=full)
    assert [x.pk for x in queries.registration_form(shop, [full.pk]).extra] == [mine.pk]
    assert [x.pk for x in queries.registration_form(other_shop, [full.pk]).extra] == [theirs.pk]
    assert queries.registration_form(other_shop, [full.pk]).questions == {}
    with pytest.raises(Http404):
        queries.form_field_of_shop(other_shop, mine.pk)
    # the other shop's required field is not asked here, its answer not taken
    answers = clean(shop, {**BUYER, f"field-{mine.pk}": "ok", f"field-{theirs.pk}": "x"}).answers
    assert [a.field_id for a in answers.extra] == [mine.pk]
    with pytest.raises(PermissionRefused):
        registration.form_field_update(
            field=mine, actor=other_manager, kind="text", labels={"fr": "x"}, required=False
        )


def test_the_confirmation_email_repeats_the_answers_in_the_buyers_language(
    shop, concert, django_capture_on_commit_callbacks
):
    """The buyer can check what they told the organizer; the plain text reads as typed
    ("O'Brien & Co", not HTML entities) while the HTML part stays escaped."""
    from django.core import mail

    from billetterie.orders.confirmation import confirmation_send

    date, standing, full, _reduced = concert
    diet = registration.form_field_create(
        shop=shop, actor=None, kind="text", labels={"fr": "Régime", "en": "Diet"}
    )
    attendee = add(shop, label="Participant", price=full, required=True)
    cart, lines = cart_with(shop, date, standing, full, quantity=2)
    slots = registration.ticket_slots(lines)
    buyer = {**BUYER, "last_name": "O'Brien & Co"}
    data = {
        **buyer,
        f"field-{diet.pk}": "Sans <noix>",
        **{registration.question_name(s, attendee): f"Invité {s.number}" for s in slots},
    }
    form = queries.registration_form(shop, {line.price_id for line in lines})
    cleaned = registration.answers_clean(form=form, data=data, files={}, slots=slots, language="fr")
    order = checkout.order_place(cart=cart, **buyer, language="fr", **vars(cleaned))
    with django_capture_on_commit_callbacks(execute=True):
        confirmation_send(order)
    (email,) = mail.outbox
    text = email.body
    assert "Bonjour Ana O'Brien & Co," in text
    assert "Vos réponses" in text
    assert "- Régime: Sans <noix>" in text
    assert "- Participant: Invité 1" in text and "- Participant: Invité 2" in text
    html = email.alternatives[0][0]
    assert "Sans &lt;noix&gt;" in html and "<noix>" not in html
    assert "O&#x27;Brien &amp; Co" in html


def test_a_duplicated_event_asks_the_same_questions_of_its_tickets(shop, organizer, concert):
    """CAT-7 copies prices; the per-price questions of the registration form follow them,
    into the copy's shop, while the original keeps its own."""
    from datetime import timedelta

    from django.utils import timezone

    from billetterie.inventory import schedule

    date, _standing, full, _reduced = concert
    attendee = add(shop, label="Participant", price=full, required=True)
    diet = add(shop, kind="choice", label="Menu", price=full, choices=["Viande", "Végé"])
    add(shop, label="Remarque")  # a shop-wide field is not the price's: not copied
    next_season = f.make_shop(organizer, "Saison 2027-2028")
    starts = timezone.now() + timedelta(days=400)
    (copy,) = schedule.event_duplicate(
        event=date.event,
        actor=None,
        target_shop=next_season,
        name="Reprise",
        starts=[(starts, None)],
    )
    copied_price = copy.prices.get(name=full.name)
    questions = list(FormField.objects.filter(price=copied_price))
    assert [(q.shop_id, q.labels, q.kind, q.required, q.choices) for q in questions] == [
        (next_season.pk, attendee.labels, "text", True, []),
        (next_season.pk, diet.labels, "choice", False, ["Viande", "Végé"]),
    ]
    assert FormField.objects.filter(shop=next_season, price__isnull=True).count() == 0
    assert FormField.objects.filter(price=full).count() == 2
