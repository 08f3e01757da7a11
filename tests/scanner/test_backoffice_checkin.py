"""The back-office check-in pages: scan profiles, login codes with their QR codes, devices,
signed codes and keys per shop, and the live count (SCAN-1..7)."""

import json
import re
import urllib.parse

import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image, ImageDraw

from billetterie.checkin import codes
from billetterie.checkin.models import (
    ScanDevice,
    ScanLoginCode,
    ScanProfile,
    ShopCheckinSettings,
    SigningKey,
)
from billetterie.checkin.services import devices, redeem
from billetterie.core.models import AuditLogEntry, Level
from tests import factories as f
from tests.checkin.conftest import open_device, sell

pytestmark = pytest.mark.django_db


def url(name, organizer, *args):
    return reverse(f"backoffice:{name}", args=[organizer.slug, *args])


def shop_url(name, hall, *args):
    return reverse(f"backoffice:{name}", args=[hall.organizer.slug, hall.shop.slug, *args])


def create_profile(client, hall, **data):
    body = {
        "name": "North door",
        "mode": "normal",
        "dates": [hall.date.pk],
        "zones": [hall.standing.pk],
        **data,
    }
    return client.post(url("checkin_profile_create", hall.organizer), body, follow=True)


# --- profiles ----------------------------------------------------------------------------------
def test_a_manager_prepares_a_profile_for_a_date_and_a_zone(manager_client, hall):
    response = create_profile(manager_client, hall, allow_quick_cancel="on")

    assert response.status_code == 200
    assert "Scan profile “North door” saved." in response.text
    profile = ScanProfile.objects.get(organizer=hall.organizer, name="North door")
    assert list(profile.dates.all()) == [hall.date]
    assert list(profile.zones.all()) == [hall.standing]
    assert profile.allow_quick_cancel and profile.mode == "normal"
    row = re.search(r'<tr data-profile="North door">.*?</tr>', response.text, re.S).group(0)
    assert "Concert" in row and hall.standing.name in row and "quick cancellation" in row


def test_a_profile_without_date_or_event_is_refused_with_the_reason(manager_client, hall):
    response = create_profile(manager_client, hall, dates=[])

    assert response.status_code == 200
    assert "Choose at least one date or event to scan." in response.text
    assert not ScanProfile.objects.filter(organizer=hall.organizer).exists()


def test_editing_a_profile_changes_its_mode_and_scope(manager_client, hall):
    create_profile(manager_client, hall)
    profile = ScanProfile.objects.get(name="North door")
    page = manager_client.get(url("checkin_profile_edit", hall.organizer, profile.pk))
    assert page.status_code == 200 and 'value="North door"' in page.text

    response = manager_client.post(
        url("checkin_profile_edit", hall.organizer, profile.pk),
        {"name": "All doors", "mode": "entry_exit", "events": [hall.event.pk]},
        follow=True,
    )

    assert "Scan profile “All doors” saved." in response.text
    profile.refresh_from_db()
    assert (profile.name, profile.mode) == ("All doors", "entry_exit")
    assert list(profile.events.all()) == [hall.event]
    assert not profile.dates.exists() and not profile.zones.exists()
    assert AuditLogEntry.objects.filter(action="scan_profile.changed").exists()


def test_another_organizers_date_cannot_be_put_in_a_profile(manager_client, hall, other_hall):
    response = create_profile(manager_client, hall, dates=[other_hall.date.pk])

    assert response.status_code == 200
    assert "is not one of the available choices" in response.text
    assert not ScanProfile.objects.exists()


# --- login codes -------------------------------------------------------------------------------
def issue_profile_code(client, hall) -> tuple[ScanProfile, str, str]:
    create_profile(client, hall)
    profile = ScanProfile.objects.get(name="North door")
    response = client.post(url("checkin_profile_code_create", hall.organizer, profile.pk))
    assert response.status_code == 200
    code = re.search(r"<strong data-login-code>([A-Z0-9-]+)</strong>", response.text).group(1)
    qr = re.search(r'<img class="qr" src="(data:image/svg\+xml[^"]+)"', response.text).group(1)
    return profile, code, urllib.parse.unquote(qr)


def test_a_profile_code_is_shown_once_with_a_qr_that_opens_the_scanner(manager_client, hall):
    profile, code, svg = issue_profile_code(manager_client, hall)

    assert svg.startswith("data:image/svg+xml") and "<path" in svg
    stored = ScanLoginCode.objects.get(profile=profile)
    assert stored.hint == code.replace("-", "")[-4:]
    assert code.replace("-", "") not in stored.code_hash
    # the code really logs a scanner into that profile
    login = devices.device_login_code(code=code, client_ip="10.1.1.1")
    assert login.device.profile == profile and login.device.profile_locked
    page = manager_client.get(url("checkin", hall.organizer))
    assert code not in page.text  # shown once only
    assert f"…{stored.hint}" in page.text


def svg_qr_image(svg: str, scale: int = 8):
    """Draw segno's SVG (one path of horizontal runs, in modules) as a black-on-white
    image, so the QR code is decoded by a real reader rather than trusted."""
    width = int(re.search(r"width='(\d+)'", svg).group(1)) // 6  # the page uses scale 6
    path = re.search(r"d='([^']+)'", svg).group(1)
    image = Image.new("L", (width * scale, width * scale), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:\s*(-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            row = int(y - 0.5)
            draw.rectangle(
                [x * scale, row * scale, (x + float(a)) * scale - 1, (row + 1) * scale - 1],
                fill=0,
            )
            x += float(a)
    return image


def test_the_qr_code_decodes_to_the_scanner_address_with_the_code(manager_client, hall):
    _profile, code, svg = issue_profile_code(manager_client, hall)

    texts = [r.text for r in zxingcpp.read_barcodes(svg_qr_image(svg))]

    assert len(texts) == 1
    assert texts[0].endswith(f"/scanner/#code={code.replace('-', '')}")


def test_revoking_a_code_logs_out_its_devices(manager_client, hall, client):
    profile, code, _svg = issue_profile_code(manager_client, hall)
    login = devices.device_login_code(code=code, client_ip="10.1.1.2")
    stored = ScanLoginCode.objects.get(profile=profile)

    response = manager_client.post(
        url("checkin_code_revoke", hall.organizer, stored.pk), follow=True
    )

    assert f"Code …{stored.hint} revoked" in response.text
    api = client.get(reverse("api:checkin_session"), HTTP_AUTHORIZATION=f"Bearer {login.token}")
    assert api.status_code == 401
    with pytest.raises(Exception, match="not valid"):
        devices.device_login_code(code=code, client_ip="10.1.1.3")


def test_an_organizer_code_lets_the_device_choose(manager_client, hall):
    response = manager_client.post(url("checkin_code_create", hall.organizer))
    code = re.search(r"<strong data-login-code>([A-Z0-9-]+)</strong>", response.text).group(1)
    assert "Organizer code" in response.text
    login = devices.device_login_code(code=code, client_ip="10.1.1.4")
    assert login.device.profile is None and not login.device.profile_locked


# --- devices -----------------------------------------------------------------------------------
def test_devices_are_listed_with_last_seen_and_can_be_revoked(manager_client, hall, client):
    device, token = open_device(hall.organizer, dates=[hall.date], name="South gate")
    page = manager_client.get(url("checkin", hall.organizer))
    row = re.search(r'<tr data-device="South gate">.*?</tr>', page.text, re.S).group(0)
    assert "Profile code" in row and "Revoke" in row

    response = manager_client.post(
        url("checkin_device_revoke", hall.organizer, device.pk), follow=True
    )

    assert "Device “South gate” revoked." in response.text
    assert ScanDevice.objects.get(pk=device.pk).revoked_at is not None
    api = client.get(reverse("api:checkin_session"), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 401


# --- signed codes and keys ---------------------------------------------------------------------
def test_turning_signed_codes_on_signs_new_qr_codes_and_rotation_keeps_old_ones(
    manager_client, hall
):
    _order, (ticket,) = sell(hall)
    assert codes.qr_content(ticket) == ticket.secret

    response = manager_client.post(
        shop_url("checkin_signed_codes", hall), {"enabled": "1"}, follow=True
    )

    assert "Signed codes turned on" in response.text
    assert ShopCheckinSettings.objects.get(shop=hall.shop).signed_codes
    before = codes.qr_content(ticket)
    assert codes.is_signed_payload(before)

    response = manager_client.post(shop_url("checkin_key_rotate", hall), follow=True)
    assert "New signing key" in response.text
    assert SigningKey.objects.filter(shop=hall.shop).count() == 2
    keys = {k.pk: bytes(k.public_key) for k in SigningKey.objects.filter(shop=hall.shop)}
    assert codes.verify(before, keys).ticket_id == ticket.pk  # the old code still verifies
    assert codes.qr_content(ticket) != before

    manager_client.post(shop_url("checkin_signed_codes", hall), {"enabled": "0"})
    assert codes.qr_content(ticket) == ticket.secret


# --- permissions -------------------------------------------------------------------------------
def test_a_door_volunteer_sees_the_live_count_but_not_the_scanner_settings(client, hall):
    volunteer = f.make_staff("door@example.org")
    f.grant(hall.organizer, Level.SCAN, user=volunteer)
    client.force_login(volunteer)

    assert client.get(url("checkin", hall.organizer)).status_code == 403
    assert client.post(url("checkin_code_create", hall.organizer)).status_code == 403
    assert client.post(shop_url("checkin_key_rotate", hall)).status_code == 403
    assert client.get(shop_url("checkin_live", hall)).status_code == 200
    assert not ScanLoginCode.objects.exists() and not SigningKey.objects.exists()
    menu = client.get(shop_url("checkin_live", hall)).text
    assert ">Live count<" in menu and ">Scanners<" not in menu


def test_a_manager_sees_both_menu_entries(manager_client, hall):
    page = manager_client.get(
        reverse("backoffice:shop", args=[hall.organizer.slug, hall.shop.slug])
    )
    assert ">Live count<" in page.text and ">Scanners<" in page.text


# --- live count --------------------------------------------------------------------------------
def test_the_live_count_shows_entered_inside_and_expected_per_date_and_zone(manager_client, hall):
    sell(hall, quantity=3)
    sell(hall, zone=hall.numbered)
    _o, (later,) = sell(hall, date=hall.other_date)
    door, _token = open_device(hall.organizer, dates=[hall.date, hall.other_date])
    _o, (admitted, _unused) = sell(hall, quantity=2)
    assert redeem.ticket_redeem(device=door, code=admitted.secret).ok
    assert redeem.ticket_redeem(device=door, code=later.secret).ok

    data = json.loads(manager_client.get(shop_url("checkin_live_data", hall)).content)

    by_date = {d["id"]: d for d in data["dates"]}
    first = {z["zone_name"]: z for z in by_date[hall.date.pk]["zones"]}
    assert first[hall.standing.name] | {} == {
        "zone_id": hall.standing.pk,
        "zone_name": hall.standing.name,
        "expected": 5,
        "entered": 1,
        "inside": 1,
    }
    assert (first[hall.numbered.name]["expected"], first[hall.numbered.name]["entered"]) == (1, 0)
    assert by_date[hall.date.pk]["total"] == {"expected": 6, "entered": 1, "inside": 1}
    assert by_date[hall.other_date.pk]["total"] == {"expected": 1, "entered": 1, "inside": 1}

    page = manager_client.get(shop_url("checkin_live", hall))
    section = re.search(
        rf'<section class="card live-date" data-date="{hall.date.pk}".*?</section>', page.text, re.S
    ).group(0)
    row = re.search(rf'<tr data-zone="{hall.standing.pk}">.*?</tr>', section, re.S).group(0)
    assert re.findall(r"<td data-\w+>(\d+)</td>", row) == ["1", "1", "5"]
    assert "live-counts.js" in page.text


def test_the_live_count_of_another_organizer_is_not_reachable(client, hall, other_hall):
    spy = f.make_staff("spy@example.org")
    f.grant(other_hall.organizer, Level.MANAGE, user=spy)
    client.force_login(spy)
    assert client.get(shop_url("checkin_live_data", hall)).status_code == 404
    mixed = reverse(
        "backoffice:checkin_live_data", args=[other_hall.organizer.slug, hall.shop.slug]
    )
    assert client.get(mixed).status_code == 404
