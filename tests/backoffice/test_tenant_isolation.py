"""Tenant isolation (SPEC ORG-3): staff of one organizer never reach another's data.

Every URL of the `backoffice` namespace is walked, so a URL added later is checked without
anyone remembering to: its kwargs are filled from KWARG_VALUES with the victim organizer's
objects and it is requested, GET and POST, by a manager of another organizer. The answer
must be 404 or 403 (405 for a method the view does not take) and the victim's data must be
unchanged. A URL with a kwarg the map does not know fails the test: extend the map with the
victim's object of that kind. Only the public auth URLs are skipped, by name.

The `api` namespace is walked the same way; today it holds only the public schema and docs.
"""

import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from billetterie.banking.models import BankAccount, Invoice
from billetterie.banking.references import qr_reference_for
from billetterie.banking.services import accounts as bank_accounts
from billetterie.boxoffice.models import CounterPayment, Receipt
from billetterie.catalog.models import (
    Event,
    EventDate,
    EventImage,
    OptionGroup,
    Price,
    PriceAmount,
    Seat,
    TicketOption,
    Venue,
    Zone,
)
from billetterie.catalog.services import images, options
from billetterie.checkin.models import (
    ScanDevice,
    ScanLoginCode,
    ScanProfile,
    ShopCheckinSettings,
    SigningKey,
)
from billetterie.checkin.services import devices as scan_devices
from billetterie.checkin.services import profiles as scan_profiles
from billetterie.core.models import (
    AuditLogEntry,
    Grant,
    Level,
    Organizer,
    Shop,
    StaffInvitation,
    Team,
    User,
)
from billetterie.inventory.models import DateSeat, Hold, Quota
from billetterie.notifications.models import OutboxMessage
from billetterie.orders.exports import services as export_services
from billetterie.orders.exports.models import Export
from billetterie.orders.form_models import FormField, RegistrationForm
from billetterie.orders.models import Customer, Order, OrderEvent, Ticket
from billetterie.orders.promotion_models import Promotion
from billetterie.orders.services import promotions, registration
from billetterie.payments.models import Transaction
from billetterie.shop.models import ShopTracking
from billetterie.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests import factories as f
from tests.banking.helpers import account_values as bank_account_values
from tests.catalog_factories import make_event_with_date, make_price, make_venue
from tests.orders.sales import make_concert, pdf_upload, place

pytestmark = pytest.mark.django_db

# Back-office URLs that need no organizer: logging in and out, resetting a password, an
# invitation link (its token is the credential), the user's own security page, the home
# page (lists only the user's own organizers). Nothing else may be added here lightly.
PUBLIC_BACKOFFICE = {
    "login",
    "login_totp",
    "logout",
    "password_reset",
    "password_reset_confirm",
    "invitation",
    "account_security",
    "home",
}
# API URLs anyone may read: the schema and its documentation. Later API URLs (resources of
# an organizer) are NOT listed here: they go through the same victim check as the back office.
PUBLIC_API = {"openapi-json", "openapi-view", "api-root"}
# API actions anyone may call: a scanner logs in with its credentials in the body (POST
# only). They answer 401/422 to a wrong login and never show tenant data (checked below).
ANONYMOUS_API_ACTIONS = {"checkin_login"}

# Kwargs that name the organizer itself; every other kwarg names an object inside it.
TENANT_KWARGS = {"organizer"}
REFUSED = {403, 404}
METHOD_NOT_ALLOWED = 405


@dataclass
class Victim:
    organizer: Organizer
    shop: Shop
    manager: User
    member: User
    team: Team
    team_grant: Grant
    shop_grant: Grant
    invitation: StaffInvitation
    token: str
    venue: Venue
    zone: Zone
    event: Event
    date: EventDate
    price: Price
    option: TicketOption
    image: EventImage
    question: FormField
    promotion: Promotion
    # orders, customers, exports (issue 7)
    order: Order | None = None
    customer: Customer | None = None
    export: Export | None = None
    file_token: str = ""
    # access control (SCAN-1..7)
    scan_profile: ScanProfile | None = None
    login_code: ScanLoginCode | None = None
    scan_device: ScanDevice | None = None
    # webhooks (API-3)
    webhook: WebhookEndpoint | None = None
    webhook_delivery: WebhookDelivery | None = None
    # bank accounts (PAY-6)
    bank_account: BankAccount | None = None


@dataclass
class Attacker:
    organizer: Organizer
    shop: Shop
    manager: User
    team: Team


@pytest.fixture
def victim(db) -> Victim:
    organizer, _shop, manager = f.make_tenant()
    organizer.name = "Victim Theatre"
    organizer.save()
    shop = f.make_shop(organizer, "Victim season", slug="victim-season")
    member = f.make_staff("victim.member@example.org")
    team = f.make_team(organizer, "Victim crew", members=[member])
    team_grant = f.grant(organizer, Level.BOX_OFFICE, team=team)
    shop_grant = f.grant(organizer, Level.VIEW, user=member, shop=shop)
    invitation, token = f.invite(team, manager, "victim.invitee@example.org")
    venue, _standing, numbered = make_venue(organizer, seat_rows=("A", "B"), seats_per_row=4)
    event, date = make_event_with_date(shop, venue, name="Victim gala")
    price = make_price(event, numbered)
    group = options.option_group_create(price=price, actor=None, name="Victim meal")
    option = options.option_create(
        price=price, actor=None, name="Victim wine", amount="8.00", group=group
    )
    image = images.image_upload(event=event, actor=None, kind="gallery", upload=jpeg("v.jpg"))
    registration.form_modes_set(shop=shop, actor=None, modes={"phone": "required"})
    diet = registration.form_field_create(
        shop=shop, actor=None, kind="text", labels={"fr": "Régime"}, required=True
    )
    question = registration.form_field_create(
        shop=shop, actor=None, kind="text", labels={"fr": "Nom du participant"}, price=price
    )
    promotion = promotions.promotion_create(
        shop=shop,
        actor=None,
        name="Victim friends",
        kind="code",
        code="VICTIM",
        reduction="percent",
        value="10",
        events=[event],
        prices=[price],
    )
    # a paid order with an uploaded file, its customer and an export (issue 7)
    concert = make_concert(organizer, shop, name="Victim recital")
    document = registration.form_field_create(
        shop=shop, actor=None, kind="file", labels={"fr": "Pièce"}
    )
    order = place(
        shop,
        concert,
        email="victim.buyer@example.org",
        data={"phone": "+41 21 000 00 00", registration.extra_name(diet): "Vegan"},
        files={registration.extra_name(document): pdf_upload()},
        paid=True,
    )
    file_token = next(a["value"]["token"] for a in order.answers if a["kind"] == "file")
    export = export_services.export_request(shop=shop, actor=None, event=concert.event, kind="xlsx")
    scan_profile = scan_profiles.profile_create(
        organizer=organizer, actor=None, name="Victim door", dates=[date]
    )
    issued = scan_devices.profile_code_create(profile=scan_profile, actor=None)
    login = scan_devices.device_login_code(code=issued.code, client_ip="10.9.9.9")
    bank_account = bank_accounts.bank_account_create(
        shop=shop, actor=None, values=bank_account_values()
    )
    Invoice.objects.create(  # the paid order's invoice, so its invoice pages exist
        shop=shop,
        order=order,
        account=bank_account,
        number=1,
        qr_reference=qr_reference_for(shop_id=shop.pk, number=1),
        amount=order.total,
        currency=order.currency,
        due_at=order.created_at,
        cancel_at=order.created_at,
        paid_at=order.created_at,
    )
    return Victim(
        organizer,
        shop,
        manager,
        member,
        team,
        team_grant,
        shop_grant,
        invitation,
        token,
        venue=venue,
        zone=numbered,
        event=event,
        date=date,
        price=price,
        option=option,
        image=image,
        question=question,
        promotion=promotion,
        order=order,
        customer=order.customer,
        export=export,
        file_token=file_token,
        scan_profile=scan_profile,
        login_code=issued.login_code,
        scan_device=login.device,
        **victim_webhook(shop),
        bank_account=bank_account,
    )


def victim_webhook(shop) -> dict:
    """An endpoint (on a name that never resolves: nothing can be sent) and a delivery."""
    webhook = WebhookEndpoint.objects.create(
        shop=shop,
        url="https://hooks.victim.invalid/billetterie",
        events=["order.paid"],
        secret_sealed="sealed",
        secret_hint="abcd",
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=webhook, event="order.paid", payload={"event": "order.paid"}, state="failed"
    )
    return {"webhook": webhook, "webhook_delivery": delivery}


def jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def attacker(db) -> Attacker:
    organizer, shop, manager = f.make_tenant()
    team = f.make_team(organizer, "Attacker crew", members=[manager])
    return Attacker(organizer, shop, manager, team)


def kwarg_values(victim: Victim) -> dict:
    """The victim's object for every kwarg a back-office or API URL may take.

    A new kind of URL kwarg (event_id, order_id, ...) must be added here, pointing at an
    object of the victim organizer, else test_every_url_kwarg_is_known fails.
    """
    return {
        "organizer": victim.organizer.slug,
        "shop": victim.shop.slug,
        "team_id": victim.team.pk,
        "grant_id": victim.team_grant.pk,
        "invitation_id": victim.invitation.pk,
        "user_id": victim.member.pk,
        "token": victim.token,
        "venue_id": victim.venue.pk,
        "zone_id": victim.zone.pk,
        "event_id": victim.event.pk,
        "date_id": victim.date.pk,
        "price_id": victim.price.pk,
        "option_id": victim.option.pk,
        "image_id": victim.image.pk,
        "field_id": victim.question.pk,
        "promotion_id": victim.promotion.pk,
        "order_id": victim.order.pk,
        "customer_id": victim.customer.pk,
        "export_id": victim.export.pk,
        "file_token": victim.file_token,
        "profile_id": victim.scan_profile.pk,
        "code_id": victim.login_code.pk,
        "device_id": victim.scan_device.pk,
        "endpoint_id": victim.webhook.pk,
        "delivery_id": victim.webhook_delivery.pk,
        "account_id": victim.bank_account.pk,
    }


# The one field whose valid value differs between forms: which form a URL posts.
KIND_BY_URL = {
    "zone_create": "free",
    "image_upload": "gallery",
    "registration_field_create": "text",
    "registration_question_create": "text",
    "registration_field_edit": "text",
    "promotion_create": "code",
    "promotion_edit": "code",
}


def post_data(victim: Victim, attacker: Attacker, name: str = "") -> dict:
    """A body that would make any back-office form succeed, so that a view which forgot
    the tenant check would really change something."""
    return {
        # catalog forms: event, dates, quota, price, option, image, venue, zone, seats
        "kind": KIND_BY_URL.get(name.split(":")[-1], "fixed"),
        "visibility": "public",
        "sale_status": "on_sale",
        "first_day": "2031-05-03",
        "every": "once",
        "times": "20:00",
        "action": "confirm",
        "target_shop": victim.shop.slug,
        "one_event_per_date": "0",
        "size": 1,
        "zone": victim.zone.pk,
        "amount": "10.00",
        "file": jpeg(),
        "city": "Lausanne",
        "country": "CH",
        "capacity": 10,
        "rows": "Z",
        "seats_per_row": 3,
        "name": "Hacked",
        "email": "spy@example.org",
        "team": victim.team.pk,
        "holder": f"user:{attacker.manager.pk}",
        "level": int(Level.MANAGE),
        "scope": "date" if name.endswith("date_quota") else "organizer",
        "currency": "EUR",
        "time_zone": "Europe/Zurich",
        "languages": ["fr", "en"],
        "default_language": "fr",
        # shop tracking (SHOP-8)
        "head_code": "<script>steal()</script>",
        "extra_script_src": "https://evil.example.org",
        # registration form (SHOP-4): a field form (with "kind" "text" it would succeed)
        "label_fr": "Hacked",
        "label_en": "Hacked",
        "required": "on",
        "direction": "up",
        **{key: "hidden" for key in ("first_name", "last_name", "phone", "company")},
        # promotions (SHOP-6): with "kind" "code" a promotion form would succeed
        "code": "HACKED",
        "reduction": "percent",
        "value": "100",
        "min_tickets": 1,
        "active": "on",
        "events": [victim.event.pk],
        "prices": [victim.price.pk],
        # orders, customers, exports (issue 7): each of these forms would succeed
        "to": "spy@example.org",
        "reason": "Hacked",
        "notify": "on",
        "other": victim.customer.pk,
        "event": victim.event.pk,
        "format": "xlsx",
        # box office (BOX-*): a sale, a payment, a split of the victim's tickets
        "method": "cash",
        "amount_given": "1000",
        "date": victim.date.pk,
        "price": victim.price.pk,
        "quantity": 1,
        "ticket": list(victim.order.tickets.values_list("pk", flat=True)),
        # bank accounts and invoice settings (PAY-5, PAY-6)
        "label": "Hacked",
        "iban": "CH93 0076 2011 6238 5295 7",
        "holder_name": "Hacked",
        "postal_code": "1000",
        "town": "Lausanne",
        "enabled": "on",
        "reminder_days": 1,
        "reminder_count": 0,
        "offer_days_before": 0,
    }


def walk(patterns, namespace: str, kwargs: tuple = ()):
    """(full name, kwarg names) of every URL below `patterns`, through nested includes."""
    for pattern in patterns:
        names = kwargs + tuple(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, inner, names)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}{pattern.name}" if pattern.name else None), names


def urls_of(namespace: str) -> list[tuple[str, tuple]]:
    _prefix, resolver = get_resolver().namespace_dict[namespace]
    return list(walk(resolver.url_patterns, f"{namespace}:"))


BACKOFFICE_URLS = urls_of("backoffice")
PROTECTED_BACKOFFICE = [
    (name, kwargs)
    for name, kwargs in BACKOFFICE_URLS
    if name is None or name.split(":")[-1] not in PUBLIC_BACKOFFICE
]
# The box office (BOX-*) is a staff surface of the same organizers: its URLs are walked with
# the back office's. Its home lists only the user's own shops.
BOXOFFICE_URLS = urls_of("boxoffice")
PUBLIC_BOXOFFICE = {"home"}
PROTECTED_BACKOFFICE += [
    (name, kwargs)
    for name, kwargs in BOXOFFICE_URLS
    if name is None or name.split(":")[-1] not in PUBLIC_BOXOFFICE
]


def snapshot(organizer: Organizer) -> dict:
    """Everything of the organizer a back-office action could change."""
    return {
        "organizer": list(Organizer.objects.filter(pk=organizer.pk).values()),
        "shops": list(Shop.objects.filter(organizer=organizer).order_by("pk").values()),
        "teams": list(Team.objects.filter(organizer=organizer).order_by("pk").values()),
        "members": sorted(
            Team.members.through.objects.filter(team__organizer=organizer).values_list(
                "team_id", "user_id"
            )
        ),
        "grants": list(Grant.objects.filter(organizer=organizer).order_by("pk").values()),
        "invitations": list(
            StaffInvitation.objects.filter(organizer=organizer).order_by("pk").values()
        ),
        "tracking": list(
            ShopTracking.objects.filter(shop__organizer=organizer).order_by("pk").values()
        ),
        "registration": list(
            RegistrationForm.objects.filter(shop__organizer=organizer).order_by("pk").values()
        ),
        "form_fields": list(
            FormField.objects.filter(shop__organizer=organizer).order_by("pk").values()
        ),
        "promotions": list(
            Promotion.objects.filter(shop__organizer=organizer).order_by("pk").values()
        ),
        "promotion_events": sorted(
            Promotion.events.through.objects.filter(
                promotion__shop__organizer=organizer
            ).values_list("promotion_id", "event_id")
        ),
        "promotion_prices": sorted(
            Promotion.prices.through.objects.filter(
                promotion__shop__organizer=organizer
            ).values_list("promotion_id", "price_id")
        ),
        "audit": AuditLogEntry.objects.filter(organizer=organizer).count(),
        "bank_accounts": list(
            BankAccount.objects.filter(shop__organizer=organizer).order_by("pk").values()
        ),
        "invoices": list(Invoice.objects.filter(shop__organizer=organizer).order_by("pk").values()),
        "emails": OutboxMessage.objects.filter(organizer_id=organizer.pk).count(),
        **catalog_snapshot(organizer),
        **sales_snapshot(organizer),
        **checkin_snapshot(organizer),
    }


def checkin_snapshot(organizer: Organizer) -> dict:
    """The organizer's scan profiles, login codes, devices, signed-code settings and keys."""

    def rows(model, path: str, exclude=()) -> list:
        values = model.objects.filter(**{path: organizer}).order_by("pk").values()
        return [{k: v for k, v in row.items() if k not in exclude} for row in values]

    return {
        "scan_profiles": rows(ScanProfile, "organizer"),
        "scan_profile_dates": sorted(
            ScanProfile.dates.through.objects.filter(scanprofile__organizer=organizer).values_list(
                "scanprofile_id", "eventdate_id"
            )
        ),
        "scan_codes": rows(ScanLoginCode, "organizer"),
        "scan_devices": rows(ScanDevice, "organizer", exclude=("last_seen_at",)),
        "checkin_settings": rows(ShopCheckinSettings, "shop__organizer"),
        "signing_keys": rows(SigningKey, "shop__organizer", exclude=("public_key",)),
    }


def sales_snapshot(organizer: Organizer) -> dict:
    """The organizer's orders, tickets, order logs, customers and exports (issue 7)."""

    def rows(model, path: str) -> list:
        return list(model.objects.filter(**{path: organizer}).order_by("pk").values())

    return {
        "orders": rows(Order, "shop__organizer"),
        "tickets": rows(Ticket, "order__shop__organizer"),
        "order_events": rows(OrderEvent, "order__shop__organizer"),
        "customers": rows(Customer, "organizer"),
        "exports": rows(Export, "organizer"),
        # the box office's payments and receipts (BOX-*)
        "counter_payments": rows(CounterPayment, "shop__organizer"),
        "receipts": rows(Receipt, "shop__organizer"),
        "transactions": rows(Transaction, "order__shop__organizer"),
    }


def catalog_snapshot(organizer: Organizer) -> dict:
    """The organizer's venues, events, prices, options, images and capacity counters."""

    def rows(model, path: str) -> list:
        return list(model.objects.filter(**{path: organizer}).order_by("pk").values())

    return {
        "venues": rows(Venue, "organizer"),
        "zones": rows(Zone, "venue__organizer"),
        "seats": rows(Seat, "zone__venue__organizer"),
        "events": rows(Event, "shop__organizer"),
        "dates": rows(EventDate, "event__shop__organizer"),
        "prices": rows(Price, "event__shop__organizer"),
        "amounts": rows(PriceAmount, "price__event__shop__organizer"),
        "option_groups": rows(OptionGroup, "price__event__shop__organizer"),
        "options": rows(TicketOption, "price__event__shop__organizer"),
        "images": rows(EventImage, "event__shop__organizer"),
        "quotas": rows(Quota, "date__event__shop__organizer"),
        "date_seats": rows(DateSeat, "date__event__shop__organizer"),
        "holds": rows(Hold, "date__event__shop__organizer"),
    }


def request_both_ways(client, url: str, data: dict) -> dict:
    return {"GET": client.get(url), "POST": client.post(url, data)}


def assert_refused(responses: dict, what: str) -> None:
    codes = {method: r.status_code for method, r in responses.items()}
    for method, code in codes.items():
        assert code in REFUSED | {METHOD_NOT_ALLOWED}, f"{method} {what} answered {code}"
    assert set(codes.values()) != {METHOD_NOT_ALLOWED}, f"{what}: no method reached the view"


# --- the walk itself ------------------------------------------------------------------------
def test_the_walk_finds_the_back_office():
    names = {name for name, _kwargs in BACKOFFICE_URLS}
    assert {"backoffice:team_delete", "backoffice:grant_revoke", "backoffice:shop"} <= names
    assert {f"backoffice:{n}" for n in PUBLIC_BACKOFFICE} <= names, "a skipped URL is gone"
    walked = {name for name, _kwargs in PROTECTED_BACKOFFICE}
    assert {"boxoffice:counter", "boxoffice:order_split", "boxoffice:order_receipt_pdf"} <= walked


def test_every_url_is_named():
    everything = BACKOFFICE_URLS + BOXOFFICE_URLS + urls_of("api")
    unnamed = [kwargs for name, kwargs in everything if name is None]
    assert unnamed == [], "name every URL so the isolation walk can reverse it"


def test_every_url_kwarg_is_known(victim):
    known = set(kwarg_values(victim))
    unknown = {
        name: sorted(set(kwargs) - known)
        for name, kwargs in PROTECTED_BACKOFFICE + protected_api_urls()
        if set(kwargs) - known
    }
    assert unknown == {}, (
        "URL kwargs without a victim object in kwarg_values() of "
        "tests/backoffice/test_tenant_isolation.py: add them there"
    )


# --- the victim's URLs, asked by another organizer's manager -------------------------------
@pytest.mark.parametrize(("name", "kwargs"), PROTECTED_BACKOFFICE, ids=lambda v: str(v))
def test_another_organizers_manager_is_refused(name, kwargs, victim, attacker, client_for):
    values = kwarg_values(victim)
    missing = set(kwargs) - set(values)
    assert not missing, f"{name}: add {sorted(missing)} to kwarg_values()"
    url = reverse(name, kwargs={k: values[k] for k in kwargs})
    before = snapshot(victim.organizer)

    responses = request_both_ways(
        client_for(attacker.manager), url, post_data(victim, attacker, name)
    )

    assert_refused(responses, url)
    assert snapshot(victim.organizer) == before


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [(n, k) for n, k in PROTECTED_BACKOFFICE if set(k) - TENANT_KWARGS],
    ids=lambda v: str(v),
)
def test_own_organizer_slug_with_the_victims_ids_is_refused(
    name, kwargs, victim, attacker, client_for
):
    """The classic hole: my organizer in the URL, another organizer's object id after it."""
    values = {**kwarg_values(victim), "organizer": attacker.organizer.slug}
    url = reverse(name, kwargs={k: values[k] for k in kwargs})
    before = snapshot(victim.organizer)
    before_mine = snapshot(attacker.organizer)

    responses = request_both_ways(
        client_for(attacker.manager), url, post_data(victim, attacker, name)
    )

    assert_refused(responses, url)
    assert snapshot(victim.organizer) == before
    assert snapshot(attacker.organizer) == before_mine


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [(n, k) for n, k in PROTECTED_BACKOFFICE if "shop" in k and set(k) - {"organizer", "shop"}],
    ids=lambda v: str(v),
)
def test_own_shop_with_the_victims_ids_is_refused(name, kwargs, victim, attacker, client_for):
    """My organizer and my own shop in the URL, another organizer's event, date, price,
    option or image id after them: the object lookups themselves must be scoped."""
    values = {
        **kwarg_values(victim),
        "organizer": attacker.organizer.slug,
        "shop": attacker.shop.slug,
    }
    url = reverse(name, kwargs={k: values[k] for k in kwargs})
    before = snapshot(victim.organizer)
    before_mine = snapshot(attacker.organizer)

    responses = request_both_ways(
        client_for(attacker.manager), url, post_data(victim, attacker, name)
    )

    assert_refused(responses, url)
    assert snapshot(victim.organizer) == before
    assert snapshot(attacker.organizer) == before_mine


@pytest.mark.parametrize(("name", "kwargs"), PROTECTED_BACKOFFICE, ids=lambda v: str(v))
def test_anonymous_visitor_is_sent_to_login(name, kwargs, victim, client_for):
    values = kwarg_values(victim)
    url = reverse(name, kwargs={k: values[k] for k in kwargs})
    before = snapshot(victim.organizer)
    for method in ("get", "post"):
        response = getattr(client_for(), method)(url)
        if response.status_code == METHOD_NOT_ALLOWED:
            continue
        assert response.status_code == 302, f"{method} {url}"
        assert response["Location"].startswith(reverse("backoffice:login"))
    assert snapshot(victim.organizer) == before


def test_the_victim_manager_reaches_the_same_urls(victim, client_for):
    """The refusals above are about the tenant, not broken URLs: the owner gets the pages."""
    values = kwarg_values(victim)
    own = client_for(victim.manager)
    for name, kwargs in PROTECTED_BACKOFFICE:
        url = reverse(name, kwargs={k: values[k] for k in kwargs})
        if own.get(url).status_code == METHOD_NOT_ALLOWED:
            continue
        assert own.get(url).status_code == 200, url


# --- ids carried in the form body, not the URL ---------------------------------------------
def test_victims_team_shop_or_person_in_a_form_body_is_refused(victim, attacker, client_for):
    client = client_for(attacker.manager)
    slug = attacker.organizer.slug
    before, before_mine = snapshot(victim.organizer), snapshot(attacker.organizer)
    attempts = [
        ("backoffice:invite", {"email": "spy@example.org", "team": victim.team.pk}),
        (
            "backoffice:grant_create",
            {"holder": f"team:{victim.team.pk}", "level": 40, "scope": "organizer"},
        ),
        (
            "backoffice:grant_create",
            {"holder": f"user:{victim.member.pk}", "level": 40, "scope": "organizer"},
        ),
        (
            "backoffice:grant_create",
            {
                "holder": f"user:{attacker.manager.pk}",
                "level": 40,
                "scope": f"shop:{victim.shop.pk}",
            },
        ),
    ]
    for name, data in attempts:
        response = client.post(reverse(name, args=[slug]), data, follow=True)
        assert response.status_code in {200, 404}
        if response.status_code == 200:  # back on the team page with an error message
            assert [m.level_tag for m in response.context["messages"]] == ["error"], name
    assert snapshot(victim.organizer) == before
    assert snapshot(attacker.organizer) == before_mine


def test_victims_venue_zone_group_or_shop_in_a_catalog_form_body_is_refused(
    victim, attacker, client_for
):
    """My own event, with the victim's venue, zone, option group or shop in the body."""
    venue, standing, _numbered = make_venue(attacker.organizer, seat_rows=())
    event, date = make_event_with_date(attacker.shop, venue, name="Mine")
    price = make_price(event, standing)
    client = client_for(attacker.manager)
    org, shop = attacker.organizer.slug, attacker.shop.slug
    group = victim.option.group
    before, before_mine = snapshot(victim.organizer), snapshot(attacker.organizer)
    attempts = [
        (
            reverse("backoffice:event_create", args=[org, shop]),
            {"name": "Spy", "venue": victim.venue.pk, "visibility": "public"},
        ),
        (
            reverse("backoffice:event_edit", args=[org, shop, event.pk]),
            {"name": "Mine", "venue": victim.venue.pk, "visibility": "public"},
        ),
        (
            reverse("backoffice:price_create", args=[org, shop, event.pk]),
            {"zone": victim.zone.pk, "name": "Spy", "kind": "fixed", "amount": "5"},
        ),
        (
            reverse("backoffice:date_quota", args=[org, shop, event.pk, date.pk]),
            {"scope": victim.zone.pk, "size": 1},
        ),
        (
            reverse("backoffice:option_create", args=[org, shop, event.pk, price.pk]),
            {"name": "Spy", "amount": "1", "group": group.pk},
        ),
        (
            reverse("backoffice:event_duplicate", args=[org, shop, event.pk]),
            {
                "target_shop": victim.shop.slug,
                "name": "Spy",
                "first_day": "2031-05-03",
                "every": "once",
                "times": "20:00",
                "one_event_per_date": "0",
                "action": "confirm",
            },
        ),
    ]
    for url, data in attempts:
        data.setdefault("sale_status", "on_sale")
        response = client.post(url, data, follow=True)
        assert response.status_code in {200, 404}, url
    assert snapshot(victim.organizer) == before
    assert snapshot(attacker.organizer) == before_mine


def test_victims_organizer_is_not_in_the_switcher(victim, attacker, client_for):
    page = client_for(attacker.manager).get(
        reverse("backoffice:organizer", args=[attacker.organizer.slug])
    )
    assert page.status_code == 200
    assert victim.organizer.name not in page.text
    assert victim.shop.name not in page.text


# --- API -----------------------------------------------------------------------------------
def protected_api_urls() -> list[tuple[str, tuple]]:
    public = PUBLIC_API | ANONYMOUS_API_ACTIONS
    return [(n, k) for n, k in urls_of("api") if n.split(":")[-1] not in public]


def test_anonymous_api_actions_show_no_tenant_data(victim, client_for):
    for name, kwargs in urls_of("api"):
        if name.split(":")[-1] not in ANONYMOUS_API_ACTIONS:
            continue
        assert not kwargs, f"{name} is anonymous but takes {kwargs}"
        for body in ({}, {"method": "code", "code": "AAAA-BBBB-CCCC-DDDD"}):
            response = client_for().post(reverse(name), content_type="application/json", data=body)
            assert response.status_code in {401, 422}, name
            assert victim.organizer.slug not in response.text
            assert victim.organizer.name not in response.text


def test_api_public_urls_show_no_tenant_data(victim, client_for):
    for name, kwargs in urls_of("api"):
        if name.split(":")[-1] not in PUBLIC_API:
            continue
        assert not kwargs, f"{name} is public but takes {kwargs}"
        response = client_for().get(reverse(name))
        assert response.status_code in {200, 404}, name
        assert victim.organizer.slug not in response.text
        assert victim.organizer.name not in response.text


def test_api_urls_of_an_organizer_refuse_another_organizers_staff(victim, attacker, client_for):
    """The hook for later API resources: each is asked with the victim's ids."""
    values = kwarg_values(victim)
    client = client_for(attacker.manager)
    for name, kwargs in protected_api_urls():
        missing = set(kwargs) - set(values)
        assert not missing, f"{name}: add {sorted(missing)} to kwarg_values()"
        url = reverse(name, kwargs={k: values[k] for k in kwargs})
        before = snapshot(victim.organizer)
        for method in ("get", "post", "put", "patch", "delete"):
            response = getattr(client, method)(url, content_type="application/json", data={})
            assert response.status_code in {401, 403, 404, 405}, f"{method} {url}"
        assert snapshot(victim.organizer) == before
