"""Resolving the organizer and shop of a back-office URL, scoped to the user's grants.

A slug in the URL reaches an organizer only if the user holds a grant there; otherwise
404 — another organizer's existence is not even confirmed (ORG-3).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from billetterie.core.models import Level
from billetterie.core.permissions import effective_level, highest_level_anywhere
from billetterie.core.queries import organizers_of, shops_visible_to


def organizer_view(min_level: Level | None = None):
    """View decorator: `organizer` slug kwarg → request.organizer; optional level on the
    organizer scope (else any grant in the organizer is enough)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, organizer, *args, **kwargs):
            request.organizer = get_object_or_404(organizers_of(request.user), slug=organizer)
            request.level = highest_level_anywhere(request.user, request.organizer)
            # the level on the whole organizer (not via a shop or event grant)
            request.organizer_level = effective_level(request.user, request.organizer)
            if min_level is not None:
                held = request.organizer_level
                if held is None or held < min_level:
                    raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def shop_view(min_level: Level = Level.VIEW):
    """View decorator: `organizer` and `shop` slugs → request.organizer, request.shop."""

    def decorator(view):
        @organizer_view()
        @wraps(view)
        def wrapper(request, shop, *args, **kwargs):
            request.shop = get_object_or_404(
                shops_visible_to(request.user, request.organizer), slug=shop
            )
            # on an event's pages, a grant on that event counts too (ORG-2, INP-6); the view
            # still fetches the event within this shop, so a foreign id reaches nothing
            held = effective_level(
                request.user, request.organizer, shop=request.shop, event_id=kwargs.get("event_id")
            )
            if held is None or held < min_level:
                raise PermissionDenied
            request.shop_level = held
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
