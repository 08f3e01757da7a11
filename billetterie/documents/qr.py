"""QR code matrices, fast enough for a 1,000-ticket PDF, and their drawing as PDF paths.

segno builds the symbol (data encoding, Reed-Solomon, placement), but its choice of the data
mask (ISO/IEC 18004 7.8.3: apply all 8 masks and keep the one with the lowest penalty) costs
about 80% of its time, cell by cell in Python. Here segno encodes once with mask 0; the
unmasked data is recovered from it, the 8 candidates are scored on the whole matrix packed
in one integer (runs, 2x2 blocks and dark modules by bit operations, finder-like patterns
by string search), and the winner is assembled with its own format information. The scoring follows
segno's exactly, so the symbol is the one `segno.make_qr(content, error="m")` makes, module
for module (tests/documents/test_qr.py checks it against segno on many contents), about
4x faster.

"""

import functools
import re
from dataclasses import dataclass

import segno

__all__ = ["QR", "qr_code", "qr_path_operators"]

QUIET_MODULES = 4  # the quiet zone the standard asks around the symbol, in modules

_DARK_RUN = re.compile(r"1+")
_FINDER_LIKE = "1011101"
_ALL_MASKS = range(8)


@dataclass(frozen=True)
class QR:
    size: int  # modules per side, without the quiet zone
    rows: tuple[str, ...]  # "0"/"1" per module, top row first
    mask: int
    version: int


_MASK_CONDITIONS = (
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i + j) % 2 + (i * j) % 3) % 2 == 0,
)
_ERROR_BITS = {"L": 1, "M": 0, "Q": 3, "H": 2}  # ISO/IEC 18004 Table 12
PAD = 4  # light modules between two lines of the packed matrix (see _Geometry)


@dataclass(frozen=True)
class _Geometry:
    """What depends on the version only, as packed matrices.

    A packed matrix is one int holding every line (row, or column when transposed) as
    "0000" + its modules, plus a final "0000", the first line in the highest bits: one
    int operation then works on the whole symbol, and as a string (`format(x, "0{n}b")`)
    the padding reads as the light area the standard assumes outside the symbol.
    """

    size: int
    stride: int  # bits per line with its padding
    length: int  # bits of a packed matrix
    region: int  # the modules that carry data (and are masked)
    function: int  # finder, timing and alignment patterns (format/version cells cleared)
    function_t: int
    masks: tuple[int, ...]  # each mask's pattern, inside the region
    masks_t: tuple[int, ...]
    pairs: int  # bit k set when modules k and k+1 are in the same line
    vertical: int  # `pairs`, without the first line (for 2x2 blocks)
    format_cells: tuple[tuple[int, int, int], ...]  # (row, column, bit of the format info)

    def bit(self, i: int, j: int) -> int:
        return 1 << (self.length - 1 - (i * self.stride + PAD + j))

    def pack(self, cells) -> int:
        value = 0
        for i, j in cells:
            value |= self.bit(i, j)
        return value

    def lines(self, packed: int) -> list[str]:
        text = format(packed, f"0{self.length}b")
        return [
            text[k + PAD : k + PAD + self.size] for k in range(0, self.length - PAD, self.stride)
        ]

    def from_lines(self, lines) -> int:
        pad = "0" * PAD
        return int(pad + pad.join(lines) + pad, 2)

    def transpose(self, packed: int) -> int:
        return self.from_lines(map("".join, zip(*self.lines(packed), strict=True)))


def _alignment_centres(version: int) -> list[int]:
    """ISO/IEC 18004 Annex E, as a formula (the table's values for versions 2-40)."""
    if version == 1:
        return []
    count = version // 7 + 2
    size = version * 4 + 17
    step = 26 if version == 32 else (version * 4 + count * 2 + 1) // (count * 2 - 2) * 2
    return [6] + [size - 7 - i * step for i in range(count - 2, -1, -1)]


def _format_cells(size: int) -> list[tuple[int, int, int]]:
    """Where each bit of the format information goes (ISO/IEC 18004 7.9.1)."""
    cells = []
    for i in range(8):
        k = i + 1 if i >= 6 else i  # skips the timing line
        cells += [(k, 8, i), (8, k, 14 - i), (8, size - 1 - i, i), (size - 1 - i, 8, 14 - i)]
    return [cell for cell in cells if cell[:2] != (size - 8, 8)]  # the dark module


@functools.lru_cache(maxsize=40)
def _geometry(version: int) -> _Geometry:
    size = version * 4 + 17
    stride = size + PAD
    length = size * stride + PAD
    shell = _Geometry(size, stride, length, 0, 0, 0, (), (), 0, 0, ())
    everything = [(i, j) for i in range(size) for j in range(size)]
    function = set()

    def mark(rows, columns):
        function.update((i, j) for i in rows for j in columns)

    # finder patterns, their separators and the format areas beside them; timing lines
    mark(range(9), range(9))
    mark(range(9), range(size - 8, size))
    mark(range(size - 8, size), range(9))
    mark([6], range(size))
    mark(range(size), [6])
    centres = _alignment_centres(version)
    finders = {(6, 6), (6, size - 7), (size - 7, 6)}
    for ci in centres:
        for cj in centres:
            if (ci, cj) not in finders:
                mark(range(ci - 2, ci + 3), range(cj - 2, cj + 3))
    cleared = {cell[:2] for cell in _format_cells(size)} | {(size - 8, 8)}
    if version >= 7:  # version information
        for i in range(6):
            for j in range(size - 11, size - 8):
                cleared |= {(i, j), (j, i)}
        mark(range(6), range(size - 11, size - 8))
        mark(range(size - 11, size - 8), range(6))
    region = shell.pack(cell for cell in everything if cell not in function)
    sample = segno.make_qr("0", version=version, error="l", mask=0, boost_error=False)
    sample_packed = shell.from_lines(
        bytes(row).translate(_BINARY_DIGITS).decode() for row in sample.matrix
    )
    fixed = sample_packed & ~region & ~shell.pack(cleared)
    masks = tuple(
        shell.pack(cell for cell in everything if condition(*cell)) & region
        for condition in _MASK_CONDITIONS
    )
    in_line = (1 << size) - 1
    pairs = sum((in_line >> 1) << (shell.length - (i + 1) * stride) for i in range(size))
    vertical = pairs & ((1 << (shell.length - stride)) - 1)
    return _Geometry(
        size=size,
        stride=stride,
        length=length,
        region=region,
        function=fixed,
        function_t=shell.transpose(fixed),
        masks=masks,
        masks_t=tuple(shell.transpose(mask) for mask in masks),
        pairs=pairs,
        vertical=vertical,
        format_cells=tuple(_format_cells(size)),
    )


def _format_info(error: str, mask: int) -> int:
    """The 15-bit BCH-coded format information of an error level ("L"... "H") and mask."""
    data = (_ERROR_BITS[error] << 3) | mask
    remainder = data << 10
    for shift in range(4, -1, -1):
        if remainder & (1 << (shift + 10)):
            remainder ^= 0x537 << shift
    return ((data << 10) | remainder) ^ 0x5412


@functools.lru_cache(maxsize=256)
def _format_change(version: int, error: str, mask: int) -> int:
    """The modules to flip to turn mask 0's format information into `mask`'s."""
    geometry = _geometry(version)
    changed = _format_info(error, 0) ^ _format_info(error, mask)
    return geometry.pack((i, j) for i, j, bit in geometry.format_cells if changed >> bit & 1)


def _runs_penalty(packed: int, pairs: int) -> int:
    """N1: a run of n >= 5 same-coloured modules in a line costs n - 2."""
    same = ~(packed ^ (packed >> 1)) & pairs  # bit k: modules k and k+1 alike
    fives = same & (same >> 1) & (same >> 2) & (same >> 3)  # 5 alike from here
    return fives.bit_count() + 2 * (fives & ~(fives >> 1)).bit_count()


def _finder_like_penalty(text: str) -> int:
    """N3 of every line of a packed matrix as a string, counted the way segno counts it
    line by line: a 1:1:3:1:1 pattern with 4 light modules (or the edge: the padding)
    before or after it costs 40."""
    count = 0
    index = text.find(_FINDER_LIKE)
    while index != -1:
        offset = index + 7
        if "1" not in text[index - 4 : index] or "1" not in text[offset : offset + 4]:
            count += 40
        else:
            offset = index + 4
        index = text.find(_FINDER_LIKE, offset)
    return count


def _penalty(g: _Geometry, rows: int, columns: int) -> int:
    n1 = _runs_penalty(rows, g.pairs) + _runs_penalty(columns, g.pairs)
    same = ~(rows ^ (rows >> g.stride))  # bit k: alike the module above
    n2 = (same & (same >> 1) & ~(rows ^ (rows >> 1)) & g.vertical).bit_count()
    width = f"0{g.length}b"
    n3 = _finder_like_penalty(format(rows, width)) + _finder_like_penalty(format(columns, width))
    percent = float(rows.bit_count()) / (g.size**2)
    n4 = 10 * int(abs(percent * 100 - 50) / 5)
    return n1 + 3 * n2 + n3 + n4


def qr_code(content: str, *, error: str = "m") -> QR:
    """The QR code of content, with the mask the standard's evaluation chooses."""
    code = segno.make_qr(content, error=error, mask=0)
    g = _geometry(code.version)
    symbol = int(
        b"".join([b"\0\0\0\0" + bytes(row) for row in code.matrix])
        .translate(_BINARY_DIGITS)
        .ljust(g.length, b"0"),
        2,
    )
    data = symbol & g.region ^ g.masks[0]
    data_t = g.transpose(data)
    best, best_score = 0, None
    for mask in _ALL_MASKS:
        rows = g.function | data ^ g.masks[mask]
        columns = g.function_t | data_t ^ g.masks_t[mask]
        score = _penalty(g, rows, columns)
        if best_score is None or score < best_score:
            best, best_score = mask, score
    final = symbol & ~g.region | data ^ g.masks[best]
    if best:
        final ^= _format_change(code.version, code.error, best)
    return QR(g.size, tuple(g.lines(final)), best, code.version)


_BINARY_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def qr_path_operators(qr: QR) -> str:
    """PDF path operators filling the dark modules, one rectangle per horizontal run, in
    module units with the origin at the symbol's top-left corner and y growing downwards
    (the caller sets that coordinate system with a `cm` operator)."""
    stride = qr.size + 1
    text = "0".join(qr.rows)  # the light separator keeps runs inside their row
    parts = [
        f"{start % stride} {start // stride} {end - start} 1 re"
        for start, end in (run.span() for run in _DARK_RUN.finditer(text))
    ]
    parts.append("f")
    return "\n".join(parts)
