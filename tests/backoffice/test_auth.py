"""Staff login, rate limiting, logout, password reset and the TOTP second factor."""

import re
import time

import pyotp
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from billetterie.core import totp
from tests import factories as f

pytestmark = pytest.mark.django_db

LOGIN = reverse("backoffice:login")
LOGIN_CODE = reverse("backoffice:login_totp")
SECURITY = reverse("backoffice:account_security")
NEW_PASSWORD = "another long passphrase 7"
WRONG_CREDENTIALS = "Email or password is not correct."
TOO_MANY = "Too many attempts. Please wait a few minutes and try again."


@pytest.fixture
def staff(db):
    return f.make_staff("camille@example.org")


def log_in(client, email, password=f.PASSWORD, **extra):
    return client.post(LOGIN, {"email": email, "password": password, **extra})


def logged_in_user(client):
    return client.session.get("_auth_user_id")


# --- login ---------------------------------------------------------------------------------
def test_login_with_the_right_password(staff, client):
    response = log_in(client, "Camille@Example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:home")
    assert logged_in_user(client) == str(staff.pk)


def test_login_goes_to_the_page_asked_for_but_never_off_site(staff, client_for):
    target = reverse("backoffice:account_security")
    response = log_in(client_for(), staff.email, next=target)
    assert response["Location"] == target
    response = log_in(client_for(), staff.email, next="https://evil.example/")
    assert response["Location"] == reverse("backoffice:home")


@pytest.mark.parametrize(
    ("email", "password"),
    [("camille@example.org", "wrong password"), ("nobody@example.org", f.PASSWORD)],
    ids=["wrong-password", "unknown-email"],
)
def test_login_fails_with_the_same_clear_message(email, password, staff, client):
    response = log_in(client, email, password)
    assert response.status_code == 200
    assert WRONG_CREDENTIALS in response.text
    assert logged_in_user(client) is None


def test_inactive_account_cannot_log_in(client):
    f.make_staff("gone@example.org", is_active=False)
    response = log_in(client, "gone@example.org")
    assert WRONG_CREDENTIALS in response.text
    assert logged_in_user(client) is None


def test_login_is_rate_limited_per_email_after_ten_failures(staff, client_for):
    for _ in range(10):
        assert WRONG_CREDENTIALS in log_in(client_for(), staff.email, "nope nope").text

    client = client_for()
    response = log_in(client, staff.email)  # even the right password now
    assert response.status_code == 200
    assert TOO_MANY in response.text
    assert logged_in_user(client) is None

    other = f.make_staff("other@example.org")
    assert log_in(client_for(), other.email).status_code == 302  # other emails still work


def test_a_success_clears_the_failure_count(staff, client_for):
    for _ in range(9):
        log_in(client_for(), staff.email, "nope nope")
    assert log_in(client_for(), staff.email).status_code == 302
    for _ in range(9):
        log_in(client_for(), staff.email, "nope nope")
    assert log_in(client_for(), staff.email).status_code == 302


def test_logout_is_post_only(staff, client):
    client.force_login(staff)
    assert client.get(reverse("backoffice:logout")).status_code == 405
    assert logged_in_user(client) == str(staff.pk)
    response = client.post(reverse("backoffice:logout"), follow=True)
    assert response.redirect_chain == [(LOGIN, 302)]
    assert "You are logged out." in response.text
    assert logged_in_user(client) is None


def test_passwords_are_stored_with_argon2(staff):
    from billetterie import settings as production

    assert staff.password.startswith("argon2")
    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_back_office_pages_need_a_login(db, client):
    response = client.get(reverse("backoffice:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    response = client.get(SECURITY)
    assert response["Location"].startswith(LOGIN)


# --- password reset ------------------------------------------------------------------------
def request_reset(client, email, capture):
    with capture(execute=True):
        return client.post(reverse("backoffice:password_reset"), {"email": email})


def page_templates(response) -> list[str]:
    return [t.name for t in response.templates if not t.name.startswith("emails/")]


def page_text(response) -> str:
    """The page without its per-response CSRF token and CSP nonce."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.text)
    return re.sub(r'nonce="[^"]*"', "", text)


def reset_path(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/backoffice/password-reset/[^/\s]+/[^/\s]+/)", body)
    assert match, body
    return match.group(1)


def test_password_reset_sends_one_email_with_a_link(
    staff, client, django_capture_on_commit_callbacks
):
    response = request_reset(client, "camille@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "If a staff account exists for camille@example.org" in response.text
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["camille@example.org"]
    with translation.override(staff.language):  # the account's language
        assert mail.outbox[0].subject == gettext("Choose a new password")
    assert reset_path(mail.outbox[0].body)


def test_password_reset_of_an_unknown_email_sends_nothing_and_looks_the_same(
    staff, client, django_capture_on_commit_callbacks
):
    known = request_reset(client, staff.email, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    unknown = request_reset(client, "nobody@example.org", django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert unknown.status_code == known.status_code == 200
    assert page_templates(unknown) == page_templates(known)
    assert page_text(unknown).replace("nobody@example.org", staff.email) == page_text(known)


def test_password_reset_link_sets_a_new_password_once(
    staff, client_for, django_capture_on_commit_callbacks
):
    visitor = client_for()
    request_reset(visitor, staff.email, django_capture_on_commit_callbacks)
    path = reset_path(mail.outbox[0].body)

    form_page = visitor.get(path, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    response = visitor.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == LOGIN
    assert "Your password was changed. You can log in now." in response.text

    assert log_in(client_for(), staff.email, NEW_PASSWORD).status_code == 302
    assert WRONG_CREDENTIALS in log_in(client_for(), staff.email).text  # old one is gone

    again = client_for().get(path, follow=True)
    assert again.context["validlink"] is False
    assert "This link is not valid any more" in again.text


def test_password_reset_refuses_a_weak_password(
    staff, client_for, django_capture_on_commit_callbacks
):
    visitor = client_for()
    request_reset(visitor, staff.email, django_capture_on_commit_callbacks)
    form_page = visitor.get(reset_path(mail.outbox[0].body), follow=True)
    response = visitor.post(
        form_page.redirect_chain[-1][0], {"new_password1": "short", "new_password2": "short"}
    )
    assert response.status_code == 200
    assert "This password is too short" in response.text
    staff.refresh_from_db()
    assert staff.check_password(f.PASSWORD)


# --- TOTP ----------------------------------------------------------------------------------
def code_at(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + offset_steps * 30)


def wrong_code(secret: str) -> str:
    valid = {code_at(secret, step) for step in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def enable_totp(client) -> str:
    page = client.get(SECURITY)
    assert page.status_code == 200
    secret = client.session["totp_setup_secret"]
    assert secret in page.text  # the key to type by hand
    assert "<svg" in page.text  # the QR code
    response = client.post(SECURITY, {"code": code_at(secret)}, follow=True)
    assert "Two-factor authentication is on." in response.text
    return secret


def test_enabling_totp_needs_a_valid_code(staff, client):
    client.force_login(staff)
    client.get(SECURITY)
    secret = client.session["totp_setup_secret"]
    response = client.post(SECURITY, {"code": wrong_code(secret)})
    assert "The code is not valid." in response.text
    staff.refresh_from_db()
    assert not staff.has_totp

    assert enable_totp(client) == secret
    staff.refresh_from_db()
    assert staff.totp_secret == secret


def test_login_asks_for_the_code_once_totp_is_on(staff, client, client_for):
    client.force_login(staff)
    secret = enable_totp(client)

    browser = client_for()
    response = log_in(browser, staff.email)
    assert response["Location"] == LOGIN_CODE
    assert logged_in_user(browser) is None  # the password alone is not enough

    response = browser.post(LOGIN_CODE, {"code": wrong_code(secret)})
    assert response.status_code == 200
    assert "The code is not valid." in response.text
    assert logged_in_user(browser) is None

    code = code_at(secret, 1)  # the next step: the enabling code used this one
    response = browser.post(LOGIN_CODE, {"code": code})
    assert response.status_code == 302
    assert logged_in_user(browser) == str(staff.pk)

    replay = client_for()
    log_in(replay, staff.email)
    response = replay.post(LOGIN_CODE, {"code": code})  # same code, same time step
    assert "The code is not valid." in response.text
    assert logged_in_user(replay) is None


def test_the_code_page_needs_the_password_first(staff, client):
    assert client.get(LOGIN_CODE)["Location"] == LOGIN


def test_totp_codes_are_rate_limited(staff, client, client_for):
    client.force_login(staff)
    secret = enable_totp(client)
    browser = client_for()
    log_in(browser, staff.email)
    for _ in range(10):
        browser.post(LOGIN_CODE, {"code": wrong_code(secret)})
    response = browser.post(LOGIN_CODE, {"code": code_at(secret, 1)})
    assert TOO_MANY in response.text
    assert logged_in_user(browser) is None


def test_disabling_totp_needs_the_password(staff, client, client_for):
    client.force_login(staff)
    enable_totp(client)

    response = client.post(SECURITY, {"password": "not my password"})
    assert "The password is not correct." in response.text
    staff.refresh_from_db()
    assert staff.has_totp

    response = client.post(SECURITY, {"password": f.PASSWORD}, follow=True)
    assert "Two-factor authentication is off." in response.text
    staff.refresh_from_db()
    assert not staff.has_totp
    assert log_in(client_for(), staff.email)["Location"] == reverse("backoffice:home")


def test_matching_step_accepts_one_step_of_drift_only():
    secret = totp.new_secret()
    now = time.time()
    step = int(now // 30)
    otp = pyotp.TOTP(secret)
    assert totp.matching_step(secret, otp.at(now), now=now) == step
    assert totp.matching_step(secret, otp.at(now - 30), now=now) == step - 1
    assert totp.matching_step(secret, otp.at(now + 30), now=now) == step + 1
    far = otp.at(now + 300)
    if far not in {otp.at(now + k * 30) for k in (-1, 0, 1)}:
        assert totp.matching_step(secret, far, now=now) is None
    assert totp.matching_step(secret, "12345", now=now) is None
    assert totp.matching_step(secret, "", now=now) is None
