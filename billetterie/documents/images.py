"""Checking and re-encoding an uploaded ticket template (PRN-2): bytes in, bytes out (the
service of orders reads the upload and stores the result).

The upload is identified by Pillow among PNG and JPEG only (a GIF, a PDF or a file that
only pretends to be an image is refused), its dimensions are checked from the header before
any pixel is decoded (so a "PNG bomb" of 100,000 x 100,000 pixels costs nothing), then it is
decoded, flattened on white and re-encoded as a fresh JPEG: nothing of the original bytes
(metadata, appended payloads, colour tricks) reaches storage or the tickets.
"""

import io

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from billetterie.core.exceptions import InvalidInput
from billetterie.documents.layouts.template import HEIGHT_PX, WIDTH_PX

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ACCEPTED_FORMATS = ["PNG", "JPEG"]
_UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)


def _wrong_size(width: int, height: int) -> InvalidInput:
    return InvalidInput(
        _(
            "A ticket template must be exactly %(w)s x %(h)s pixels (landscape); this image "
            "is %(aw)s x %(ah)s."
        )
        % {"w": WIDTH_PX, "h": HEIGHT_PX, "aw": width, "ah": height},
        code="template_size",
    )


def too_large() -> InvalidInput:
    return InvalidInput(_("The image is larger than 10 MB."), code="template_too_large")


def template_image_clean(data: bytes) -> bytes:
    """The image bytes as a clean JPEG of 2480 x 1169 pixels, or InvalidInput saying why
    not. The caller reads at most MAX_UPLOAD_BYTES + 1 bytes of the upload."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise too_large()
    not_an_image = InvalidInput(_("This file is not a PNG or JPEG image."), code="template_format")
    try:
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as probe:
            # the header's size, before decoding anything; EXIF may turn it a quarter
            if sorted(probe.size) != sorted((WIDTH_PX, HEIGHT_PX)):
                raise _wrong_size(*probe.size)
            probe.verify()
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        image.load()
    except Image.DecompressionBombError:
        raise InvalidInput(
            _("This image has far too many pixels: a ticket template is exactly %(w)s x %(h)s.")
            % {"w": WIDTH_PX, "h": HEIGHT_PX},
            code="template_size",
        ) from None
    except UnidentifiedImageError:
        raise not_an_image from None
    except _UNREADABLE:
        raise InvalidInput(
            _("This image cannot be read; it may be damaged. Export it again as PNG or JPEG."),
            code="template_unreadable",
        ) from None
    image = ImageOps.exif_transpose(image)
    if image.size != (WIDTH_PX, HEIGHT_PX):
        raise _wrong_size(*image.size)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    else:
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92, optimize=True)
    return out.getvalue()
