"""Reading PDFs back the way a person and a scanner would: the text with pypdf, each page
rendered to pixels with pypdfium2 and its QR codes decoded with zxing-cpp."""

import io

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import zxingcpp
from pypdf import PdfReader

MM = 72 / 25.4


def flat(text: str) -> str:
    return " ".join(text.split())


def page_texts(pdf: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def page_sizes_mm(pdf: bytes) -> list[tuple[float, float]]:
    return [
        (float(page.mediabox.width) / MM, float(page.mediabox.height) / MM)
        for page in PdfReader(io.BytesIO(pdf)).pages
    ]


def decoded_qr_codes(pdf: bytes, dpi: int = 200) -> list[list[str]]:
    """The QR codes zxing-cpp reads on each page rendered at `dpi`."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [
            [
                barcode.text
                for barcode in zxingcpp.read_barcodes(page.render(scale=dpi / 72).to_pil())
                if barcode.format == zxingcpp.BarcodeFormat.QRCode
            ]
            for page in document
        ]
    finally:
        document.close()


def overlapping(boxes, tolerance=0.3):
    """Pairs of character boxes that overlap by more than tolerance points (a sweep)."""
    boxes = sorted(
        (b[0] + tolerance, b[1] + tolerance, b[2] - tolerance, b[3] - tolerance) for b in boxes
    )
    found, active = [], []
    for box in boxes:
        active = [a for a in active if a[2] > box[0]]
        found += [(a, box) for a in active if a[1] < box[3] and box[1] < a[3]]
        active.append(box)
    return found


def char_boxes(page) -> list[tuple[float, float, float, float]]:
    """(left, bottom, right, top) of every visible character of a pypdfium2 page."""
    text = page.get_textpage()
    boxes = []
    for i in range(text.count_chars()):
        left, bottom, right, top = text.get_charbox(i)
        if right > left:  # spaces and line breaks have no width
            boxes.append((left, bottom, right, top))
    return boxes


def path_bounds(page) -> list[tuple[float, float, float, float]]:
    return [obj.get_bounds() for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH])]


def image_count(page) -> int:
    """Images on a page, looking inside form XObjects too."""
    return sum(
        1 for obj in page.get_objects(max_depth=5) if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE
    )


def embedded_fonts(pdf: bytes) -> set[str]:
    """The base names of the fonts the PDF embeds (a font file in its descriptor)."""
    reader = PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        fonts = resources.get("/Font") or {}
        for font in fonts.values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            candidates = [d.get_object() for d in descendants] if descendants else [font]
            for candidate in candidates:
                descriptor = candidate.get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(font["/BaseFont"]).split("+")[-1])
    return names


def all_font_names(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        names |= {str(f.get_object()["/BaseFont"]).split("+")[-1] for f in fonts.values()}
    return names
