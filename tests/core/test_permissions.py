"""Effective levels (ORG-2): the highest grant held, through any path, on the right scope."""

import pytest

from billetterie.core.models import Level
from billetterie.core.permissions import effective_level, highest_level_anywhere
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_no_grant_means_no_access():
    organizer = f.make_organizer()
    assert effective_level(f.make_staff(), organizer) is None


def test_highest_of_direct_and_team_grants_wins():
    organizer = f.make_organizer()
    user = f.make_staff()
    f.grant(organizer, Level.SCAN, user=user)
    team = f.make_team(organizer, members=[user])
    f.grant(organizer, Level.BOX_OFFICE, team=team)
    assert effective_level(user, organizer) == Level.BOX_OFFICE


def test_shop_grant_applies_to_that_shop_only():
    organizer = f.make_organizer()
    shop_a, shop_b = f.make_shop(organizer), f.make_shop(organizer)
    user = f.make_staff()
    f.grant(organizer, Level.MANAGE, user=user, shop=shop_a)
    assert effective_level(user, organizer, shop=shop_a) == Level.MANAGE
    assert effective_level(user, organizer, shop=shop_b) is None
    assert effective_level(user, organizer) is None  # not organizer-wide
    assert highest_level_anywhere(user, organizer) == Level.MANAGE


def test_organizer_grant_covers_shops_and_events_and_event_grant_raises_it():
    organizer = f.make_organizer()
    shop = f.make_shop(organizer)
    user = f.make_staff()
    f.grant(organizer, Level.VIEW, user=user)
    f.grant(organizer, Level.MANAGE, user=user, shop=shop, event_id=42)
    assert effective_level(user, organizer, shop=shop) == Level.VIEW
    assert effective_level(user, organizer, shop=shop, event_id=42) == Level.MANAGE
    assert effective_level(user, organizer, shop=shop, event_id=43) == Level.VIEW


def test_grant_of_another_organizer_gives_nothing_here():
    mine, theirs = f.make_organizer(), f.make_organizer()
    user = f.make_staff()
    f.grant(theirs, Level.MANAGE, user=user)
    assert effective_level(user, mine) is None
    other_shop = f.make_shop(theirs)
    assert effective_level(user, mine, shop=other_shop) is None


def test_inactive_account_has_no_level():
    organizer = f.make_organizer()
    user = f.make_staff(is_active=False)
    f.grant(organizer, Level.MANAGE, user=user)
    assert effective_level(user, organizer) is None


def test_levels_are_ordered_view_scan_box_office_manage():
    assert Level.VIEW < Level.SCAN < Level.BOX_OFFICE < Level.MANAGE
