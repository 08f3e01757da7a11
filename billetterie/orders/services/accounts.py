"""Optional buyer accounts (SHOP-5, DATA-1): sign-up, email confirmation, login, password
reset, the account's details and the orders it shows.

An account lives on the organizer's CRM record (`Customer`): one per organizer and email,
never a staff user, so the back-office login cannot take a buyer's password and an
account of one organizer means nothing in another organizer's shops.

Orders are matched to customers by email, so an account opens only once its owner proved
the email, and the proof needs both halves:
- sign-up stores the password on the customer record (created when the email never
  ordered) and emails a signed, expiring link; nothing is visible before it is used;
- the link alone does not open the account: its page asks for the password chosen at
  sign-up. Someone who signs up with another person's email, hoping that person clicks
  the link, never gets in (account "pre-hijacking").
Signing up with an email that already has an open account changes nothing and emails a
"you already have an account" message instead; the page says the same either way, so
nobody learns which emails have accounts.

Links carry a fingerprint of the record's password and state: a confirmation link dies
once the account is confirmed or a newer sign-up replaced the password, a reset link once
the password changed; a session dies when the password changes (session_fingerprint).
"""

import hmac
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core import signing
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billetterie.core import ratelimit
from billetterie.core.exceptions import DomainError, InvalidInput, RateLimited
from billetterie.core.models import Organizer, Shop
from billetterie.core.services.staff import check_password_strength, normalize_email
from billetterie.notifications.services import email_template_queue
from billetterie.orders import queries as sales
from billetterie.orders.models import Customer, Order, Ticket

VERIFY_SALT = "billetterie.orders.accounts.verify"
RESET_SALT = "billetterie.orders.accounts.reset"
SESSION_SALT = "billetterie.orders.accounts.session"
VERIFY_VALIDITY = timedelta(days=2)
NAME_MAX = 120  # Customer.first_name / last_name

# attempts per window (seconds); the login limits are settings.LOGIN_RATE_LIMIT
SIGNUP_LIMIT = (5, 3600)  # per organizer and email: each attempt sends an email
RESET_LIMIT = (5, 3600)
PER_ADDRESS = 20  # per client address, for sign-ups and reset requests alike
RESEND_LIMIT = (3, 3600)  # confirmation emails sent again on a login before confirmation


class AccountLinkInvalid(DomainError):
    code = "account_link_invalid"
    default_message = gettext_lazy(
        "This link is not valid any more (it was already used, or a newer one replaced it). "
        "Ask for a new one."
    )
    http_status = 400


class AccountLinkExpired(AccountLinkInvalid):
    code = "account_link_expired"
    default_message = gettext_lazy("This link has expired. Ask for a new one.")


class AccountAlreadyConfirmed(AccountLinkInvalid):
    code = "account_already_confirmed"
    default_message = gettext_lazy("Your email address is already confirmed: you can log in.")


class AccountNotConfirmed(DomainError):
    code = "account_not_confirmed"
    default_message = gettext_lazy(
        "Your email address is not confirmed yet. Open the link in the email we sent you "
        "(we sent it again; look in your spam folder too)."
    )
    http_status = 403


def _invalid_credentials() -> InvalidInput:
    return InvalidInput(_("Email or password is not correct."), code="invalid_credentials")


# --- fingerprints, tokens, links ---------------------------------------------------------
def _fingerprint(salt: str, *parts) -> str:
    value = "|".join(str(part) for part in parts)
    return salted_hmac(salt, value, algorithm="sha256").hexdigest()[:32]


def _verify_state(customer: Customer) -> str:
    return _fingerprint(VERIFY_SALT, customer.pk, customer.password, customer.email_verified_at)


def _reset_state(customer: Customer) -> str:
    return _fingerprint(
        RESET_SALT,
        customer.pk,
        customer.password,
        customer.email_verified_at,
        customer.last_login_at,
    )


def session_fingerprint(customer: Customer) -> str:
    """Kept in the buyer's session with the customer id: a password change ends every
    session opened with the old password."""
    return _fingerprint(SESSION_SALT, customer.pk, customer.password)


def _same(a, b) -> bool:
    return isinstance(a, str) and isinstance(b, str) and hmac.compare_digest(a, b)


def _load(token: str, *, salt: str, max_age: timedelta) -> dict:
    try:
        data = signing.loads(token or "", salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise AccountLinkExpired() from None
    except signing.BadSignature:
        raise AccountLinkInvalid() from None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        raise AccountLinkInvalid()
    return data


def _link(shop: Shop, name: str, *args) -> str:
    return settings.BASE_URL + reverse(f"shop:{name}", args=[shop.organizer.slug, shop.slug, *args])


def _reset_validity() -> timedelta:
    return timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


def _hours(validity: timedelta) -> int:
    return int(validity.total_seconds() // 3600)


def _identity(organizer: Organizer, email: str) -> str:
    return f"{organizer.pk}:{(email or '').strip().lower()}"


def _clean_name(value: str, label: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise InvalidInput(_("Enter your %(field)s.") % {"field": label})
    if len(value) > NAME_MAX:
        raise InvalidInput(
            _("Your %(field)s is too long (at most %(n)s characters).")
            % {"field": label, "n": NAME_MAX}
        )
    return value


def _clean_language(language: str) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    if language not in codes:
        raise InvalidInput(_("Choose one of the offered languages."))
    return language


# --- emails ------------------------------------------------------------------------------
def _send(to: str, shop: Shop, template: str, language: str, **context) -> None:
    email_template_queue(
        to=to,
        template=template,
        context={"shop": shop, "organizer": shop.organizer, **context},
        language=language,
        organizer_id=shop.organizer_id,
    )


def _send_confirmation(
    customer: Customer, shop: Shop, *, first_name: str, last_name: str, language: str
) -> None:
    token = signing.dumps(
        {
            "c": customer.pk,
            "s": _verify_state(customer),
            "f": first_name,
            "l": last_name,
            "g": language,
        },
        salt=VERIFY_SALT,
        compress=True,
    )
    _send(
        customer.email,
        shop,
        "customer_verify",
        language,
        name=first_name,
        link=_link(shop, "account_confirm_link", token),
        hours=_hours(VERIFY_VALIDITY),
    )


# --- sign-up and confirmation ------------------------------------------------------------
def account_signup(
    *,
    shop: Shop,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    language: str,
    client_ip: str,
) -> None:
    """Ask for an account in the shop's organizer: an email goes to `email` either way (a
    confirmation link, or "you already have an account"), and the caller says the same
    thing to the person whatever happened."""
    organizer = shop.organizer
    email = normalize_email(email)
    first_name = _clean_name(first_name, _("first name"))
    last_name = _clean_name(last_name, _("last name"))
    language = _clean_language(language)
    check_password_strength(
        password, Customer(email=email, first_name=first_name, last_name=last_name)
    )
    limit, window = SIGNUP_LIMIT
    ratelimit.hit("shop-signup", _identity(organizer, email), limit=limit, window=window)
    ratelimit.hit("shop-signup-ip", client_ip, limit=PER_ADDRESS, window=window)
    with transaction.atomic():
        customer, _created = Customer.objects.get_or_create(
            organizer=organizer,
            email=email,
            defaults={"first_name": first_name, "last_name": last_name, "language": language},
        )
        hashed = make_password(password)
        # only while unconfirmed: an open account's password changes by a reset, never by
        # someone signing up again with its email
        pending = Customer.objects.filter(pk=customer.pk, email_verified_at__isnull=True).update(
            password=hashed
        )
        if not pending:
            _send(
                customer.email,
                shop,
                "customer_already_registered",
                language,
                link=_link(shop, "account_reset"),
                login=_link(shop, "account_login"),
            )
            return
        customer.password = hashed
        _send_confirmation(
            customer, shop, first_name=first_name, last_name=last_name, language=language
        )


def _confirmation(organizer: Organizer, token: str) -> tuple[Customer, dict]:
    data = _load(token, salt=VERIFY_SALT, max_age=VERIFY_VALIDITY)
    customer = Customer.objects.filter(pk=data["c"], organizer=organizer).first()
    if customer is None:
        raise AccountLinkInvalid()
    if customer.email_verified_at is not None:
        raise AccountAlreadyConfirmed()
    if not _same(data.get("s"), _verify_state(customer)):
        raise AccountLinkInvalid()  # a newer sign-up replaced this one
    return customer, data


def confirmation_check(*, organizer: Organizer, token: str) -> Customer:
    """The customer a confirmation link is for, or AccountLinkInvalid (tampered, expired,
    used, replaced, or of another organizer)."""
    return _confirmation(organizer, token)[0]


def account_confirm(*, organizer: Organizer, token: str, password: str, client_ip: str) -> Customer:
    """Open the account of a confirmation link, for the person who also knows the password
    chosen at sign-up; the name and language given at sign-up become the customer's."""
    customer, data = _confirmation(organizer, token)
    _check_login_limits(organizer, customer.email, client_ip)
    if not check_password(password, customer.password):
        _count_failure(organizer, customer.email, client_ip)
        raise InvalidInput(_("The password is not correct."), code="invalid_credentials")
    now = timezone.now()
    values = {"email_verified_at": now, "last_login_at": now}
    for key, field in (("f", "first_name"), ("l", "last_name")):
        if isinstance(data.get(key), str) and data[key]:
            values[field] = data[key][:NAME_MAX]
    if data.get("g") in {code for code, _name in settings.LANGUAGES}:
        values["language"] = data["g"]
    opened = Customer.objects.filter(
        pk=customer.pk, email_verified_at__isnull=True, password=customer.password
    ).update(**values)
    if not opened:  # confirmed or signed up again meanwhile
        raise AccountLinkInvalid()
    ratelimit.reset("shop-login", _identity(organizer, customer.email))
    customer.refresh_from_db()
    return customer


# --- login -------------------------------------------------------------------------------
def _check_login_limits(organizer: Organizer, email: str, client_ip: str) -> None:
    limit, _window = settings.LOGIN_RATE_LIMIT
    ratelimit.check("shop-login", _identity(organizer, email), limit=limit)
    ratelimit.check("shop-login-ip", client_ip, limit=limit * 5)


def _count_failure(organizer: Organizer, email: str, client_ip: str) -> None:
    limit, window = settings.LOGIN_RATE_LIMIT
    ratelimit.hit("shop-login", _identity(organizer, email), limit=limit + 1, window=window)
    ratelimit.hit("shop-login-ip", client_ip, limit=limit * 5 + 1, window=window)


def account_authenticate(*, shop: Shop, email: str, password: str, client_ip: str) -> Customer:
    """The customer of these credentials in the shop's organizer, or InvalidInput /
    RateLimited / AccountNotConfirmed. Failed attempts are counted per organizer and email
    and per client address; the message never tells whether the email has an account.

    Right credentials of an unconfirmed account open nothing: the confirmation link is
    emailed again (a few times an hour at most) and the buyer is told to use it.
    """
    organizer = shop.organizer
    email = (email or "").strip().lower()
    _check_login_limits(organizer, email, client_ip)
    customer = Customer.objects.filter(organizer=organizer, email=email).first()

    def rehash(raw: str) -> None:  # stronger hashing settings since the last login
        customer.password = make_password(raw)
        Customer.objects.filter(pk=customer.pk).update(password=customer.password)

    upgrade = rehash if customer is not None and customer.email_verified_at else None
    # an unknown email costs one hash too, so timing tells nothing either
    if not check_password(password or "", customer.password if customer else "", upgrade):
        _count_failure(organizer, email, client_ip)
        raise _invalid_credentials()
    if customer.email_verified_at is None:
        limit, window = RESEND_LIMIT
        try:
            ratelimit.hit("shop-resend", _identity(organizer, email), limit=limit, window=window)
        except RateLimited:
            pass
        else:
            with transaction.atomic():
                _send_confirmation(
                    customer,
                    shop,
                    first_name=customer.first_name,
                    last_name=customer.last_name,
                    language=customer.language,
                )
        raise AccountNotConfirmed()
    ratelimit.reset("shop-login", _identity(organizer, email))
    now = timezone.now()
    Customer.objects.filter(pk=customer.pk).update(last_login_at=now)
    customer.last_login_at = now
    return customer


def account_of_session(*, organizer: Organizer, customer_id, fingerprint) -> Customer | None:
    """The open account a session names, if its password did not change since."""
    if not isinstance(customer_id, int):
        return None
    customer = Customer.objects.filter(
        pk=customer_id, organizer=organizer, email_verified_at__isnull=False
    ).first()
    if customer is None or not _same(fingerprint, session_fingerprint(customer)):
        return None
    return customer


# --- password reset ----------------------------------------------------------------------
def password_reset_request(*, shop: Shop, email: str, language: str, client_ip: str) -> None:
    """Email a link to choose a new password. An email without an account gets a message
    saying so, with the sign-up link; the caller says the same thing either way."""
    organizer = shop.organizer
    email = normalize_email(email)
    language = _clean_language(language)
    limit, window = RESET_LIMIT
    ratelimit.hit("shop-reset", _identity(organizer, email), limit=limit, window=window)
    ratelimit.hit("shop-reset-ip", client_ip, limit=PER_ADDRESS, window=window)
    customer = Customer.objects.filter(organizer=organizer, email=email).first()
    with transaction.atomic():
        if customer is None or not customer.password:
            _send(email, shop, "customer_no_account", language, link=_link(shop, "account_signup"))
            return
        token = signing.dumps(
            {"c": customer.pk, "s": _reset_state(customer)}, salt=RESET_SALT, compress=True
        )
        _send(
            customer.email,
            shop,
            "customer_password_reset",
            customer.language if customer.has_account else language,
            name=customer.first_name,
            link=_link(shop, "account_reset_link", token),
            hours=_hours(_reset_validity()),
        )


def password_reset_check(*, organizer: Organizer, token: str) -> Customer:
    data = _load(token, salt=RESET_SALT, max_age=_reset_validity())
    customer = Customer.objects.filter(pk=data["c"], organizer=organizer).first()
    if customer is None or not customer.password:
        raise AccountLinkInvalid()
    if not _same(data.get("s"), _reset_state(customer)):
        raise AccountLinkInvalid()  # used already: the password changed since
    return customer


def password_reset_confirm(*, organizer: Organizer, token: str, password: str) -> Customer:
    """Set the new password of a reset link (once). The link came by email, so it also
    confirms the email of an account that was still waiting for it."""
    customer = password_reset_check(organizer=organizer, token=token)
    check_password_strength(password, customer)
    now = timezone.now()
    changed = Customer.objects.filter(pk=customer.pk, password=customer.password).update(
        password=make_password(password),
        email_verified_at=customer.email_verified_at or now,
        last_login_at=now,
    )
    if not changed:
        raise AccountLinkInvalid()
    ratelimit.reset("shop-login", _identity(organizer, customer.email))
    customer.refresh_from_db()
    return customer


# --- the account's details and orders ----------------------------------------------------
@transaction.atomic
def account_update(
    *, customer: Customer, first_name: str, last_name: str, language: str
) -> Customer:
    customer.first_name = _clean_name(first_name, _("first name"))
    customer.last_name = _clean_name(last_name, _("last name"))
    customer.language = _clean_language(language)
    customer.save(update_fields=["first_name", "last_name", "language"])
    return customer


def account_orders(customer: Customer) -> list[Order]:
    """The customer's orders in all shops of their organizer, newest first, each with
    `ticket_count` (valid tickets) and `can_download`. One query."""
    orders = list(
        Order.objects.filter(customer=customer, shop__organizer_id=customer.organizer_id)
        .select_related("shop")
        .annotate(
            ticket_count=Count("tickets", filter=Q(tickets__state=Ticket.State.VALID)),
        )
        .order_by("-created_at", "-pk")
    )
    for order in orders:
        order.can_download = bool(order.ticket_count) and sales.tickets_downloadable(order)
    return orders
