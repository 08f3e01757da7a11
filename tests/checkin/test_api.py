"""The check-in JSON API used by the scanner app, through Django's test client: logins,
bearer tokens, every endpoint, JSON errors, and tenant isolation (a device of organizer A
never reaches organizer B's tickets, orders, profiles or keys)."""

import base64
import uuid

import pytest
from django.utils import timezone

from billetterie.checkin import codes
from billetterie.checkin.models import Checkin, ScanProfile
from billetterie.checkin.services import devices, profiles, signing
from billetterie.core.models import Level
from billetterie.orders.models import Ticket
from tests import factories
from tests.checkin.conftest import reserve, sell

pytestmark = pytest.mark.django_db

BASE = "/api/v1/checkin"


class Scanner:
    """A scanner app talking JSON with a bearer token."""

    def __init__(self, client, token=None):
        self.client, self.token = client, token

    def headers(self):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}

    def get(self, path, **params):
        return self.client.get(f"{BASE}{path}", params, **self.headers())

    def post(self, path, body=None):
        return self.client.post(
            f"{BASE}{path}", body or {}, content_type="application/json", **self.headers()
        )

    def put(self, path, body):
        return self.client.put(
            f"{BASE}{path}", body, content_type="application/json", **self.headers()
        )


def login_with_code(client, code, name="Door"):
    response = Scanner(client).post("/login", {"method": "code", "code": code, "device_name": name})
    assert response.status_code == 201, response.content
    return Scanner(client, response.json()["token"]), response.json()


def profile_scanner(client, hall, **kwargs):
    profile = profiles.profile_create(
        organizer=hall.organizer,
        actor=None,
        name=kwargs.pop("name", "Main door"),
        dates=kwargs.pop("dates", [hall.date]),
        **kwargs,
    )
    issued = devices.profile_code_create(profile=profile, actor=None)
    return login_with_code(client, issued.code)[0]


@pytest.fixture
def scanner(client, hall):
    return profile_scanner(client, hall)


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] == code and body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    return body["error"]


def test_profile_code_login_gives_a_token_and_the_session(client, hall):
    profile = profiles.profile_create(
        organizer=hall.organizer,
        actor=None,
        name="Balcony",
        dates=[hall.date],
        zones=[hall.numbered],
        mode=ScanProfile.Mode.ENTRY_EXIT,
    )
    issued = devices.profile_code_create(profile=profile, actor=None)
    scanner, body = login_with_code(client, issued.code.lower(), name="Tablet 3")
    assert body["device"]["name"] == "Tablet 3"
    assert body["device"]["login_method"] == "profile_code"
    session = body["session"]
    assert (session["name"], session["mode"], session["locked"]) == ("Balcony", "entry_exit", True)
    assert [d["id"] for d in session["dates"]] == [hall.date.pk]
    assert [z["name"] for z in session["zones"]] == ["Balcon"] and not session["all_zones"]
    assert scanner.get("/session").json() == session


def test_staff_login_and_choosing_a_profile(client, hall):
    volunteer = factories.make_staff()
    factories.grant(hall.organizer, Level.SCAN, user=volunteer)
    response = Scanner(client).post(
        "/login", {"method": "staff", "email": volunteer.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 201 and response.json()["session"] is None
    scanner = Scanner(client, response.json()["token"])
    assert_error(scanner.get("/session"), 409, "no_session")
    assert_error(scanner.post("/redeem", {"code": "x"}), 409, "no_session")
    profile = profiles.profile_create(
        organizer=hall.organizer, actor=None, name="Door", dates=[hall.date]
    )
    listed = scanner.get("/profiles").json()
    assert [p["id"] for p in listed] == [profile.pk]
    chosen = scanner.put("/session", {"profile_id": profile.pk})
    assert chosen.status_code == 200 and chosen.json()["profile_id"] == profile.pk
    assert chosen.json()["all_zones"] and {z["name"] for z in chosen.json()["zones"]} == {
        "Parterre",
        "Balcon",
    }


def test_a_device_defines_its_own_session(client, hall):
    issued = devices.organizer_code_create(organizer=hall.organizer, actor=None)
    scanner, body = login_with_code(client, issued.code)
    assert body["session"] is None
    response = scanner.put(
        "/session",
        {"mode": "multiple", "event_ids": [hall.event.pk], "zone_ids": [hall.standing.pk]},
    )
    assert response.status_code == 200
    session = response.json()
    assert session["mode"] == "multiple" and not session["allow_quick_cancel"]
    assert {d["id"] for d in session["dates"]} == {hall.date.pk, hall.other_date.pk}


def test_login_errors_are_json(client, hall):
    anonymous = Scanner(client)
    assert_error(anonymous.post("/login", {"method": "code", "code": "NOPE"}), 401, "invalid_code")
    error = assert_error(anonymous.post("/login", {"method": "fax"}), 422, "invalid")
    assert "method" in error["fields"]
    error = assert_error(
        anonymous.post("/login", {"method": "code", "code": "A" * 65}), 422, "invalid"
    )
    assert "code" in error["fields"]
    response = client.post(f"{BASE}/login", "not json", content_type="application/json")
    assert response.status_code in (400, 422) and "error" in response.json()
    outsider = factories.make_staff()
    assert_error(
        anonymous.post(
            "/login", {"method": "staff", "email": outsider.email, "password": factories.PASSWORD}
        ),
        401,
        "no_scan_permission",
    )
    assert_error(
        anonymous.post("/login", {"method": "staff", "email": outsider.email, "password": "x"}),
        400,
        "invalid_credentials",
    )


def test_guessing_codes_is_rate_limited(client, hall):
    anonymous = Scanner(client)
    for _ in range(devices.CODE_RATE_LIMIT[0]):
        anonymous.post("/login", {"method": "code", "code": "AAAA-BBBB-CCCC-DDDD"})
    issued = devices.organizer_code_create(organizer=hall.organizer, actor=None)
    assert_error(
        anonymous.post("/login", {"method": "code", "code": issued.code}), 429, "rate_limited"
    )


def test_no_token_a_wrong_token_or_a_revoked_device_is_401(client, hall, scanner, manager):
    assert_error(Scanner(client).get("/session"), 401, "unauthorized")
    assert_error(Scanner(client, "made-up").post("/redeem", {"code": "x"}), 401, "unauthorized")
    assert scanner.get("/session").status_code == 200
    device = devices.device_authenticate(scanner.token)
    devices.device_revoke(device=device, actor=manager)
    for response in (
        scanner.get("/session"),
        scanner.post("/redeem", {"code": "x"}),
        scanner.get("/scanlist"),
        scanner.post("/sync", {"scans": []}),
    ):
        assert_error(response, 401, "unauthorized")


def test_logout_revokes_the_token(client, hall, scanner):
    assert scanner.post("/logout").status_code == 204
    assert_error(scanner.get("/session"), 401, "unauthorized")


def test_redeem_answers_with_the_reason_and_the_holder(client, hall, scanner):
    order, (ticket,) = sell(hall, first_name="Ana", last_name="Muster")
    nonce = str(uuid.uuid4())
    response = scanner.post("/redeem", {"code": ticket.secret, "nonce": nonce})
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] and body["reason"] is None and body["message"] == "Welcome!"
    assert body["ticket"]["holder_name"] == "Ana Muster"
    assert body["ticket"]["amount"] == "45.00" and body["ticket"]["currency"] == "CHF"
    assert body["ticket"]["order_code"] == order.code and body["ticket"]["zone_name"] == "Parterre"
    replay = scanner.post("/redeem", {"code": ticket.secret, "nonce": nonce}).json()
    assert replay["ok"] and replay["replayed"] and replay["checkin_id"] == body["checkin_id"]
    again = scanner.post("/redeem", {"code": ticket.secret}).json()
    assert (again["ok"], again["reason"], again["message"]) == (
        False,
        "already_used",
        "Already used.",
    )
    unknown = scanner.post("/redeem", {"code": "nothing"}).json()
    assert unknown["reason"] == "unknown" and unknown["ticket"] is None
    assert Checkin.objects.count() == 3
    assert_error(
        scanner.post("/redeem", {"code": ticket.secret, "direction": "out"}), 400, "invalid"
    )
    assert_error(scanner.post("/redeem", {}), 400, "invalid")
    error = assert_error(
        scanner.post("/redeem", {"code": ticket.secret, "scanned_at": "yesterday"}), 422, "invalid"
    )
    assert "scanned_at" in error["fields"]


def test_signed_codes_and_public_keys_over_the_api(client, hall, scanner):
    signing.signed_codes_set(shop=hall.shop, enabled=True, actor=None)
    _o, (ticket,) = sell(hall)
    keys = scanner.get("/keys").json()["keys"]
    assert len(keys) == 1 and keys[0]["active"] and keys[0]["shop_id"] == hall.shop.pk
    public = base64.b64decode(keys[0]["public_key"])
    payload = codes.qr_content(ticket)
    assert codes.verify(payload, {keys[0]["id"]: public}).ticket_id == ticket.pk
    assert "private" not in str(keys)
    assert scanner.post("/redeem", {"code": payload}).json()["ok"]


def test_sync_uploads_once(client, hall, scanner):
    _o, (one, two) = sell(hall, quantity=2)
    scans = [
        {"nonce": "a", "scanned_at": timezone.now().isoformat(), "code": one.secret},
        {"nonce": "b", "scanned_at": timezone.now().isoformat(), "code": two.secret},
        {"nonce": "c", "scanned_at": timezone.now().isoformat(), "code": one.secret},
    ]
    first = scanner.post("/sync", {"scans": scans}).json()["results"]
    assert [(r["nonce"], r["ok"], r["reason"], r["flagged"]) for r in first] == [
        ("a", True, None, False),
        ("b", True, None, False),
        ("c", False, "already_used", True),
    ]
    second = scanner.post("/sync", {"scans": scans}).json()["results"]
    assert all(r["replayed"] for r in second) and Checkin.objects.count() == 3
    error = assert_error(scanner.post("/sync", {"scans": [{"nonce": "z"}]}), 422, "invalid")
    assert "scans.0.scanned_at" in error["fields"]


def test_quick_cancellation_over_the_api(client, hall):
    desk = profile_scanner(client, hall, allow_quick_cancel=True, name="Desk")
    _order, (ticket,) = reserve(hall)
    response = desk.post("/cancel", {"code": ticket.secret})
    assert response.status_code == 200 and response.json()["order_cancelled"]
    assert Ticket.objects.get(pk=ticket.pk).state == "cancelled"
    _paid, (sold,) = sell(hall)
    error = assert_error(desk.post("/cancel", {"code": sold.secret}), 409, "not_cancellable")
    assert error["reason"] == "sold"
    door = profile_scanner(client, hall, name="Door")
    assert_error(door.post("/cancel", {"code": sold.secret}), 403, "quick_cancel_off")


def test_search_scanlist_revocations_and_counts(client, hall, scanner):
    order, tickets = sell(hall, quantity=2, first_name="Ana", last_name="Muster")
    Ticket.objects.filter(pk=tickets[1].pk).update(state=Ticket.State.CANCELLED)
    scanner.post("/redeem", {"code": tickets[0].secret})
    found = scanner.get("/search", q="muster").json()["orders"]
    assert [o["code"] for o in found] == [order.code]
    assert [(t["status"], t["entries"]) for t in found[0]["tickets"]] == [
        ("valid", 1),
        ("cancelled", 0),
    ]
    assert scanner.get("/search", q=order.code).json()["orders"][0]["code"] == order.code
    page = scanner.get("/scanlist", limit=1).json()
    assert [t["id"] for t in page["tickets"]] == [tickets[0].pk]
    assert page["next_cursor"] == tickets[0].pk and page["keys"] == []
    assert page["tickets"][0]["code_hash"] == codes.code_hash(tickets[0].secret)
    rest = scanner.get("/scanlist", cursor=page["next_cursor"]).json()
    assert [t["id"] for t in rest["tickets"]] == [tickets[1].pk] and rest["next_cursor"] is None
    revoked = scanner.get("/revocations").json()
    assert [r["ticket_id"] for r in revoked["revocations"]] == [tickets[1].pk]
    assert scanner.get("/revocations", cursor=revoked["cursor"]).json()["revocations"] == []
    counts = scanner.get("/counts").json()["counts"]
    assert counts == [
        {
            "date_id": hall.date.pk,
            "zone_id": hall.standing.pk,
            "zone_name": "Parterre",
            "expected": 1,
            "entered": 1,
            "inside": 1,
        }
    ]


def test_a_device_never_reaches_another_organizers_data(client, hall, other_hall, scanner):
    signing.signed_codes_set(shop=other_hall.shop, enabled=True, actor=None)
    theirs, (their_ticket,) = sell(other_hall, first_name="Bob", last_name="Other")
    reserve(other_hall)
    Ticket.objects.filter(pk=their_ticket.pk).update(state=Ticket.State.CANCELLED)
    foreign_profile = profiles.profile_create(
        organizer=other_hall.organizer, actor=None, name="Theirs", dates=[other_hall.date]
    )
    for body in (
        {"code": their_ticket.secret},
        {"ticket_id": their_ticket.pk},
        {"code": codes.qr_content(their_ticket)},
    ):
        result = scanner.post("/redeem", body).json()
        assert result["reason"] in ("unknown", "invalid_signature") and result["ticket"] is None
    assert scanner.get("/search", q="Other").json()["orders"] == []
    assert scanner.get("/search", q=str(theirs.number)).json()["orders"] == []
    assert scanner.get("/scanlist").json()["tickets"] == []
    assert scanner.get("/keys").json()["keys"] == []
    assert scanner.get("/revocations").json()["revocations"] == []
    assert scanner.get("/counts").json()["counts"] == []
    assert foreign_profile.pk not in [p["id"] for p in scanner.get("/profiles").json()]
    # a device cannot point its session at another organizer's dates, events or profile
    issued = devices.organizer_code_create(organizer=hall.organizer, actor=None)
    free, _body = login_with_code(client, issued.code)
    assert_error(free.put("/session", {"date_ids": [other_hall.date.pk]}), 400, "invalid")
    assert_error(free.put("/session", {"event_ids": [other_hall.event.pk]}), 400, "invalid")
    assert_error(free.put("/session", {"profile_id": foreign_profile.pk}), 400, "invalid")
    assert_error(
        free.put("/session", {"date_ids": [hall.date.pk], "zone_ids": [other_hall.standing.pk]}),
        400,
        "invalid",
    )
    desk = profile_scanner(client, hall, allow_quick_cancel=True, name="Desk")
    _o, (their_reserved,) = reserve(other_hall)
    assert_error(desk.post("/cancel", {"ticket_id": their_reserved.pk}), 409, "not_cancellable")
    assert Ticket.objects.get(pk=their_reserved.pk).state == "valid"


def test_a_profile_code_device_cannot_change_its_session(client, hall, scanner):
    assert_error(scanner.put("/session", {"date_ids": [hall.other_date.pk]}), 403, "session_locked")


def test_the_checkin_api_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    for path in (
        "login",
        "session",
        "redeem",
        "sync",
        "cancel",
        "search",
        "revocations",
        "scanlist",
        "keys",
        "counts",
    ):
        assert f"/api/v1/checkin/{path}" in paths, path
    redeem = paths["/api/v1/checkin/redeem"]["post"]
    assert redeem["tags"] == ["check-in"] and redeem["security"]
    assert "security" not in paths["/api/v1/checkin/login"]["post"]


def test_a_redeem_request_runs_a_fixed_number_of_queries(
    client, hall, scanner, django_assert_max_num_queries
):
    _o, tickets = sell(hall, quantity=3)
    scanner.post("/redeem", {"code": tickets[0].secret})  # the device's last_seen is fresh
    # device, ticket, state, record (+ the test transaction's savepoint and its release)
    with django_assert_max_num_queries(6):
        assert scanner.post("/redeem", {"code": tickets[1].secret}).json()["ok"]
