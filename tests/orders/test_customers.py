"""Customer records (DATA-1): search, duplicates, merging, through the services and the
staff queries."""

import pytest

from billetterie.core.exceptions import PermissionRefused
from billetterie.core.models import AuditLogEntry, Level
from billetterie.orders import staff_queries
from billetterie.orders.models import Customer, Order
from billetterie.orders.services import customers
from tests import factories as f
from tests.orders.sales import make_concert, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def concert(organizer, shop):
    return make_concert(organizer, shop)


def test_search_customers_by_email_fragment_and_name(organizer, shop, concert):
    place(shop, concert, email="ana@example.org", quantity=1)
    place(shop, concert, email="ben@other.ch", first_name="Ben", last_name="Keller", quantity=1)
    found = staff_queries.customers_of(organizer, "other.ch")
    assert [c.email for c in found] == ["ben@other.ch"]
    assert [c.email for c in staff_queries.customers_of(organizer, "ana muster")] == [
        "ana@example.org"
    ]
    assert len(staff_queries.customers_of(organizer, "")) == 2


def test_possible_duplicates_share_a_name(organizer, shop, concert):
    place(shop, concert, email="ana@example.org", quantity=1)
    place(shop, concert, email="ana.muster@work.ch", quantity=1)
    place(shop, concert, email="ben@other.ch", first_name="Ben", last_name="Keller", quantity=1)
    ana = Customer.objects.get(email="ana@example.org")
    assert [c.email for c in staff_queries.possible_duplicates(ana)] == ["ana.muster@work.ch"]


def test_merge_moves_the_orders_and_fills_blanks(organizer, shop, concert):
    first = place(shop, concert, email="ana@example.org", quantity=1)
    second = place(shop, concert, email="ana.m@work.ch", quantity=1)
    Customer.objects.filter(email="ana.m@work.ch").update(first_name="", last_name="")
    keep = Customer.objects.get(email="ana.m@work.ch")
    duplicate = Customer.objects.get(email="ana@example.org")
    manager = f.make_staff()
    f.grant(organizer, Level.MANAGE, user=manager)
    kept = customers.customers_merge(keep=keep, duplicate=duplicate, actor=manager)
    assert (kept.first_name, kept.last_name) == ("Ana", "Muster")
    assert set(kept.orders.all()) == {first, second}
    assert not Customer.objects.filter(pk=duplicate.pk).exists()
    assert Order.objects.get(pk=first.pk).email == "ana@example.org"  # as placed
    entry = AuditLogEntry.objects.get(action="customer.merged")
    assert entry.changes["merged"] == ["ana@example.org", None]


def test_merge_refusals(organizer, shop, concert, other_tenant):
    place(shop, concert, email="ana@example.org", quantity=1)
    place(shop, concert, email="ben@example.org", quantity=1)
    ana = Customer.objects.get(email="ana@example.org")
    ben = Customer.objects.get(email="ben@example.org")
    with pytest.raises(customers.MergeRefused):
        customers.customers_merge(keep=ana, duplicate=ana, actor=None)
    Customer.objects.filter(pk=ben.pk).update(password="argon2$x")
    ben.refresh_from_db()
    with pytest.raises(customers.MergeRefused) as refusal:
        customers.customers_merge(keep=ana, duplicate=ben, actor=None)
    assert "buyer account" in str(refusal.value.message)
    clerk = f.make_staff()
    f.grant(organizer, Level.BOX_OFFICE, user=clerk)
    with pytest.raises(PermissionRefused):
        customers.customers_merge(keep=ben, duplicate=ana, actor=clerk)
    other_org, other_shop, _m = other_tenant
    place(other_shop, make_concert(other_org, other_shop), email="zoe@example.org", quantity=1)
    stranger = Customer.objects.get(email="zoe@example.org")
    with pytest.raises(Exception) as foreign:
        customers.customers_merge(keep=ana, duplicate=stranger, actor=None)
    assert getattr(foreign.value, "code", "") == "invalid"
    assert Customer.objects.count() == 3
