"""The buyer logged in to an organizer's shops (SHOP-5), kept in their session.

One key per organizer, `shop_customer:<organizer id>`, holding the customer id and a
fingerprint of its password: an account of one organizer is unknown to another's shops,
and changing the password ends the other sessions. Logging in or out changes the session
key (no session fixation) and keeps the rest of the session (carts, a staff login).
"""

from billetterie.core.models import Organizer
from billetterie.orders.models import Customer
from billetterie.orders.services import accounts


def _key(organizer_id: int) -> str:
    return f"shop_customer:{organizer_id}"


def is_logged_in(request, organizer_id: int) -> bool:
    """For the shop header: no query (the account page checks the session properly)."""
    session = getattr(request, "session", None)
    return session is not None and _key(organizer_id) in session


def customer_of(request, organizer: Organizer) -> Customer | None:
    """The logged-in buyer of this organizer, if the session is still good."""
    value = request.session.get(_key(organizer.pk))
    if not isinstance(value, dict):
        return None
    customer = accounts.account_of_session(
        organizer=organizer, customer_id=value.get("id"), fingerprint=value.get("h")
    )
    if customer is None:
        request.session.pop(_key(organizer.pk), None)
    return customer


def login(request, customer: Customer) -> None:
    request.session.cycle_key()
    request.session[_key(customer.organizer_id)] = {
        "id": customer.pk,
        "h": accounts.session_fingerprint(customer),
    }


def logout(request, organizer: Organizer) -> None:
    request.session.pop(_key(organizer.pk), None)
    request.session.cycle_key()
