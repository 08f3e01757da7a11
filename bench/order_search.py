"""Order search over 100,000 orders (a benchmark, not a test): issue 7, PAY-2, BOX-2.

    DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/billetterie_ord_bench \\
        .venv/bin/python bench/order_search.py [--orders 100000] [--runs 40] [--fresh]

Creates the database if needed, migrates it and, unless a previous run left a shop with
enough orders, generates them with bulk_create in one shop: buyers from name lists, a
registration answer each, one ticket each (all on one bench hold: this database is for
measuring, not for `check-inventory`). Each order's search text is built by the same
function the services use (orders/search.py).

Then it times what the back-office order list runs for a search — the COUNT for the
pager plus the first page of 50 rows, newest first (staff_queries.orders_of_shop) — for
four kinds of search, each with a different needle per run: an email fragment, a last
name, an order number, words of an answer; and the list with no search at all (the COUNT
of every order of the shop). It prints p50 and p95 per kind, and the plan
PostgreSQL chose for the email search (it should use the trigram index
order_search_trgm).
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres:postgres@127.0.0.1:5432/billetterie_ord_bench"
SHOP_SLUG = "search-bench"
PAGE = 50


def _words(text: str) -> list[str]:
    return text.split()


FIRST = _words(
    "Ana Ben Carla Dora Emil Fabienne Gaspard Hélène Igor Julie Karim Léa Marc Nadia "
    "Olivier Pauline Quentin Rosa Samuel Tania Ugo Valérie William Xénia Yves Zoé Alain "
    "Béatrice Cédric Delphine Étienne Florence Grégoire Inès Jonas Laure Mathias Noémie "
    "Oscar Paula"
)
LAST = _words(
    "Muster Keller Rossi Weiss Favre Meier Bianchi Rochat Schmid Dubois Fontana Huber "
    "Girard Moretti Bachmann Perret Gerber Jaquet Colombo Zürcher Blanc Brunner Ferrari "
    "Rey Steiner Morel Baumann Ricci Fischer Clément Graf Vuille Marti Bernasconi Kuhn "
    "Dupuis Frei Gallo Berger Pittet Lehmann Rinaldi Roth Chevalley Hofmann Leclerc Wyss "
    "Conti Aebi Maillard"
)
DOMAINS = _words("example.org bluewin.ch gmail.com outlook.fr unige.ch epfl.ch hotmail.com")
WORDS = _words(
    "végétarien sans-gluten fauteuil accessible étudiant abonné parking allergie "
    "arachides bébé poussette mobilité réduite membre chorale orchestre bénévole presse "
    "invité famille"
)


def ensure_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg
    from dj_database_url import parse

    config = parse(url)
    with psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


def shop_with_orders(count: int, fresh: bool):
    """The bench shop, with `count` orders (generated once, reused by later runs)."""
    from django.db import connection

    from billetterie.core.models import Shop
    from billetterie.orders.models import Order

    shop = Shop.objects.filter(slug=SHOP_SLUG).order_by("-pk").first()
    if shop is not None and not fresh and Order.objects.filter(shop=shop).count() >= count:
        return shop
    shop = generate(count)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_order")
        cursor.execute("ANALYZE orders_ticket")
    return shop


def generate(count: int):
    from datetime import datetime, timedelta
    from datetime import time as dtime
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from django.db import transaction
    from django.utils import timezone

    from billetterie.catalog.services import prices, venues
    from billetterie.catalog.services.events import event_create
    from billetterie.core.services.organizers import organizer_create, shop_create
    from billetterie.inventory import schedule
    from billetterie.inventory.models import Hold
    from billetterie.orders.models import Order, ShopOrderCounter, Ticket
    from billetterie.orders.search import order_search_text

    rng = random.Random(7)
    organizer = organizer_create(name=f"Search bench {int(time.time())}")
    shop = shop_create(organizer=organizer, actor=None, name="Search bench", slug=SHOP_SLUG)
    venue = venues.venue_create(organizer=organizer, actor=None, name="Hall", city="Bern")
    zone = venues.zone_create(venue=venue, actor=None, name="Floor", capacity=10_000_000)
    event = event_create(shop=shop, actor=None, name="Festival", venue=venue)
    tz = ZoneInfo("Europe/Zurich")
    when = datetime.combine(datetime.now(tz).date() + timedelta(days=30), dtime(20), tzinfo=tz)
    (date,) = schedule.dates_add(event=event, actor=None, starts=[(when, None)])
    price = prices.price_create(
        event=event,
        actor=None,
        zone=zone,
        name="Plein tarif",
        kind="fixed",
        amounts={"CHF": Decimal("45")},
    )
    hold = Hold.objects.create(
        date=date, zone=zone, price=price, quantity=count, state=Hold.State.CONFIRMED
    )
    started = time.perf_counter()
    now = timezone.now()
    batch = 5000
    states = ["paid"] * 8 + ["pending", "cancelled"]
    for start in range(0, count, batch):
        orders = []
        for number in range(start + 1, min(start + batch, count) + 1):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            email = f"{first.lower()}.{last.lower()}{number}@{rng.choice(DOMAINS)}"
            answer = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {number}"
            order = Order(
                shop=shop,
                number=number,
                email=email,
                first_name=first,
                last_name=last,
                language="fr",
                state=rng.choice(states),
                currency="CHF",
                total=Decimal("45.00"),
                payment_method=rng.choice(["testcard", "onsite", "free"]),
                created_at=now - timedelta(minutes=count - number),
                city=rng.choice(["Genève", "Lausanne", "Bern", "Zürich", "Sion"]),
                answers=[{"field": 1, "label": "Remarque", "kind": "text", "value": answer}],
            )
            ticket = Ticket(holder_name=f"{first} {last}", answers=[])
            order.search_text = order_search_text(order, [ticket])
            order._ticket = ticket
            orders.append(order)
        with transaction.atomic():
            Order.objects.bulk_create(orders, batch_size=batch)
            Ticket.objects.bulk_create(
                [
                    Ticket(
                        order=o,
                        hold=hold,
                        date=date,
                        zone=zone,
                        price=price,
                        price_name="Plein tarif",
                        amount=Decimal("45.00"),
                        holder_name=o._ticket.holder_name,
                    )
                    for o in orders
                ],
                batch_size=batch,
            )
        print(f"  {min(start + batch, count):>7} orders", end="\r", flush=True)
    ShopOrderCounter.objects.update_or_create(shop=shop, defaults={"last": count})
    print(f"\ngenerated {count} orders in {time.perf_counter() - started:.1f} s")
    return shop


def needles(shop, kind: str, runs: int, rng: random.Random) -> list[str]:
    from billetterie.orders.models import Order

    total = Order.objects.filter(shop=shop).count()
    picks = [rng.randint(1, total) for _ in range(runs)]
    rows = {
        number: (email, last, answer)
        for number, email, last, answer in Order.objects.filter(
            shop=shop, number__in=picks
        ).values_list("number", "email", "last_name", "answers")
    }
    result = []
    for number in picks:
        email, last, answers = rows[number]
        if kind == "no search":
            result.append("")
        elif kind == "email fragment":
            at = email.index("@")
            result.append(email[max(0, at - 6) : at + 3])  # e.g. "ster42@bl"
        elif kind == "last name":
            result.append(last)
        elif kind == "order number":
            result.append(f"{number:06d}")
        else:
            result.append(answers[0]["value"].split()[-1] + " " + answers[0]["value"].split()[0])
    return result


def time_searches(shop, runs: int) -> list[dict]:
    from django.core.paginator import Paginator

    from billetterie.orders import staff_queries

    rng = random.Random(11)
    results = []
    for kind in ("email fragment", "last name", "order number", "answer words", "no search"):
        timings, hits = [], []
        for needle in needles(shop, kind, runs, rng):
            started = time.perf_counter()
            page = Paginator(staff_queries.orders_of_shop(shop, query=needle), PAGE).get_page(1)
            rows = list(page)
            count = page.paginator.count
            timings.append((time.perf_counter() - started) * 1000)
            hits.append(count)
            assert rows, f"{kind} {needle!r} found nothing"
        timings.sort()
        results.append(
            {
                "kind": kind,
                "example": needle,
                "p50": statistics.median(timings),
                "p95": timings[max(0, int(len(timings) * 0.95) - 1)],
                "hits": statistics.median(hits),
            }
        )
    return results


def explain(shop, needle: str) -> str:
    from django.db import connection

    from billetterie.orders import staff_queries

    query = staff_queries.orders_of_shop(shop, query=needle)[:PAGE]
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(f"    {row[0]}" for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--fresh", action="store_true", help="generate new orders")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "billetterie.settings")
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    shop = shop_with_orders(args.orders, args.fresh)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"order search in one shop of {args.orders} orders — {engine}, {args.runs} runs per "
        f"kind, COUNT + first page of {PAGE}"
    )
    print(f"{'search':<15} {'p50 ms':>8} {'p95 ms':>8} {'hits p50':>9}  example")
    results = time_searches(shop, args.runs)
    for r in results:
        print(
            f"{r['kind']:<15} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['hits']:>9.0f}  {r['example']!r}"
        )
    if engine == "postgresql":
        print("plan of the email search:")
        print(explain(shop, results[0]["example"]))


if __name__ == "__main__":
    main()
