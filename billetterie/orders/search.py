"""Finding orders by anything staff remember of them (PAY-2, BOX-2): the order number, the
buyer's email or name, any answer of the registration form, a ticket holder.

Every order keeps that text in one normalized column, `Order.search_text` (lower case,
accents removed), rewritten by each service that changes what it is built from
(order_place, a change of customer, anonymisation). A search is then one
`search_text LIKE '%word%'` per word typed: on PostgreSQL a trigram GIN index answers it
without reading the table (an email fragment like "muster@ex" among 100,000 orders: see
bench/order_search.py); on SQLite it is a plain scan of one column, fine at that size.
"""

import re
import unicodedata

from django.db.models import QuerySet

from billetterie.orders.form_models import DETAIL_FIELDS

SEPARATOR = " | "
MAX_WORDS = 6
MAX_SEARCH_TEXT = 20_000  # a form with long texts must not make the column huge


def normalize(text) -> str:
    """Lower case, accents removed, spaces collapsed: "Müller  Ève" -> "muller eve"."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", plain.casefold()).strip()


def _answer_texts(answers) -> list[str]:
    texts = []
    for answer in answers or []:
        value = answer.get("value")
        if value in (None, ""):
            continue
        if isinstance(value, dict):  # a file: its name is what people remember
            texts.append(value.get("name", ""))
        elif isinstance(value, list):
            texts.extend(str(v) for v in value)
        else:
            texts.append(str(value))
    return texts


def order_search_text(order, tickets=None) -> str:
    """The normalized search text of an order and its tickets (`tickets` saves a query)."""
    if tickets is None:
        tickets = list(order.tickets.only("holder_name", "answers"))
    parts = [
        f"{order.number:06d}",
        str(order.number),
        order.email,
        order.first_name,
        order.last_name,
    ]
    parts += [
        str(getattr(order, key)) for key in DETAIL_FIELDS if getattr(order, key) not in ("", None)
    ]
    parts += _answer_texts(order.answers)
    for ticket in tickets:
        parts.append(ticket.holder_name)
        parts += _answer_texts(ticket.answers)
    seen, unique = set(), []
    for part in (normalize(p) for p in parts):
        if part and part not in seen:
            seen.add(part)
            unique.append(part)
    return SEPARATOR.join(unique)[:MAX_SEARCH_TEXT]


def order_search_refresh(order, tickets=None) -> str:
    """Rewrite the order's search text from its current fields; call inside the service's
    transaction, after the change."""
    from billetterie.orders.models import Order

    text = order_search_text(order, tickets)
    Order.objects.filter(pk=order.pk).update(search_text=text)
    order.search_text = text
    return text


def search_words(query: str) -> list[str]:
    """The words of a search box, normalized; '#42' searches the number 42."""
    words = normalize(query).replace("#", " ").split()
    return words[:MAX_WORDS]


def orders_matching(queryset: QuerySet, query: str) -> QuerySet:
    """Orders of `queryset` whose search text holds every word of `query`."""
    for word in search_words(query):
        queryset = queryset.filter(search_text__contains=word)
    return queryset
