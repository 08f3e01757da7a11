"""The paper list of attendees (SCAN-8): every ticket that lets someone in on that date,
sorted by name, none of another date or organizer; a box to tick per row, the column
headings and page numbers on every page."""

from datetime import timedelta

import pypdfium2 as pdfium
import pytest
from django.utils import translation

from billetterie.checkin.paper_list import attendee_list
from billetterie.documents.attendees import AttendeeList, render_attendee_list_pdf
from billetterie.inventory import schedule
from billetterie.orders.models import Ticket
from tests import factories as f
from tests.documents.helpers import MM, page_texts, path_bounds
from tests.documents.sales import make_concert, order

pytestmark = pytest.mark.django_db


@pytest.fixture
def concert(organizer, shop):
    return make_concert(organizer, shop, name="Récital d\u2019orgue")


@pytest.fixture
def sold(shop, concert, other_tenant):
    """Orders of the concert's date in every state, and others that must not be listed."""
    (later,) = schedule.dates_add(
        event=concert.event,
        actor=None,
        starts=[(concert.date.starts_at + timedelta(days=7), None)],
    )
    orders = {
        "zurbriggen": order(shop, concert, "Zoé", "Zurbriggen", standing=2),
        "echenard": order(shop, concert, "élodie", "Échenard", standing=0, seated=1),
        "muster": order(shop, concert, "Ana", "Muster", state="at_door"),
        "dupont": order(shop, concert, "Jean", "Dupont"),
        "aebi": order(shop, concert, "Bob", "Aebi", state="pending"),
        "expired": order(shop, concert, "Carl", "Abegg", state="expired"),
        "later": order(shop, concert, "Lea", "Later", date=later),
    }
    other_org, other_shop, _manager = other_tenant
    stranger = make_concert(other_org, other_shop, name="Elsewhere")
    orders["stranger"] = order(other_shop, stranger, "Sam", "Stranger")
    return orders


def row_names(text: str, names: list[str]) -> list[str]:
    """The names in the order they appear on the page."""
    positions = {name: text.find(name) for name in names}
    return [name for name, at in sorted(positions.items(), key=lambda item: item[1]) if at >= 0]


def test_lists_every_admitted_ticket_of_the_date_sorted_by_name(shop, concert, sold):
    with translation.override("en"):
        attendees = attendee_list(shop=shop, date=concert.date)
    names = [row.name for row in attendees.rows]
    assert names == [
        "Dupont, Jean",
        "Échenard, élodie",  # É sorts with E, whatever the case
        "Muster, Ana",
        "Zurbriggen, Zoé",
        "Zurbriggen, Zoé",
    ]
    by_name = {row.name: row for row in attendees.rows}
    assert by_name["Échenard, élodie"].place_text == "Balcon, Row A, seat 1"
    assert by_name["Échenard, élodie"].price_text == "Balcon · CHF 60.00"
    assert by_name["Dupont, Jean"].place_text == "Parterre"
    assert by_name["Dupont, Jean"].order_number == sold["dupont"].code
    assert by_name["Muster, Ana"].note == "to pay at the door"
    assert by_name["Dupont, Jean"].note == ""
    assert attendees.event_name == "Récital d\u2019orgue"
    assert attendees.venue_text == "Salle, Genève"


def test_the_pdf_shows_the_rows_in_order_and_nothing_else(shop, concert, sold):
    with translation.override("en"):
        pdf = render_attendee_list_pdf(attendee_list(shop=shop, date=concert.date), language="en")
    (text,) = page_texts(pdf)
    assert row_names(text, ["Dupont", "Échenard", "Muster", "Zurbriggen"]) == [
        "Dupont",
        "Échenard",
        "Muster",
        "Zurbriggen",
    ]
    for absent in ("Aebi", "Abegg", "Later", "Stranger"):
        assert absent not in text
    assert text.count("Zurbriggen, Zoé") == 2
    assert "Récital d\u2019orgue" in text and "5 tickets" in text
    assert "to pay at the door" in text
    assert sold["echenard"].code in text and "Balcon, Row A, seat 1" in text
    assert "Page 1 of 1" in text


def test_a_holder_named_for_the_ticket_is_listed_under_their_own_name(shop, concert, sold):
    ticket = sold["zurbriggen"].tickets.order_by("pk").first()
    Ticket.objects.filter(pk=ticket.pk).update(holder_name="Marie Salomea Curie")
    with translation.override("en"):
        names = [row.name for row in attendee_list(shop=shop, date=concert.date).rows]
    assert names == [
        "Curie, Marie Salomea",
        "Dupont, Jean",
        "Échenard, élodie",
        "Muster, Ana",
        "Zurbriggen, Zoé",
    ]


def test_a_long_list_repeats_its_headings_and_numbers_its_pages(shop, concert):
    order(shop, concert, "Nadia", "Nombreux", standing=70)
    with translation.override("en"):
        attendees = attendee_list(shop=shop, date=concert.date)
    pdf = render_attendee_list_pdf(attendees, language="en")
    texts = page_texts(pdf)
    assert len(texts) >= 2
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text
        for heading in ("Name", "Order", "Price", "Place"):
            assert heading in text
        assert "Récital d\u2019orgue" in text  # the footer names the event on every page
    assert sum(text.count("Nombreux, Nadia") for text in texts) == 70
    # one empty box to tick per row, drawn as a small square
    document = pdfium.PdfDocument(pdf)
    try:
        boxes = 0
        for page in document:
            boxes += sum(
                1
                for left, bottom, right, top in path_bounds(page)
                if 4 * MM < right - left < 6 * MM and abs((right - left) - (top - bottom)) < 0.5
            )
    finally:
        document.close()
    assert boxes == 70


def test_an_empty_date_says_so(shop, concert):
    with translation.override("en"):
        pdf = render_attendee_list_pdf(attendee_list(shop=shop, date=concert.date), language="en")
    assert "No ticket for this date yet." in page_texts(pdf)[0]


def test_a_date_of_another_shop_is_refused(shop, concert, other_tenant):
    other_org, other_shop, _manager = other_tenant
    stranger = make_concert(other_org, other_shop)
    with pytest.raises(ValueError):
        attendee_list(shop=shop, date=stranger.date)
    mine = f.make_shop(shop.organizer, "Next season")
    with pytest.raises(ValueError):
        attendee_list(shop=mine, date=concert.date)


def test_names_are_text_not_markup():
    attendees = AttendeeList(
        organizer_name="A & B",
        event_name="<b>Gala</b>",
        date_text="1 May 2026, 20:00",
        venue_text="",
        printed_text="printed",
        rows=[],
    )
    text = page_texts(render_attendee_list_pdf(attendees, language="en"))[0]
    assert "<b>Gala</b>" in text and "A & B" in text
