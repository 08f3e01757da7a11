"""Exports (DATA-2) read back as a person would open them: the XLSX with openpyxl, the PDF
with pypdf, the ZIP and tar.gz archives with the standard library."""

import io
import tarfile
import zipfile
from datetime import datetime, timedelta
from decimal import Decimal

import openpyxl
import pypdf
import pytest
from django.core.files.storage import storages
from django.utils import timezone

from billetterie.core.exceptions import InvalidInput, PermissionRefused
from billetterie.core.models import AuditLogEntry, Level
from billetterie.orders.exports import services as exports
from billetterie.orders.exports.models import Export
from billetterie.orders.exports.xlsx import neutralize
from billetterie.orders.services import order_admin, registration
from tests import factories as f
from tests.orders.sales import PDF, make_concert, pdf_upload, place

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x","y")'


@pytest.fixture
def concert(organizer, shop):
    return make_concert(organizer, shop)


@pytest.fixture
def sold(shop, concert):
    """Three orders: a paid one with a file, answers and a formula; an unpaid one; a
    cancelled one."""
    registration.form_modes_set(shop=shop, actor=None, modes={"city": "optional"})
    doc = registration.form_field_create(
        shop=shop, actor=None, kind="file", labels={"en": "Student card"}
    )
    note = registration.form_field_create(shop=shop, actor=None, kind="text", labels={"en": "Note"})
    guest = registration.form_field_create(
        shop=shop, actor=None, kind="text", labels={"en": "Guest"}, price=concert.full
    )
    paid = place(
        shop,
        concert,
        data=lambda slots: {
            "city": "Genève",
            registration.extra_name(note): HYPERLINK,
            **{registration.question_name(s, guest): f"+Guest {s.number}" for s in slots},
        },
        files={registration.extra_name(doc): pdf_upload("Carte étudiant.pdf")},
        paid=True,
    )
    pending = place(
        shop,
        concert,
        email="ben@other.ch",
        first_name="Ben",
        last_name="Keller",
        quantity=1,
        data=lambda slots: {registration.question_name(s, guest): "Ben himself" for s in slots},
    )
    cancelled = place(
        shop,
        concert,
        email="carla@example.org",
        first_name="Carla",
        last_name="Rossi",
        quantity=1,
        data=lambda slots: {registration.question_name(s, guest): "x" for s in slots},
        paid=True,
    )
    cancelled = order_admin.order_cancel(order=cancelled, actor=None)
    return paid, pending, cancelled


def read_file(export: Export) -> bytes:
    with storages["private"].open(export.path, "rb") as handle:
        return handle.read()


def workbook_rows(content: bytes) -> list[dict]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def test_xlsx_has_one_row_per_ticket_with_answers_and_neutralized_formulas(
    shop, manager, concert, sold
):
    paid, pending, cancelled = sold
    assert paid.state == "paid" and pending.state == "pending" and cancelled.state == "cancelled"
    export = exports.export_request(
        shop=shop, actor=manager, event=concert.event, kind=Export.Kind.XLSX
    )
    assert (export.state, export.progress, export.rows) == ("done", 100, 4)
    assert export.file_name.startswith("concert-") and export.file_name.endswith(".xlsx")
    rows = workbook_rows(read_file(export))
    assert [r["Order"].value for r in rows] == [1, 1, 2, 3]
    first = rows[0]
    assert first["Buyer"].value == "Ana Muster" and first["Email"].value == "ana@example.org"
    assert first["City"].value == "Genève"
    assert first["Order state"].value == "Paid"
    assert first["Amount"].value == 45 and first["Amount"].data_type == "n"
    assert isinstance(first["Date"].value, datetime)
    local = timezone.localtime(concert.date.starts_at, shop.zone_info).replace(tzinfo=None)
    assert first["Date"].value == local
    assert first["Student card"].value == "Carte_étudiant.pdf"
    # formula injection: shown as text, never a formula
    assert first["Note"].data_type == "s"
    assert first["Note"].value == "'" + HYPERLINK
    assert [r["Guest"].value for r in rows] == ["'+Guest 1", "'+Guest 2", "Ben himself", "x"]
    assert rows[2]["Order state"].value == "Waiting for payment"
    assert rows[3]["Ticket state"].value == "Cancelled"
    assert AuditLogEntry.objects.filter(action="export.requested", actor=manager).exists()


def test_neutralize_covers_every_formula_start():
    for start in "=+-@\t\r":
        assert neutralize(f"{start}1+1") == f"'{start}1+1"
    assert neutralize("plain") == "plain"
    assert neutralize("bell\x07") == "bell"


def test_export_of_one_date_only(shop, organizer, concert, sold):
    from billetterie.inventory import schedule

    later = concert.date.starts_at + timedelta(days=7)
    (second,) = schedule.dates_add(event=concert.event, actor=None, starts=[(later, None)])
    export = exports.export_request(
        shop=shop, actor=None, event=concert.event, date=second, kind=Export.Kind.XLSX
    )
    assert export.rows == 0
    assert workbook_rows(read_file(export)) == []


def test_zip_and_tgz_hold_the_spreadsheet_and_the_files(shop, concert, sold):
    paid, _pending, _cancelled = sold
    zipped = exports.export_request(shop=shop, actor=None, event=concert.event, kind="zip")
    with zipfile.ZipFile(io.BytesIO(read_file(zipped))) as archive:
        names = archive.namelist()
        assert names[0] == "export.xlsx"
        (stored,) = [n for n in names if n.startswith("files/")]
        assert stored.startswith(f"files/{paid.code}/") and stored.endswith("-Carte_étudiant.pdf")
        assert archive.read(stored) == PDF
        rows = workbook_rows(archive.read("export.xlsx"))
    assert rows[0]["Student card"].value == stored
    tgz = exports.export_request(shop=shop, actor=None, event=concert.event, kind="tgz")
    assert tgz.file_name.endswith(".tar.gz")
    with tarfile.open(fileobj=io.BytesIO(read_file(tgz)), mode="r:gz") as archive:
        names = archive.getnames()
        assert names[0] == "export.xlsx" and stored in names
        assert archive.extractfile(stored).read() == PDF


def test_a_missing_file_is_said_missing(shop, concert, sold):
    paid, _pending, _cancelled = sold
    storages["private"].delete(paid.answers[0]["value"]["path"])
    zipped = exports.export_request(shop=shop, actor=None, event=concert.event, kind="zip")
    with zipfile.ZipFile(io.BytesIO(read_file(zipped))) as archive:
        assert archive.namelist() == ["export.xlsx"]
        rows = workbook_rows(archive.read("export.xlsx"))
    assert rows[0]["Student card"].value == "Carte_étudiant.pdf (file missing)"


def test_pdf_short_list_lists_valid_tickets_of_paid_orders(shop, concert, sold):
    export = exports.export_request(shop=shop, actor=None, event=concert.event, kind="pdf")
    assert export.rows == 2
    reader = pypdf.PdfReader(io.BytesIO(read_file(export)))
    content = "\n".join(page.extract_text() for page in reader.pages)
    assert "Concert" in content and "2 tickets" in content
    assert "Ana Muster" in content and "Plein tarif" in content
    assert "Ben Keller" not in content  # waiting for a card payment: no ticket yet
    assert "Carla Rossi" not in content  # cancelled


def test_large_exports_run_as_a_task_with_progress(shop, concert, sold, monkeypatch):
    monkeypatch.setattr(exports, "INLINE_TICKETS", 0)
    seen = []
    real = exports._Progress.__call__

    def spy(self, done, total):
        seen.append(done)
        return real(self, done, total)

    monkeypatch.setattr(exports._Progress, "__call__", spy)
    monkeypatch.setattr("billetterie.orders.exports.xlsx.PROGRESS_EVERY", 1)
    export = exports.export_request(shop=shop, actor=None, event=concert.event, kind="xlsx")
    export.refresh_from_db()
    assert export.state == Export.State.DONE and export.progress == 100
    assert seen == [1, 2, 3, 4]
    assert exports.export_run(export.pk) is None  # already built: nothing happens twice


def test_a_failing_export_says_so(shop, concert, sold, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports.xlsx, "write_xlsx", broken)
    export = exports.export_request(shop=shop, actor=None, event=concert.event, kind="xlsx")
    assert export.state == Export.State.FAILED
    assert "could not be built" in export.error and "disk full" not in export.error
    assert export.path == ""


def test_expired_files_are_deleted(shop, concert, sold):
    export = exports.export_request(shop=shop, actor=None, event=concert.event, kind="xlsx")
    path = export.path
    assert exports.exports_purge_expired(now=timezone.now()) == 0
    assert exports.exports_purge_expired(now=export.expires_at + timedelta(seconds=1)) == 1
    export.refresh_from_db()
    assert export.state == Export.State.EXPIRED and not export.is_ready
    assert not storages["private"].exists(path)


def test_export_refusals(shop, organizer, concert, other_tenant):
    clerk = f.make_staff()
    f.grant(organizer, Level.BOX_OFFICE, user=clerk)
    with pytest.raises(PermissionRefused):
        exports.export_request(shop=shop, actor=clerk, event=concert.event, kind="xlsx")
    other_org, other_shop, _m = other_tenant
    theirs = make_concert(other_org, other_shop)
    with pytest.raises(InvalidInput):
        exports.export_request(shop=shop, actor=None, event=theirs.event, kind="xlsx")
    with pytest.raises(InvalidInput):
        exports.export_request(
            shop=shop, actor=None, event=concert.event, date=theirs.date, kind="xlsx"
        )
    with pytest.raises(InvalidInput):
        exports.export_request(shop=shop, actor=None, event=concert.event, kind="csv")
    assert not Export.objects.exists()


def test_amounts_stay_exact(shop, concert, sold):
    export = exports.export_request(shop=shop, actor=None, event=concert.event, kind="xlsx")
    rows = workbook_rows(read_file(export))
    assert Decimal(str(rows[0]["Order total"].value)) == Decimal("90.00")
