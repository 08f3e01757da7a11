"""Domain exceptions: a stable code for the API and tests, a translatable message for people."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refusal by a service. Surfaces show `message`; the API returns `code` + `message`."""

    code = "error"
    default_message = _("The action could not be completed.")
    http_status = 400

    def __init__(self, message=None, *, code: str | None = None, **params):
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.params = params
        super().__init__(str(self.message))

    def as_dict(self) -> dict:
        return {"code": self.code, "message": str(self.message), **self.params}


class PermissionRefused(DomainError):
    code = "permission_denied"
    default_message = _("You do not have the permission to do this.")
    http_status = 403


class NotFound(DomainError):
    code = "not_found"
    default_message = _("Not found.")
    http_status = 404


class RateLimited(DomainError):
    code = "rate_limited"
    default_message = _("Too many attempts. Please wait a few minutes and try again.")
    http_status = 429


class InvalidInput(DomainError):
    code = "invalid"
    default_message = _("The data is not valid.")
