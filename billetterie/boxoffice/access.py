"""Who reaches the counter: the box office level on the shop, or on some of its events.

Like the back office (backoffice/access.py), the organizer and shop slugs of the URL reach
only an organizer where the user holds a grant, and a shop they can see: anything else is
a 404, so another organizer's existence is not even confirmed (ORG-3).
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from billetterie.backoffice.access import organizer_view
from billetterie.boxoffice.queries import counter_scope
from billetterie.core.queries import shops_visible_to


def counter_view(view):
    """`organizer` and `shop` slugs → request.organizer, request.shop, request.counter (the
    CounterScope of the events the user may sell)."""

    @organizer_view()
    @wraps(view)
    def wrapper(request, shop, *args, **kwargs):
        request.shop = get_object_or_404(
            shops_visible_to(request.user, request.organizer), slug=shop
        )
        scope = counter_scope(request.user, request.shop)
        if scope is None:
            raise PermissionDenied
        request.counter = scope
        return view(request, *args, **kwargs)

    return wrapper
