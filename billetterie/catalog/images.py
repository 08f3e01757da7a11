"""Checking and re-encoding uploaded event images (CAT-6).

An upload is decoded with Pillow (so a file that only pretends to be an image is refused),
checked against the size and format rules, then re-encoded to a fresh JPEG/PNG: nothing of
the original bytes (metadata, appended payloads) reaches storage.
"""

import io

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from billetterie.core.exceptions import InvalidInput

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
SIZES = {"portrait": (1000, 1414), "landscape": (1200, 630)}
GALLERY_MAX_SIDE = 2400


def reencode(upload, *, kind: str) -> tuple[ContentFile, str, tuple[int, int]]:
    """A clean re-encoded copy of `upload` for an image of `kind`, or InvalidInput."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise InvalidInput(_("The image is larger than 8 MB."))
    data = upload.read()
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput(_("The image is larger than 8 MB."))
    try:
        with Image.open(io.BytesIO(data), formats=sorted(ACCEPTED_FORMATS)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise InvalidInput(_("The image has too many pixels."))
            probe.verify()
        image = Image.open(io.BytesIO(data), formats=sorted(ACCEPTED_FORMATS))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidInput(_("This file is not a readable image (JPEG, PNG or WebP).")) from None
    image = ImageOps.exif_transpose(image)
    if kind in SIZES:
        wanted = SIZES[kind]
        if image.size != wanted:
            message = (
                _(
                    "A portrait image must be exactly %(w)s x %(h)s pixels; this one is "
                    "%(aw)s x %(ah)s."
                )
                if kind == "portrait"
                else _(
                    "A landscape image must be exactly %(w)s x %(h)s pixels; this one is "
                    "%(aw)s x %(ah)s."
                )
            )
            raise InvalidInput(
                message % {"w": wanted[0], "h": wanted[1], "aw": image.width, "ah": image.height}
            )
    elif max(image.size) > GALLERY_MAX_SIDE:
        image.thumbnail((GALLERY_MAX_SIDE, GALLERY_MAX_SIDE))
    has_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
    out = io.BytesIO()
    if has_alpha:
        image.convert("RGBA").save(out, format="PNG", optimize=True)
        extension = "png"
    else:
        image.convert("RGB").save(out, format="JPEG", quality=88, optimize=True, progressive=True)
        extension = "jpg"
    return ContentFile(out.getvalue()), extension, image.size
