"""Orders for the back-office tests (issue 7): real carts, real order_place, real payments
records; answers and uploaded files through the registration services."""

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from billetterie.orders import queries
from billetterie.orders.services import cart as carts
from billetterie.orders.services import checkout, registration
from tests.catalog_factories import make_event_with_date, make_price, make_venue

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@dataclass
class Concert:
    event: object
    date: object
    standing: object
    numbered: object
    full: object
    seated: object


def make_concert(organizer, shop, *, name="Concert", free=50) -> Concert:
    venue, standing, numbered = make_venue(organizer, free=free)
    event, date = make_event_with_date(shop, venue, name=name)
    full = make_price(event, standing, amount="45.00")
    seated = make_price(event, numbered, name="Balcon", amount="60.00")
    return Concert(event, date, standing, numbered, full, seated)


def place(
    shop,
    concert: Concert,
    *,
    email="ana@example.org",
    first_name="Ana",
    last_name="Muster",
    quantity=2,
    seated=0,
    data=None,
    files=None,
    paid=False,
    language="en",
):
    """An order of `quantity` standing and `seated` numbered places; `data`/`files` answer
    the shop's registration form (names as registration.extra_name / question_name)."""
    cart = carts.cart_for(shop=shop, key=None)
    if quantity:
        carts.cart_add(
            cart=cart,
            date=concert.date,
            zone=concert.standing,
            price=concert.full,
            quantity=quantity,
        )
    if seated:
        carts.cart_add(
            cart=cart,
            date=concert.date,
            zone=concert.numbered,
            price=concert.seated,
            quantity=seated,
        )
    lines = list(cart.lines.select_related("price", "date__event").order_by("id"))
    slots = registration.ticket_slots(lines)
    form = queries.registration_form(shop, {line.price_id for line in lines})
    values = {"email": email, "first_name": first_name, "last_name": last_name}
    values.update((data(slots) if callable(data) else data) or {})
    cleaned = registration.answers_clean(
        form=form, data=values, files=files or {}, slots=slots, language=language
    )
    order = checkout.order_place(
        cart=cart,
        email=email,
        first_name=first_name,
        last_name=last_name,
        language=language,
        **vars(cleaned),
    )
    if paid:
        order = checkout.order_paid(order=order, provider="testcard", reference="T-1")
    return order


def pdf_upload(name="certificate.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")
