"""Demo data for `make run` and `billetterie demo`: created once, then left alone.

Later apps add their part (events, orders, ...) in `load`, always through services.
"""

import secrets

from django.conf import settings
from django.db import transaction

from billetterie.core.models import Level, Organizer, User
from billetterie.core.services import organizers, teams
from billetterie.core.services.staff import staff_create

DEMO_ORGANIZER = "theatre-demo"
DEMO_EMAIL = "demo@billetterie.local"
CREDENTIALS_FILE = "demo-login.txt"


def credentials() -> tuple[str, str] | None:
    path = settings.DATA_DIR / CREDENTIALS_FILE
    if not path.exists():
        return None
    email, _sep, password = path.read_text().strip().partition(" ")
    return email, password


@transaction.atomic
def load() -> tuple[Organizer, bool]:
    """The demo organizer, and whether it was created now."""
    existing = Organizer.objects.filter(slug=DEMO_ORGANIZER).first()
    if existing is not None:
        return existing, False
    password = secrets.token_urlsafe(9)
    manager = User.objects.filter(email=DEMO_EMAIL).first()
    if manager is None:
        manager = staff_create(
            email=DEMO_EMAIL, password=password, full_name="Camille Demo", language="fr"
        )
    else:
        manager.set_password(password)
        manager.save(update_fields=["password"])
    organizer = organizers.organizer_create(
        name="Théâtre des Arts (démo)", slug=DEMO_ORGANIZER, owner=manager
    )
    organizers.shop_create(
        organizer=organizer,
        actor=manager,
        name="Saison 2026-2027",
        slug="saison-2026-2027",
        currency="CHF",
        languages=["fr", "en", "de"],
        default_language="fr",
    )
    organizers.shop_create(
        organizer=organizer,
        actor=manager,
        name="Festival d'été 2027",
        slug="festival-2027",
        currency="CHF",
        languages=["fr", "en"],
    )
    door = teams.team_create(organizer=organizer, actor=manager, name="Accueil et contrôle")
    teams.grant_create(organizer=organizer, actor=manager, team=door, level=Level.SCAN)
    counter = teams.team_create(organizer=organizer, actor=manager, name="Guichet")
    teams.grant_create(organizer=organizer, actor=manager, team=counter, level=Level.BOX_OFFICE)
    path = settings.DATA_DIR / CREDENTIALS_FILE
    path.write_text(f"{DEMO_EMAIL} {password}\n")
    path.chmod(0o600)
    return organizer, True
