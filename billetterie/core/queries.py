"""Tenant-scoped reads (ORG-3). Back-office and API code reach data only through these.

Every helper takes the organizer (or a shop) and filters by it, so an id from a URL can
never reach another organizer's row: a lookup that misses raises Http404.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from billetterie.core.models import (
    AuditLogEntry,
    Grant,
    Organizer,
    Shop,
    StaffInvitation,
    Team,
    User,
)


def for_organizer(queryset: QuerySet, organizer: Organizer, field: str = "organizer") -> QuerySet:
    """Restrict any queryset to rows of `organizer` (`field` is the path to the organizer)."""
    return queryset.filter(**{field: organizer})


def for_shop(queryset: QuerySet, shop: Shop, field: str = "shop") -> QuerySet:
    return queryset.filter(**{field: shop})


def get_for_organizer(queryset: QuerySet, organizer: Organizer, field="organizer", **lookup):
    """One row of the organizer's, or 404 — never another organizer's row."""
    return get_object_or_404(for_organizer(queryset, organizer, field), **lookup)


def organizers_of(user: User) -> QuerySet:
    """Organizers where the user holds at least one grant, directly or through a team."""
    if not user.is_authenticated:
        return Organizer.objects.none()
    held = Grant.objects.filter(Q(user=user) | Q(team__members=user), organizer=OuterRef("pk"))
    return Organizer.objects.filter(Exists(held)).order_by("name")


def shops_visible_to(user: User, organizer: Organizer) -> QuerySet:
    """The organizer's shops the user can see: all of them with an organizer-wide grant,
    else those where a shop or event grant is held."""
    grants = Grant.objects.filter(Q(user=user) | Q(team__members=user), organizer=organizer)
    shops = Shop.objects.filter(organizer=organizer)
    if grants.filter(shop__isnull=True).exists():
        return shops
    return shops.filter(Exists(grants.filter(shop=OuterRef("pk"))))


def staff_of(organizer: Organizer) -> QuerySet:
    """Everyone holding a grant of the organizer or sitting in one of its teams."""
    return User.objects.filter(
        Q(grants__organizer=organizer) | Q(teams__organizer=organizer)
    ).distinct()


def teams_of(organizer: Organizer) -> QuerySet:
    return Team.objects.filter(organizer=organizer).prefetch_related("members")


def grants_of(organizer: Organizer) -> QuerySet:
    return Grant.objects.filter(organizer=organizer).select_related("user", "team", "shop")


def open_invitations_of(organizer: Organizer) -> QuerySet:
    return StaffInvitation.objects.filter(
        organizer=organizer, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("team")


def audit_log_of(organizer: Organizer) -> QuerySet:
    return AuditLogEntry.objects.filter(organizer=organizer).select_related("actor", "shop")
