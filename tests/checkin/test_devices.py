"""Scan devices (SCAN-1): staff account, organizer code, per-profile code shown as a QR;
revocation; choosing or defining the session (SCAN-2, SCAN-4)."""

import pyotp
import pytest

from billetterie.checkin.exceptions import DeviceRefused, SessionLocked
from billetterie.checkin.models import ScanDevice, ScanLoginCode, ScanProfile
from billetterie.checkin.services import devices, profiles
from billetterie.checkin.services.redeem import ticket_redeem
from billetterie.core.exceptions import InvalidInput, PermissionRefused, RateLimited
from billetterie.core.models import Grant, Level
from tests import factories
from tests.catalog_factories import make_event_with_date
from tests.checkin.conftest import sell

pytestmark = pytest.mark.django_db


def staff_login(email, password=factories.PASSWORD, **kwargs):
    return devices.device_login_staff(
        email=email, password=password, client_ip="10.0.0.2", **kwargs
    )


def test_a_volunteer_logs_in_with_their_account_and_chooses_a_profile(hall):
    volunteer = factories.make_staff()
    factories.grant(hall.organizer, Level.SCAN, user=volunteer)
    login = staff_login(volunteer.email, device_name="Door 1")
    device = devices.device_authenticate(login.token)
    assert device.user == volunteer and device.name == "Door 1" and device.profile is None
    assert device.login_method == ScanDevice.LoginMethod.STAFF
    # only the hash of the token is kept
    assert not ScanDevice.objects.filter(token_hash=login.token).exists()
    assert login.token not in str(list(ScanDevice.objects.values_list()))
    profile = profiles.profile_create(
        organizer=hall.organizer, actor=None, name="Main door", dates=[hall.date]
    )
    devices.device_session_choose(device=device, profile_id=profile.pk)
    _o, (ticket,) = sell(hall)
    assert ticket_redeem(device=devices.device_authenticate(login.token), code=ticket.secret).ok


def test_staff_login_refusals(hall):
    outsider = factories.make_staff()
    with pytest.raises(DeviceRefused) as refusal:
        staff_login(outsider.email)
    assert refusal.value.code == "no_scan_permission"
    with pytest.raises(InvalidInput) as wrong:
        staff_login(outsider.email, password="wrong password")
    assert wrong.value.code == "invalid_credentials"
    viewer = factories.make_staff()
    factories.grant(hall.organizer, Level.VIEW, user=viewer)
    with pytest.raises(DeviceRefused):
        staff_login(viewer.email)
    assert not ScanDevice.objects.exists()


def test_staff_with_a_second_factor_must_give_the_code(hall):
    volunteer = factories.make_staff()
    factories.grant(hall.organizer, Level.SCAN, user=volunteer)
    volunteer.totp_secret = pyotp.random_base32()
    volunteer.save()
    with pytest.raises(DeviceRefused) as refusal:
        staff_login(volunteer.email)
    assert refusal.value.code == "totp_required"
    code = pyotp.TOTP(volunteer.totp_secret).now()
    assert staff_login(volunteer.email, totp_code=code).device.user == volunteer


def test_staff_of_several_organizers_choose_one(hall, other_hall):
    volunteer = factories.make_staff()
    factories.grant(hall.organizer, Level.SCAN, user=volunteer)
    factories.grant(other_hall.organizer, Level.BOX_OFFICE, user=volunteer)
    with pytest.raises(DeviceRefused) as refusal:
        staff_login(volunteer.email)
    assert refusal.value.code == "organizer_required"
    assert {o["slug"] for o in refusal.value.params["organizers"]} == {
        hall.organizer.slug,
        other_hall.organizer.slug,
    }
    login = staff_login(volunteer.email, organizer_slug=other_hall.organizer.slug)
    assert login.device.organizer == other_hall.organizer


def test_a_staff_device_stops_when_the_account_may_not_scan_any_more(hall):
    volunteer = factories.make_staff()
    grant = factories.grant(hall.organizer, Level.SCAN, user=volunteer)
    token = staff_login(volunteer.email).token
    assert devices.device_authenticate(token) is not None
    grant.delete()
    assert devices.device_authenticate(token) is None
    team = factories.make_team(hall.organizer, members=[volunteer])
    Grant.objects.create(organizer=hall.organizer, level=Level.SCAN, team=team)
    assert devices.device_authenticate(token) is not None
    volunteer.is_active = False
    volunteer.save()
    assert devices.device_authenticate(token) is None


def test_an_event_level_volunteer_scans_only_their_event(hall, shop):
    _other_event, other_date = make_event_with_date(shop, hall.event.venue, name="Other")
    volunteer = factories.make_staff()
    factories.grant(hall.organizer, Level.SCAN, user=volunteer, shop=shop, event_id=hall.event.pk)
    device = staff_login(volunteer.email).device
    with pytest.raises(PermissionRefused):
        devices.device_session_define(device=device, dates=[other_date])
    devices.device_session_define(device=device, events=[hall.event], name="Mine")
    assert device.profile.is_adhoc and list(device.profile.events.all()) == [hall.event]


def test_the_organizer_code_opens_devices_that_choose_their_session(hall, manager):
    issued = devices.organizer_code_create(organizer=hall.organizer, actor=manager)
    assert len(issued.code) == 19 and issued.code.count("-") == 3
    typed = issued.code.lower().replace("-", " ")
    login = devices.device_login_code(code=typed, client_ip="10.0.0.3")
    device = devices.device_authenticate(login.token)
    assert device.login_method == ScanDevice.LoginMethod.ORGANIZER_CODE
    assert device.profile is None and not device.profile_locked
    session = devices.device_session_define(
        device=device,
        mode=ScanProfile.Mode.ENTRY_EXIT,
        dates=[hall.date],
        zones=[hall.numbered],
    )
    assert session.mode == "entry_exit" and list(session.zones.all()) == [hall.numbered]
    assert not session.allow_quick_cancel
    stored = ScanLoginCode.objects.get()
    assert stored.hint == issued.code[-4:] and issued.code.replace("-", "") not in stored.code_hash


def test_a_profile_code_fixes_the_session_and_is_shown_as_a_qr(hall, manager):
    profile = profiles.profile_create(
        organizer=hall.organizer, actor=manager, name="Balcony", dates=[hall.date]
    )
    issued = devices.profile_code_create(profile=profile, actor=manager)
    assert issued.qr_text.endswith(f"/scanner/#code={issued.code.replace('-', '')}")
    device = devices.device_login_code(code=issued.code, client_ip="10.0.0.4").device
    assert device.profile == profile and device.profile_locked
    with pytest.raises(SessionLocked):
        devices.device_session_define(device=device, dates=[hall.other_date])
    other = profiles.profile_create(
        organizer=hall.organizer, actor=manager, name="Other", dates=[hall.other_date]
    )
    with pytest.raises(SessionLocked):
        devices.device_session_choose(device=device, profile_id=other.pk)


def test_wrong_codes_are_rate_limited_per_address(hall, manager):
    issued = devices.organizer_code_create(organizer=hall.organizer, actor=manager)
    for _ in range(devices.CODE_RATE_LIMIT[0]):
        with pytest.raises(DeviceRefused):
            devices.device_login_code(code="AAAA-BBBB-CCCC-DDDD", client_ip="10.9.9.9")
    with pytest.raises(RateLimited):
        devices.device_login_code(code=issued.code, client_ip="10.9.9.9")
    # another address is not blocked
    assert devices.device_login_code(code=issued.code, client_ip="10.9.9.8").device


def test_revoking_a_device_or_its_code(hall, manager):
    issued = devices.organizer_code_create(organizer=hall.organizer, actor=manager)
    first = devices.device_login_code(code=issued.code, client_ip="10.0.0.5")
    second = devices.device_login_code(code=issued.code, client_ip="10.0.0.5")
    assert devices.device_revoke(device=first.device, actor=manager)
    assert devices.device_authenticate(first.token) is None
    assert devices.device_authenticate(second.token) is not None
    assert devices.login_code_revoke(login_code=issued.login_code, actor=manager) == 1
    assert devices.device_authenticate(second.token) is None
    with pytest.raises(DeviceRefused):
        devices.device_login_code(code=issued.code, client_ip="10.0.0.5")


def test_only_managers_create_codes_profiles_and_revoke(hall):
    volunteer = factories.make_staff()
    factories.grant(hall.organizer, Level.BOX_OFFICE, user=volunteer)
    with pytest.raises(PermissionRefused):
        devices.organizer_code_create(organizer=hall.organizer, actor=volunteer)
    with pytest.raises(PermissionRefused):
        profiles.profile_create(
            organizer=hall.organizer, actor=volunteer, name="x", dates=[hall.date]
        )
    device = devices.device_login_code(
        code=devices.organizer_code_create(organizer=hall.organizer, actor=None).code,
        client_ip="10.0.0.6",
    ).device
    with pytest.raises(PermissionRefused):
        devices.device_revoke(device=device, actor=volunteer)


def test_profiles_reach_only_the_organizers_own_dates_zones_and_events(hall, other_hall):
    for scope in (
        {"dates": [other_hall.date]},
        {"events": [other_hall.event]},
        {"dates": [hall.date], "zones": [other_hall.standing]},
    ):
        with pytest.raises(InvalidInput):
            profiles.profile_create(organizer=hall.organizer, actor=None, name="x", **scope)
    with pytest.raises(InvalidInput):
        profiles.profile_create(organizer=hall.organizer, actor=None, name="nothing")
    with pytest.raises(InvalidInput):
        profiles.profile_create(
            organizer=hall.organizer, actor=None, name="x", dates=[hall.date], mode="fast"
        )
    assert not ScanProfile.objects.exists()


def test_choosing_another_organizers_profile_is_refused(hall, other_hall):
    foreign = profiles.profile_create(
        organizer=other_hall.organizer, actor=None, name="Theirs", dates=[other_hall.date]
    )
    device = devices.device_login_code(
        code=devices.organizer_code_create(organizer=hall.organizer, actor=None).code,
        client_ip="10.0.0.7",
    ).device
    with pytest.raises(InvalidInput):
        devices.device_session_choose(device=device, profile_id=foreign.pk)
    assert ScanDevice.objects.get(pk=device.pk).profile is None
