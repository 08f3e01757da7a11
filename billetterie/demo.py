"""Demo data for `make run` and `billetterie demo`: created once, then left alone.

Later apps add their part (events, orders, ...) in `load`, always through services.
"""

import secrets
from datetime import time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from billetterie.core.models import Level, Organizer, User
from billetterie.core.services import organizers, teams
from billetterie.core.services.staff import staff_create

DEMO_ORGANIZER = "theatre-demo"
DEMO_EMAIL = "demo@billetterie.local"
CREDENTIALS_FILE = "demo-login.txt"


def credentials() -> tuple[str, str] | None:
    path = settings.DATA_DIR / CREDENTIALS_FILE
    if not path.exists():
        return None
    email, _sep, password = path.read_text().strip().partition(" ")
    return email, password


@transaction.atomic
def load() -> tuple[Organizer, bool]:
    """The demo organizer, and whether it was created now."""
    existing = Organizer.objects.filter(slug=DEMO_ORGANIZER).first()
    if existing is not None:
        return existing, False
    password = secrets.token_urlsafe(9)
    manager = User.objects.filter(email=DEMO_EMAIL).first()
    if manager is None:
        manager = staff_create(
            email=DEMO_EMAIL, password=password, full_name="Camille Demo", language="fr"
        )
    else:
        manager.set_password(password)
        manager.save(update_fields=["password"])
    organizer = organizers.organizer_create(
        name="Théâtre des Arts (démo)", slug=DEMO_ORGANIZER, owner=manager
    )
    season = organizers.shop_create(
        organizer=organizer,
        actor=manager,
        name="Saison 2026-2027",
        slug="saison-2026-2027",
        currency="CHF",
        languages=["fr", "en", "de"],
        default_language="fr",
        # the play's Saturdays open as a month calendar (CAT-5)
        display_modes=["list", "month", "week"],
        default_display_mode="month",
    )
    festival = organizers.shop_create(
        organizer=organizer,
        actor=manager,
        name="Festival d'été 2027",
        slug="festival-2027",
        currency="CHF",
        languages=["fr", "en"],
    )
    _catalog(organizer, season, festival, manager)
    from billetterie.payments.services import shop_methods_set

    for shop in (season, festival):  # the test card lets a demo visitor try a purchase
        shop_methods_set(shop=shop, providers=["free", "testcard", "onsite"])
        _invoices(shop, manager)
    door = teams.team_create(organizer=organizer, actor=manager, name="Accueil et contrôle")
    teams.grant_create(organizer=organizer, actor=manager, team=door, level=Level.SCAN)
    counter = teams.team_create(organizer=organizer, actor=manager, name="Guichet")
    teams.grant_create(organizer=organizer, actor=manager, team=counter, level=Level.BOX_OFFICE)
    path = settings.DATA_DIR / CREDENTIALS_FILE
    path.write_text(f"{DEMO_EMAIL} {password}\n")
    path.chmod(0o600)
    return organizer, True


def _invoices(shop, manager) -> None:
    """Payment by invoice with a Swiss QR-bill (PAY-5, PAY-6): the test QR-IBAN of the
    QR-bill implementation guidelines; offered until 3 days before the show."""
    from billetterie.banking.deadlines import DeadlineRule
    from billetterie.banking.services.accounts import bank_account_create
    from billetterie.banking.services.invoice_settings import invoice_settings_save

    bank_account_create(
        shop=shop,
        actor=manager,
        values={
            "label": "Compte QR (test)",
            "iban": "CH44 3199 9123 0008 8901 2",
            "currency": "CHF",
            "holder_name": "Théâtre des Arts",
            "street": "Rue du Midi",
            "house_number": "12",
            "postal_code": "1003",
            "town": "Lausanne",
            "country": "CH",
        },
    )
    invoice_settings_save(
        shop=shop, actor=manager, enabled=True, rule=DeadlineRule(offer_days_before=3)
    )


def _catalog(organizer, season, festival, manager) -> None:
    """A multi-date play, a seated concert, a festival with day quotas, a pay-what-you-want
    reading — enough to try every screen of the catalog."""
    from billetterie.catalog.models import Price, Zone
    from billetterie.catalog.services import prices, venues
    from billetterie.catalog.services.events import date_times, event_create
    from billetterie.inventory import schedule
    from billetterie.inventory.services import quota_set

    tz = season.zone_info
    today = timezone.localdate()
    chf = lambda amount: {"CHF": Decimal(amount)}  # noqa: E731

    theatre = venues.venue_create(
        organizer=organizer,
        actor=manager,
        name="Théâtre des Arts",
        street="Rue du Midi 12",
        postal_code="1003",
        city="Lausanne",
    )
    stalls = venues.zone_create(venue=theatre, actor=manager, name="Parterre", capacity=180)
    balcony = venues.zone_create(venue=theatre, actor=manager, name="Balcon", capacity=60)

    play = event_create(
        shop=season,
        actor=manager,
        name="Le Misanthrope",
        venue=theatre,
        category="Théâtre",
        description="Molière, mis en scène par la troupe du théâtre.",
    )
    first_saturday = today + timedelta(days=(5 - today.weekday()) % 7 + 14)
    if (first_saturday + timedelta(days=14)).month != first_saturday.month:
        # three Saturdays of one month: the month calendar shows the whole run at once
        next_month = (first_saturday.replace(day=1) + timedelta(days=32)).replace(day=1)
        first_saturday = next_month + timedelta(days=(5 - next_month.weekday()) % 7)
    schedule.dates_add(
        event=play,
        actor=manager,
        starts=date_times(
            first_day=first_saturday,
            last_day=first_saturday + timedelta(days=20),
            every="week",
            weekdays=[5],
            times=[time(15), time(20)],
            duration=timedelta(hours=2, minutes=15),
            tz=tz,
        ),
    )
    for zone, full, reduced in ((stalls, "45.00", "25.00"), (balcony, "32.00", "18.00")):
        prices.price_create(
            event=play,
            actor=manager,
            zone=zone,
            name="Plein tarif",
            kind=Price.Kind.FIXED,
            amounts=chf(full),
        )
        prices.price_create(
            event=play,
            actor=manager,
            zone=zone,
            name="AVS / étudiant",
            kind=Price.Kind.FIXED,
            amounts=chf(reduced),
            max_per_order=4,
        )

    hall = venues.venue_create(
        organizer=organizer, actor=manager, name="Salle Paderewski", city="Lausanne"
    )
    for name, rows, category in (
        ("Orchestre", ["A", "B", "C", "D", "E", "F"], "Catégorie 1"),
        ("Corbeille", ["G", "H", "J"], "Catégorie 2"),
        ("Galerie", ["K", "L"], "Catégorie 3"),
    ):
        zone = venues.zone_create(venue=hall, actor=manager, name=name, kind=Zone.Kind.NUMBERED)
        venues.seats_generate(
            zone=zone, actor=manager, rows=rows, seats_per_row=12, category=category
        )
    concert = event_create(
        shop=season,
        actor=manager,
        name="Orchestre de chambre — Mozart",
        venue=hall,
        category="Concert",
    )
    schedule.dates_add(
        event=concert,
        actor=manager,
        starts=date_times(first_day=today + timedelta(days=40), times=[time(19, 30)], tz=tz),
    )
    for zone in hall.zones.all():
        amount = {"Orchestre": "85.00", "Corbeille": "60.00", "Galerie": "35.00"}[zone.name]
        prices.price_create(
            event=concert,
            actor=manager,
            zone=zone,
            name="Plein tarif",
            kind=Price.Kind.FIXED,
            amounts=chf(amount),
        )

    park = venues.venue_create(
        organizer=organizer, actor=manager, name="Parc de Milan", city="Lausanne"
    )
    meadow = venues.zone_create(venue=park, actor=manager, name="Pelouse", capacity=3000)
    fest = event_create(
        shop=festival, actor=manager, name="Festival d'été", venue=park, category="Festival"
    )
    days = schedule.dates_add(
        event=fest,
        actor=manager,
        starts=date_times(
            first_day=today + timedelta(days=200),
            last_day=today + timedelta(days=202),
            every="day",
            times=[time(16)],
            tz=tz,
        ),
    )
    for day in days:
        quota_set(date=day, size=2500, name="Jauge du jour")
    day_pass = prices.price_create(
        event=fest,
        actor=manager,
        zone=meadow,
        name="Pass journée",
        kind=Price.Kind.FIXED,
        amounts=chf("55.00"),
    )
    _festival_form(festival, manager, day_pass)

    studio = venues.venue_create(organizer=organizer, actor=manager, name="Studio", city="Vevey")
    floor = venues.zone_create(venue=studio, actor=manager, name="Salle", capacity=50)
    reading = event_create(
        shop=season, actor=manager, name="Lecture — tarif libre", venue=studio, category="Lecture"
    )
    schedule.dates_add(
        event=reading,
        actor=manager,
        starts=date_times(first_day=today + timedelta(days=25), times=[time(18)], tz=tz),
    )
    prices.price_create(
        event=reading,
        actor=manager,
        zone=floor,
        name="Tarif libre",
        kind=Price.Kind.PAY_WHAT_YOU_WANT,
        amounts=chf("5.00"),
    )


def _festival_form(festival, manager, day_pass) -> None:
    """A sample registration form (SHOP-4) on the festival shop: optional phone and city,
    a drop-down asked once per order and a question asked for each day pass."""
    from billetterie.orders.services import registration

    registration.form_modes_set(
        shop=festival, actor=manager, modes={"phone": "optional", "city": "optional"}
    )
    registration.form_field_create(
        shop=festival,
        actor=manager,
        kind="choice",
        labels={"fr": "Comment nous avez-vous connus?", "en": "How did you hear about us?"},
        choices=["Affiche", "Réseaux sociaux", "Bouche-à-oreille"],
    )
    registration.form_field_create(
        shop=festival,
        actor=manager,
        kind="text",
        labels={"fr": "Nom du festivalier", "en": "Festival-goer's name"},
        required=True,
        price=day_pass,
    )
