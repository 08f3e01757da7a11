"""Writing the audit log (ORG-4). Services call `record` inside their transaction, so an
action and its log entry are committed together or not at all."""

from django.db import models

from billetterie.core.models import AuditLogEntry, Organizer, Shop, User


def record(
    *,
    organizer: Organizer,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    shop: Shop | None = None,
    changes: dict | None = None,
) -> AuditLogEntry:
    return AuditLogEntry.objects.create(
        organizer=organizer,
        shop=shop,
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(actor.email if actor is not None and actor.pk else "system"),
        action=action,
        target_type=target._meta.model_name if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:254] if target is not None else "",
        changes=changes or {},
    )


def diff(instance: models.Model, fields: list[str], new_values: dict) -> dict:
    """{field: [old, new]} for the fields whose value changes; JSON-safe."""
    changes = {}
    for field in fields:
        if field not in new_values:
            continue
        old = getattr(instance, field)
        new = new_values[field]
        if old != new:
            changes[field] = [_json_safe(old), _json_safe(new)]
    return changes


def _json_safe(value):
    if value is None or isinstance(value, bool | int | str | list | dict):
        return value
    if isinstance(value, models.Model):
        return str(value)
    return str(value)
