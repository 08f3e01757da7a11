"""Refusals of the check-in services (a refused *scan* is not an exception: it is a
ScanResult with a reason code, and it is recorded)."""

from django.utils.translation import gettext_lazy as _

from billetterie.core.exceptions import DomainError


class DeviceRefused(DomainError):
    """A login that does not open a device: wrong code, wrong password, no scan grant."""

    code = "login_refused"
    default_message = _("This login is not valid.")
    http_status = 401


class NoSession(DomainError):
    code = "no_session"
    default_message = _("Choose what this device scans first (dates, events and zones).")
    http_status = 409


class SessionLocked(DomainError):
    code = "session_locked"
    default_message = _(
        "This device logged in with a profile code: it scans that profile and nothing else."
    )
    http_status = 403


class NotCancellable(DomainError):
    """Quick cancellation (SCAN-5) applies to unsold pre-printed tickets only."""

    code = "not_cancellable"
    default_message = _("This ticket cannot be cancelled from the scanner.")
    http_status = 409


class SigningUnavailable(DomainError):
    code = "signing_unavailable"
    default_message = _("The shop's signing key cannot be used.")
    http_status = 500
