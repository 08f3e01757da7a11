"""Writing a Sheet as XLSX with openpyxl's write-only mode (constant memory), every text
protected against formula injection (DATA-2).

A buyer can type anything in a form: a text starting with = + - @ (or a tab or carriage
return) would run as a formula when the spreadsheet is opened, or after it is saved again
as CSV (`=HYPERLINK("http://evil", "click")`, `=cmd|...`). Such a text is written as a
string cell and prefixed with an apostrophe, as OWASP recommends, so it shows as typed and
never runs. Numbers, amounts and dates stay typed (they come from our columns, not from
free text).
"""

from collections.abc import Callable
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from billetterie.orders.exports.data import Sheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32_767  # Excel's limit
PROGRESS_EVERY = 250
SHEET_TITLE_MAX = 31
SHEET_TITLE_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def neutralize(text: str) -> str:
    """The text as a cell may hold it, never starting like a formula."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    return text[:MAX_CELL_TEXT]


def cell(sheet, value) -> WriteOnlyCell:
    if value is None:
        return WriteOnlyCell(sheet, value=None)
    if isinstance(value, bool):
        return WriteOnlyCell(sheet, value=str(value))
    if isinstance(value, int | float | Decimal):
        return WriteOnlyCell(sheet, value=value)
    if hasattr(value, "isoformat"):  # date, naive datetime
        written = WriteOnlyCell(sheet, value=value)
        written.number_format = "yyyy-mm-dd hh:mm" if hasattr(value, "hour") else "yyyy-mm-dd"
        return written
    written = WriteOnlyCell(sheet, value=neutralize(str(value)))
    written.data_type = "s"  # a string, whatever it looks like
    return written


def sheet_title(text: str) -> str:
    cleaned = neutralize(text).translate(SHEET_TITLE_FORBIDDEN).strip(" '")
    return cleaned[:SHEET_TITLE_MAX] or "Export"


def write_xlsx(data: Sheet, target, progress: Callable[[int, int], None] | None = None) -> int:
    """Write `data` to `target` (a path or a binary file); returns the rows written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(data.title))
    for index, column in enumerate(data.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in data.columns:
        written = cell(sheet, column.label)
        written.font = bold
        header.append(written)
    sheet.append(header)
    count = 0
    for row in data.rows:
        sheet.append([cell(sheet, value) for value in row])
        count += 1
        if progress and count % PROGRESS_EVERY == 0:
            progress(count, data.total)
    workbook.save(target)
    return count
