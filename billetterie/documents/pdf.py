"""What every PDF of this package shares: the embedded fonts, text cleaning and fitting, the
QR code drawn as a vector path, and a few drawing helpers.

Fonts: DejaVu Sans (regular, bold) and DejaVu Sans Mono, shipped in `fonts/` with their
licence and embedded (subset) in each PDF, so accents, ß, œ, €, Polish, Czech, Greek or
Cyrillic names print as written on any printer. A character the fonts lack is shown as a
close stand-in (its base letter) or "?", never as an empty box.

Text fitting: every text is fitted to its area: shrunk down to a minimum size, wrapped, and
as a last resort cut with an ellipsis, so nothing is ever drawn off the page or over the
QR code. Fitting is cached, and so is the PDF code of each text within a document: the
event, date, venue and labels of 1,000 tickets are measured and encoded once.
"""

import functools
import unicodedata
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from billetterie.documents.qr import QR, QUIET_MODULES, qr_code, qr_path_operators

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD, MONO = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono"
_FONT_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", MONO: "DejaVuSansMono.ttf"}

INK = (0.07, 0.07, 0.07)
GREY = (0.38, 0.38, 0.38)
RULE = (0.55, 0.55, 0.55)
LIGHT = (0.85, 0.85, 0.85)
LEADING = 1.2  # line height as a multiple of the font size
ELLIPSIS = "\u2026"

# Characters with an obvious stand-in; control and format characters become a space or go.
_STAND_INS = {
    "\u202f": "\u00a0",  # narrow no-break space (French "45 000") -> no-break space
    "\u2007": "\u00a0",
    "\u2060": "",
    "\u00ad": "",
    "\ufeff": "",
}


@functools.cache
def register_fonts() -> None:
    """Register the embedded fonts with reportlab, once per process."""
    for name, file in _FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))


@functools.cache
def _glyphs() -> frozenset[int]:
    """The code points every font used for names has a glyph for."""
    register_fonts()
    regular = pdfmetrics.getFont(REGULAR).face.charToGlyph
    bold = pdfmetrics.getFont(BOLD).face.charToGlyph
    return frozenset(regular) & frozenset(bold)


@functools.lru_cache(maxsize=8192)
def _printable_char(char: str) -> str:
    """The char itself when the fonts can draw it, else a stand-in ("" or "?" at worst)."""
    if char in _STAND_INS:
        return _STAND_INS[char]
    category = unicodedata.category(char)
    if category in ("Cc", "Zl", "Zp"):
        return " "
    if category == "Cf":
        return ""
    if category == "Zs" and char != "\u00a0":
        return " "
    glyphs = _glyphs()
    if ord(char) in glyphs:
        return char
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    if base and all(ord(c) in glyphs for c in base):
        return base
    return "?"


@functools.lru_cache(maxsize=16384)
def clean(text: object) -> str:
    """One line of text the embedded fonts can draw, with single spaces."""
    text = unicodedata.normalize("NFC", str(text or ""))
    if text.isascii() and text.isprintable():
        return " ".join(text.split())
    text = "".join(_printable_char(c) for c in text)
    return " ".join(part for part in text.split(" ") if part)


# --- fitting text into boxes ----------------------------------------------------------------


def _longest_prefix(text: str, font: str, size: float, width: float) -> int:
    """How many leading characters of text fit in width (at least 1, so wrapping ends)."""
    lo, hi = 1, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if stringWidth(text[:mid], font, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap on spaces; a word wider than the line is broken between characters."""
    if stringWidth(text, font, size) <= width:
        return [text] if text else []
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if not word:
            continue
        candidate = f"{current} {word}" if current else word
        if stringWidth(candidate, font, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while stringWidth(word, font, size) > width:
            cut = _longest_prefix(word, font, size, width)
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


def with_ellipsis(line: str, font: str, size: float, width: float) -> str:
    line = line.rstrip()
    while line and stringWidth(line + ELLIPSIS, font, size) > width:
        line = line[:-1].rstrip()
    return line + ELLIPSIS


@dataclass(frozen=True)
class Block:
    """Lines of text at one size, ready to draw."""

    lines: tuple[str, ...]
    font: str
    size: float

    @property
    def leading(self) -> float:
        return self.size * LEADING

    @property
    def height(self) -> float:
        return len(self.lines) * self.leading

    def width(self) -> float:
        return max((stringWidth(line, self.font, self.size) for line in self.lines), default=0)


def fit(
    paragraphs: str | Sequence[str],
    font: str,
    *,
    width: float,
    height: float,
    max_size: float,
    min_size: float,
    max_lines: int = 99,
) -> Block:
    """The largest size (down to min_size) at which the wrapped text fits width x height.

    When even min_size is too big, the lines that fit are kept and the last one ends with
    an ellipsis. Paragraphs must already be `clean`.
    """
    if isinstance(paragraphs, str):
        paragraphs = (paragraphs,)
    return _fit(
        tuple(p for p in paragraphs if p), font, width, height, max_size, min_size, max_lines
    )


@functools.lru_cache(maxsize=4096)
def _fit(paragraphs, font, width, height, max_size, min_size, max_lines) -> Block:
    size = max_size
    while True:
        lines = [line for p in paragraphs for line in _wrap(p, font, size, width)]
        limit = min(max_lines, int(height // (size * LEADING)))
        if len(lines) <= limit or size <= min_size:
            break
        size = max(min_size, size - 0.5)
    limit = max(1, limit)
    if len(lines) > limit:
        lines = lines[:limit]
        lines[-1] = with_ellipsis(lines[-1], font, size, width)
    return Block(tuple(lines), font, size)


# The PDF code of each text drawn, per document: the event, date, venue, labels and prices
# of 1,000 tickets are encoded once and then repeated as they are. (Only within a document:
# the code names the document's font subsets.)
_drawn: weakref.WeakKeyDictionary[Canvas, dict] = weakref.WeakKeyDictionary()


def draw(c: Canvas, block: Block, x: float, top: float, *, align: str = "left", color=INK):
    """Draw block with its top edge at `top`; returns the y just below it. `x` is the left
    edge, the centre (align="center") or the right edge (align="right")."""
    done = _drawn.setdefault(c, {})
    key = (block, x, top, align, color)
    code = done.get(key)
    if code is None:
        text = c.beginText()
        text.setFont(block.font, block.size)
        text.setFillColorRGB(*color)
        baseline = top - block.size
        for line in block.lines:
            if align == "left":
                start = x
            else:
                width = stringWidth(line, block.font, block.size)
                start = x - width / 2 if align == "center" else x - width
            text.setTextOrigin(start, baseline)
            text.textOut(line)
            baseline -= block.leading
        code = done[key] = text.getCode()
    c.addLiteral(code)
    return top - block.height


def fitted_label(label: str, width: float, size: float = 7.5) -> str:
    if stringWidth(label, REGULAR, size) > width:
        return with_ellipsis(label, REGULAR, size, width)
    return label


def draw_label(
    c: Canvas,
    label: str,
    x: float,
    top: float,
    width: float,
    size: float = 7.5,
    color=GREY,
    *,
    align: str = "left",
):
    """One line of small type, cut with an ellipsis to `width`."""
    block = _label_block(label, width, size)
    return draw(c, block, x, top, align=align, color=color)


@functools.lru_cache(maxsize=1024)
def _label_block(label: str, width: float, size: float) -> Block:
    return Block((fitted_label(label, width, size),), REGULAR, size)


def draw_field(
    c: Canvas,
    label: str,
    value: str,
    x: float,
    top: float,
    width: float,
    *,
    max_size: float,
    min_size: float,
    max_lines: int,
    height: float,
    label_size: float = 7.5,
    label_color=GREY,
) -> float:
    """A small grey label over a bold value; returns the y just below the value."""
    draw_label(c, label, x, top, width, label_size, label_color)
    block = fit(
        value or "-",
        BOLD,
        width=width,
        height=height,
        max_size=max_size,
        min_size=min_size,
        max_lines=max_lines,
    )
    return draw(c, block, x, top - label_size * 1.4)


# --- the QR code ------------------------------------------------------------------------------


def draw_qr(c: Canvas, content: str, x: float, top: float, size: float) -> float:
    """Draw the QR code of content as one vector path, its top-left corner at (x, top) and
    `size` points wide (without the quiet zone, which the caller keeps free: 4 modules);
    returns the module size (the quiet zone is QUIET_MODULES of them)."""
    return _draw_symbol(c, qr_code(content), x, top, size)


def draw_qr_in_square(c: Canvas, content: str, x: float, top: float, side: float) -> float:
    """Draw the QR code of content as large as it fits, with its quiet zone, in the square
    of `side` points whose top-left corner is (x, top); returns the module size."""
    qr = qr_code(content)
    module = side / (qr.size + 2 * QUIET_MODULES)
    quiet = QUIET_MODULES * module
    return _draw_symbol(c, qr, x + quiet, top - quiet, qr.size * module)


def _draw_symbol(c: Canvas, qr: QR, x: float, top: float, size: float) -> float:
    module = size / qr.size
    c.setFillColorRGB(0, 0, 0)
    # one `re` per horizontal run of dark modules, in module units from the top-left corner
    c.addLiteral(
        f"q {module:.4f} 0 0 {-module:.4f} {x:.3f} {top:.3f} cm\n{qr_path_operators(qr)}\nQ"
    )
    return module
