"""SHOP-3 acceptance through HTTP on PostgreSQL: 100 buyers, each with their own browser
session (Django's test client, its own database connection), add places to their cart and
check out at once for 20 places. Every place is sold once, every refused buyer is told the
places are gone, and `check-inventory` finds no drift."""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.urls import reverse

from billetterie.inventory.models import Quota
from billetterie.orders.models import Order, Ticket
from tests import factories
from tests.catalog_factories import make_event_with_date, make_price, make_venue

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUYERS = 100
PLACES = 20
SOLD_OUT_WORDS = ("not enough", "sold out", "no longer", "only")


def test_100_concurrent_http_checkouts_for_20_places_never_oversell(require_postgres):
    organizer, shop, _ = factories.make_tenant()
    venue, standing, _ = make_venue(organizer, free=PLACES, seat_rows=())
    event, date = make_event_with_date(shop, venue)
    price = make_price(event, standing)
    args = {"organizer": organizer.slug, "shop": shop.slug}
    date_url = reverse("shop:date", kwargs={**args, "event_id": event.pk, "date_id": date.pk})
    checkout_url = reverse("shop:checkout", kwargs=args)
    barrier = threading.Barrier(BUYERS)
    slots = threading.BoundedSemaphore(60)  # PostgreSQL's default allows 100 connections
    outcomes, lock = [], threading.Lock()

    def buyer(n: int):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        wanted = 1 + n % 2
        try:
            barrier.wait(timeout=60)
            with slots:
                try:
                    added = client.post(
                        date_url, {"price": price.pk, "quantity": wanted}, follow=True
                    )
                    in_cart = "added to your cart" in added.text
                    if not in_cart:
                        outcome = ("refused_at_cart", added.text)
                    else:
                        email = f"buyer{n}@example.org"
                        placed = client.post(
                            checkout_url,
                            {
                                "email": email,
                                "email_again": email,
                                "first_name": "Buyer",
                                "last_name": str(n),
                            },
                        )
                        ok = placed.status_code == 302 and "/order/" in placed.url
                        outcome = ("ok", wanted) if ok else ("refused_at_checkout", placed)
                finally:
                    connections.close_all()
        except Exception as error:
            outcome = ("error", repr(error))
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=buyer, args=(n,)) for n in range(BUYERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)

    assert len(outcomes) == BUYERS
    assert [o for o in outcomes if o[0] in {"error", "refused_at_checkout"}] == []
    refusals = [text for kind, text in outcomes if kind == "refused_at_cart"]
    assert len(refusals) >= BUYERS - PLACES
    # a refused buyer sees why, on the page they come back to
    assert all(any(word in text.lower() for word in SOLD_OUT_WORDS) for text in refusals), [
        t[:300] for t in refusals[:1]
    ]
    sold = sum(n for kind, n in outcomes if kind == "ok")
    assert sold == Ticket.objects.filter(date=date).count() <= PLACES
    assert PLACES - sold < 2  # only refused when fewer places were left than asked for
    assert Quota.objects.get(date=date, zone=standing).taken == sold
    assert Order.objects.filter(shop=shop).count() == len([o for o in outcomes if o[0] == "ok"])
    report = io.StringIO()
    call_command("check-inventory", stdout=report)
    assert report.getvalue().startswith("inventory ok"), report.getvalue()
