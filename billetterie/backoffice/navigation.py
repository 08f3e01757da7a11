"""The back-office menu. Each app adds its entries here as it arrives.

An entry shows when the user's highest level in the organizer reaches `min_level`; an
`organizer_wide` entry (a page that needs the level on the whole organizer, not through a
shop or event grant) needs that level on the organizer itself.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from billetterie.core.models import Level


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    min_level: Level
    scope: str = "organizer"  # or "shop": the URL takes the current shop too
    organizer_wide: bool = False
    section: bool = False  # the entry stays highlighted on the pages below its URL


ENTRIES: list[Entry] = [
    Entry(_("Dashboard"), "backoffice:organizer", Level.VIEW),
    Entry(_("Shops"), "backoffice:shops", Level.VIEW),
    Entry(_("Box office"), "boxoffice:counter", Level.BOX_OFFICE, scope="shop"),
    Entry(_("Events"), "backoffice:events", Level.VIEW, scope="shop", section=True),
    Entry(_("Orders"), "backoffice:orders", Level.VIEW, scope="shop", section=True),
    Entry(
        _("Registration form"), "backoffice:registration", Level.VIEW, scope="shop", section=True
    ),
    Entry(_("Promotions"), "backoffice:promotions", Level.VIEW, scope="shop", section=True),
    Entry(_("Tracking"), "backoffice:shop_tracking", Level.MANAGE, scope="shop"),
    Entry(_("Bank accounts"), "backoffice:bank_accounts", Level.MANAGE, scope="shop", section=True),
    Entry(_("Payment by invoice"), "backoffice:invoice_settings", Level.MANAGE, scope="shop"),
    Entry(_("Exports"), "backoffice:exports", Level.MANAGE, scope="shop", section=True),
    Entry(_("Webhooks"), "backoffice:webhooks", Level.MANAGE, scope="shop", section=True),
    Entry(_("Customers"), "backoffice:customers", Level.VIEW, organizer_wide=True, section=True),
    Entry(
        _("Ticket layout"), "backoffice:ticket_layouts", Level.MANAGE, scope="shop", section=True
    ),
    Entry(_("Paper lists"), "backoffice:attendee_lists", Level.SCAN, scope="shop"),
    Entry(_("Live count"), "backoffice:checkin_live", Level.SCAN, scope="shop"),
    Entry(_("Scanners"), "backoffice:checkin", Level.MANAGE, organizer_wide=True, section=True),
    Entry(_("Venues"), "backoffice:venues", Level.MANAGE, organizer_wide=True, section=True),
    Entry(_("Team"), "backoffice:team", Level.MANAGE, organizer_wide=True),
    Entry(_("Audit log"), "backoffice:audit", Level.MANAGE, organizer_wide=True),
]


def menu(organizer, level, shop=None, current_path="", organizer_level=None):
    items = []
    for entry in ENTRIES:
        if level is None or level < entry.min_level:
            continue
        if entry.organizer_wide and (organizer_level is None or organizer_level < entry.min_level):
            continue
        if entry.scope == "shop":
            if shop is None:
                continue
            url = reverse(entry.url_name, args=[organizer.slug, shop.slug])
        else:
            url = reverse(entry.url_name, args=[organizer.slug])
        active = current_path == url or (entry.section and current_path.startswith(url))
        items.append({"label": entry.label, "url": url, "active": active})
    return items
