"""Telling the person what happened: a service's refusal becomes a message, not an error page."""

from django.contrib import messages

from billetterie.core.exceptions import DomainError


def run(request, action, success_message) -> bool:
    """Call a service; show its refusal as an error message, else `success_message`."""
    try:
        action()
    except DomainError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success_message)
    return True


def form_error(request, form) -> None:
    """A form that does not parse, sent from a page that shows it only inline."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
