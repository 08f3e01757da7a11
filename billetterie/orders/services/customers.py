"""The organizer's customer records (DATA-1): merging duplicates.

Customers are organizer-wide (one per email), so these services need the level on the
whole organizer: MANAGE merges (and erases, see privacy.py).
"""

from django.db import IntegrityError, transaction
from django.db.models import ForeignKey, OneToOneField
from django.utils.translation import gettext as _

from billetterie.core import audit
from billetterie.core.exceptions import DomainError, InvalidInput
from billetterie.core.models import Level, User
from billetterie.core.permissions import require_level
from billetterie.orders.form_models import DETAIL_FIELDS
from billetterie.orders.models import Customer, Order


class MergeRefused(DomainError):
    code = "merge_refused"
    http_status = 409


def _require_manage(actor: User | None, organizer) -> None:
    if actor is not None:
        require_level(actor, organizer, Level.MANAGE)


def _relinkable():
    """Every foreign key to Customer (orders today; passes and others when they come)."""
    for relation in Customer._meta.related_objects:
        field = relation.field
        if isinstance(field, ForeignKey) and not isinstance(field, OneToOneField):
            yield relation.related_model, field.name


@transaction.atomic
def customers_merge(*, keep: Customer, duplicate: Customer, actor: User | None) -> Customer:
    """Fold `duplicate` into `keep`: its orders (and anything else pointing at it) move to
    `keep`, the details `keep` lacks are taken from it, then it is deleted. The orders keep
    the email they were placed with.

    A duplicate with a buyer account is refused: its owner would lose their login. Merge
    the other way round (keep the record with the account)."""
    if keep.organizer_id != duplicate.organizer_id:
        raise InvalidInput(_("These customers are not of the same organizer."))
    _require_manage(actor, keep.organizer)
    if keep.pk == duplicate.pk:
        raise MergeRefused(_("A customer cannot be merged with itself."))
    # both rows locked, in id order (two merges of the same pair never deadlock)
    rows = Customer.objects.select_for_update().filter(pk__in=[keep.pk, duplicate.pk])
    locked = {row.pk: row for row in rows.order_by("pk")}
    if len(locked) != 2:
        raise MergeRefused(_("One of these customers was deleted meanwhile."))
    keep, duplicate = locked[keep.pk], locked[duplicate.pk]
    if duplicate.password:
        raise MergeRefused(
            _(
                "%(email)s has a buyer account: it would lose its login. Open that customer "
                "and merge the other one into it instead."
            )
            % {"email": duplicate.email}
        )
    moved = Order.objects.filter(customer=duplicate).count()
    for model, field in _relinkable():
        try:
            with transaction.atomic():
                model.objects.filter(**{field: duplicate}).update(**{field: keep})
        except IntegrityError:
            raise MergeRefused(
                _("Both customers hold something that can exist only once per customer.")
            ) from None
    filled = {}
    for key in ("first_name", "last_name", *DETAIL_FIELDS):
        if getattr(keep, key) in ("", None) and getattr(duplicate, key) not in ("", None):
            filled[key] = getattr(duplicate, key)
    if filled:
        Customer.objects.filter(pk=keep.pk).update(**filled)
        keep.refresh_from_db()
    audit.record(
        organizer=keep.organizer,
        actor=actor,
        action="customer.merged",
        target=keep,
        changes={"merged": [duplicate.email, None], "orders_moved": [None, moved]},
    )
    duplicate.delete()
    return keep
