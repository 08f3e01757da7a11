"""The scanner web app's page (SCAN-1..7). Everything it does goes through the check-in API
(/api/v1/checkin/) with the device's bearer token; the page itself only hands the app its
configuration: the API's address and the words it shows, in the page's language, so that
it can answer offline in the same words as the server."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from billetterie.checkin.services.redeem import MESSAGES


def _strings() -> dict[str, str]:
    return {
        "admitted": _("Admitted"),
        "refused": _("Refused"),
        "welcome": _("Welcome!"),
        "exit_recorded": _("Exit recorded."),
        "pending": _("Offline: will be sent when back online"),
        "online": _("Online"),
        "offline": _("Offline"),
        "queue": _("Scans waiting to be sent: %(n)s"),
        "synced": _("Offline scans sent."),
        "login_failed": _("Logging in failed."),
        "network": _("No network connection: try again when online."),
        "logged_out": _("This device was logged out or revoked: log in again."),
        "no_results": _("No order found."),
        "admit": _("Admit"),
        "search_offline": _("Offline: searching the downloaded list only."),
        "list_ready_one": ngettext(
            "%(n)s ticket downloaded for offline use.",
            "%(n)s tickets downloaded for offline use.",
            1,
        ),
        "list_ready": ngettext(
            "%(n)s ticket downloaded for offline use.",
            "%(n)s tickets downloaded for offline use.",
            2,
        ),
        "all_zones": _("all zones"),
        "mode_normal": _("Normal (one entry)"),
        "mode_entry_exit": _("Entry / exit"),
        "mode_multiple": _("Multiple entries"),
        "camera_failed": _("The camera could not be opened."),
        "flagged": _("Double entry found at sync"),
        "seat": _("Seat"),
        "zone": _("Zone"),
        "entries": _("Entries: %(n)s"),
        "choose_organizer": _("Choose the organizer"),
    }


@require_GET
def scanner_app(request):
    login_url = reverse("api:checkin_login")
    config = {
        "api": login_url.rsplit("/login", 1)[0],
        "reasons": {code: str(message) for code, message in MESSAGES.items()},
        "strings": _strings(),
    }
    return render(request, "scanner/app.html", {"config": config})
