"""Requesting and running exports (DATA-2).

An export is asked by staff with MANAGE on the shop. A small one (at most INLINE_TICKETS
tickets) is built during the request; a larger one runs as a task on the "exports" queue,
so a slow archive never delays ticket emails, and writes its progress on the Export row,
which the export page polls. The file goes to private storage and is deleted after
EXPORT_LIFETIME by a periodic task.
"""

import logging
import os
import secrets
import tempfile
from datetime import timedelta

from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from billetterie.catalog.models import Event, EventDate
from billetterie.core import audit
from billetterie.core.exceptions import InvalidInput
from billetterie.core.models import Level, Shop, User
from billetterie.core.permissions import require_level
from billetterie.orders.exports import archive, data, pdf, xlsx
from billetterie.orders.exports.models import Export

logger = logging.getLogger(__name__)

INLINE_TICKETS = 500
EXPORT_LIFETIME = timedelta(days=7)
ROOT = "exports"
EXTENSIONS = {
    Export.Kind.PDF: "pdf",
    Export.Kind.XLSX: "xlsx",
    Export.Kind.ZIP: "zip",
    Export.Kind.TGZ: "tar.gz",
}
CONTENT_TYPES = {
    Export.Kind.PDF: "application/pdf",
    Export.Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Export.Kind.ZIP: "application/zip",
    Export.Kind.TGZ: "application/gzip",
}


def _file_name(export: Export) -> str:
    tz = export.shop.zone_info
    stem = slugify(export.event.name)[:60] or "event"
    if export.date_id:
        stem += "-" + timezone.localtime(export.date.starts_at, tz).strftime("%Y-%m-%d-%H%M")
    stamp = timezone.localtime(export.created_at, tz).strftime("%Y%m%d-%H%M")
    return f"{stem}-{stamp}.{EXTENSIONS[export.kind]}"


@transaction.atomic
def _create(*, shop, actor, event, date, kind) -> Export:
    export = Export.objects.create(
        organizer=shop.organizer,
        shop=shop,
        event=event,
        date=date,
        kind=kind,
        requested_by=actor if actor is not None and actor.pk else None,
        language=translation.get_language() or shop.default_language,
    )
    export.file_name = _file_name(export)
    export.save(update_fields=["file_name"])
    audit.record(
        organizer=shop.organizer,
        actor=actor,
        action="export.requested",
        target=export,
        shop=shop,
        changes={"kind": [None, kind], "event": [None, event.name]},
    )
    return export


def export_request(
    *, shop: Shop, actor: User | None, event: Event, kind: str, date: EventDate | None = None
) -> Export:
    """Ask for an export of the event (or one of its dates). Small ones are ready when this
    returns; large ones are queued."""
    if actor is not None:
        require_level(actor, shop.organizer, Level.MANAGE, shop=shop)
    if event.shop_id != shop.pk:
        raise InvalidInput(_("This event is not in this shop."))
    if date is not None and date.event_id != event.pk:
        raise InvalidInput(_("This date is not a date of this event."))
    if kind not in Export.Kind.values:
        raise InvalidInput(_("Choose a format."))
    export = _create(shop=shop, actor=actor, event=event, date=date, kind=kind)
    if data.tickets_of(export).count() <= INLINE_TICKETS:
        export_run(export.pk)
        export.refresh_from_db()
    else:
        from billetterie.orders.exports.tasks import run_export

        run_export.enqueue(export.pk)
    return export


class _Progress:
    """Writes the percentage on the row, only when it moves (one small UPDATE each)."""

    def __init__(self, export_id: int, start: int, end: int):
        self.export_id, self.start, self.end, self.last = export_id, start, end, -1

    def __call__(self, done: int, total: int) -> None:
        share = done / total if total else 1
        percent = min(99, self.start + int(share * (self.end - self.start)))
        if percent != self.last:
            self.last = percent
            Export.objects.filter(pk=self.export_id).update(progress=percent, rows=done)


def _build(export: Export, out) -> int:
    """Write the export's file to `out` (a binary temporary file); returns its rows."""
    if export.kind == Export.Kind.PDF:
        dates = data.short_list(export, _Progress(export.pk, 0, 90))
        out.write(
            pdf.render_short_list(
                dates, title=export.event.name, organizer=export.shop.organizer.name
            )
        )
        return sum(len(d.rows) for d in dates)
    with_files = export.kind in (Export.Kind.ZIP, Export.Kind.TGZ)
    sheet = data.full_sheet(export, with_files=with_files)
    if not with_files:
        return xlsx.write_xlsx(sheet, out, _Progress(export.pk, 0, 95))
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as spreadsheet:
        path = spreadsheet.name
    try:
        rows = xlsx.write_xlsx(sheet, path, _Progress(export.pk, 0, 50))
        writer = archive.write_zip if export.kind == Export.Kind.ZIP else archive.write_tgz
        writer(out, path, sheet.files, _Progress(export.pk, 50, 99))
    finally:
        os.unlink(path)
    return rows


def export_run(export_id: int) -> Export | None:
    """Build a queued export. Idempotent: an export already taken by a worker is left to it."""
    claimed = Export.objects.filter(pk=export_id, state=Export.State.QUEUED).update(
        state=Export.State.RUNNING, progress=0
    )
    if not claimed:
        return None
    export = Export.objects.select_related("shop__organizer", "event", "date").get(pk=export_id)
    storage = storages["private"]
    try:
        with tempfile.TemporaryFile() as out, translation.override(export.language):
            rows = _build(export, out)
            out.seek(0)
            name = f"{ROOT}/{export.organizer_id}/{secrets.token_urlsafe(18)}"
            path = storage.save(f"{name}.{EXTENSIONS[export.kind]}", File(out))
            size = storage.size(path)
    except Exception:  # any failure: the page says so, the log has the details
        logger.exception("export %s failed", export_id)
        Export.objects.filter(pk=export_id, state=Export.State.RUNNING).update(
            state=Export.State.FAILED,
            error=_("The export could not be built. Try again; if it fails again, contact us."),
            finished_at=timezone.now(),
        )
        return Export.objects.get(pk=export_id)
    now = timezone.now()
    # conditional: an export stopped meanwhile (a customer erased, DATA-3) keeps no file
    finished = Export.objects.filter(pk=export_id, state=Export.State.RUNNING).update(
        state=Export.State.DONE,
        progress=100,
        rows=rows,
        path=path,
        size=size,
        finished_at=now,
        expires_at=now + EXPORT_LIFETIME,
    )
    if not finished:
        storage.delete(path)
    return Export.objects.get(pk=export_id)


STALE_AFTER = timedelta(hours=2)


def exports_purge_expired(*, now=None, limit: int = 200) -> int:
    """Delete the files of exports past their expiry; the rows stay (state expired). An
    export still running long after it started belongs to a worker that died: failed."""
    now = now or timezone.now()
    storage = storages["private"]
    Export.objects.filter(state=Export.State.RUNNING, created_at__lte=now - STALE_AFTER).update(
        state=Export.State.FAILED,
        error=_("The export was interrupted. Ask for it again."),
        finished_at=now,
    )
    due = Export.objects.filter(state=Export.State.DONE, expires_at__lte=now).order_by("pk")
    count = 0
    for export in due[:limit]:
        taken = Export.objects.filter(pk=export.pk, state=Export.State.DONE).update(
            state=Export.State.EXPIRED, path=""
        )
        if taken and export.path:
            storage.delete(export.path)
            count += 1
    return count


def export_open(export: Export):
    """The export's file, opened for reading (the caller closes it)."""
    return storages["private"].open(export.path, "rb")
