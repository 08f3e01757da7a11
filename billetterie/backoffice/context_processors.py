from billetterie.backoffice.navigation import menu
from billetterie.core.queries import organizers_of, shops_visible_to


def backoffice(request):
    """Menu and organizer/shop switchers for back-office pages."""
    organizer = getattr(request, "organizer", None)
    if organizer is None or not request.user.is_authenticated:
        return {}
    shop = getattr(request, "shop", None)
    return {
        "organizer": organizer,
        "current_shop": shop,
        "menu": menu(
            organizer,
            getattr(request, "level", None),
            shop,
            request.path,
            organizer_level=getattr(request, "organizer_level", None),
        ),
        "switch_organizers": organizers_of(request.user),
        "switch_shops": shops_visible_to(request.user, organizer).filter(is_archived=False),
    }
