"""The fast QR builder makes, module for module, the symbol segno makes with its own mask
evaluation, for contents of every length a ticket may carry (versions 1 to 12, all eight
masks), and the PDF path draws exactly its dark modules."""

import random
import string

import pytest
import segno
import zxingcpp
from PIL import Image, ImageDraw

from billetterie.documents.qr import QUIET_MODULES, qr_code, qr_path_operators

ALPHABET = string.ascii_letters + string.digits + "-_.:/+=é"


def contents(seed: int, count: int) -> list[str]:
    rnd = random.Random(seed)
    lengths = [1, 7, 16, 24, 32, 43, 60, 90, 120, 180, 250, 300]
    return ["".join(rnd.choice(ALPHABET) for _ in range(rnd.choice(lengths))) for _ in range(count)]


def segno_rows(content: str) -> tuple[tuple[str, ...], int, int]:
    code = segno.make_qr(content, error="m")
    return tuple("".join(map(str, row)) for row in code.matrix), code.mask, code.version


def test_same_symbol_as_segno_on_many_contents():
    seen_masks, seen_versions = set(), set()
    for content in contents(seed=2026, count=160):
        qr = qr_code(content)
        rows, mask, version = segno_rows(content)
        assert (qr.rows, qr.mask, qr.version) == (rows, mask, version), content
        seen_masks.add(mask)
        seen_versions.add(version)
    assert seen_masks == set(range(8)), "every mask's format information is exercised"
    assert {1, 2, 7} <= seen_versions, "small codes and codes with version information"


@pytest.mark.parametrize("length", [10, 24, 100, 120, 380, 900, 1600, 2300])
def test_same_symbol_as_segno_for_far_larger_codes(length):
    """The geometry (alignment patterns, version information) of codes up to version 40."""
    content = "".join(random.Random(length).choice(string.ascii_letters) for _ in range(length))
    qr = qr_code(content)
    rows, mask, version = segno_rows(content)
    assert (qr.rows, qr.mask, qr.version) == (rows, mask, version)
    if length == 2300:
        assert version > 30


def test_the_path_fills_exactly_the_dark_modules_and_reads_back():
    content = "tk-Hy4cD6fG8jK0lZ2xC4vB6nM8"
    qr = qr_code(content)
    scale = 8
    side = (qr.size + 2 * QUIET_MODULES) * scale
    image = Image.new("L", (side, side), 255)
    pen = ImageDraw.Draw(image)
    filled = set()
    operators = qr_path_operators(qr).splitlines()
    assert operators[-1] == "f"
    for operator in operators[:-1]:
        x, y, width, height, name = operator.split()
        assert (name, height) == ("re", "1")
        x, y, width = int(x), int(y), int(width)
        filled |= {(y, column) for column in range(x, x + width)}
        left, top = (x + QUIET_MODULES) * scale, (y + QUIET_MODULES) * scale
        pen.rectangle((left, top, left + width * scale - 1, top + scale - 1), fill=0)
    dark = {(r, c) for r, row in enumerate(qr.rows) for c, bit in enumerate(row) if bit == "1"}
    assert filled == dark
    assert [b.text for b in zxingcpp.read_barcodes(image)] == [content]
