"""Files buyers upload with the registration form (SHOP-4): checked, then stored privately.

A PDF is accepted when it starts with the %PDF header; an image is decoded with Pillow (so a
file that only pretends to be one is refused) and re-encoded to a fresh JPEG or PNG, like
the event images (catalog/images.py): nothing of the original bytes reaches storage. The
stored name is random: it is never derived from the buyer's file name, and the file is
served only through the order's secret link (shop/order_views.py).
"""

import io
import secrets
from dataclasses import dataclass

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from billetterie.catalog.images import MAX_PIXELS
from billetterie.core.exceptions import InvalidInput

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
IMAGE_FORMATS = ["JPEG", "PNG"]
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
ROOT = "answers"


@dataclass
class CleanFile:
    """An accepted upload, not stored yet: storing waits until the order is placed."""

    content: bytes
    extension: str  # pdf, jpg or png: decided by the content, never by the file name
    name: str  # the buyer's file name, for display only

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.extension]


def clean_upload(upload) -> CleanFile:
    """A PDF or a re-encoded JPEG/PNG of at most 10 MB, or InvalidInput."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise InvalidInput(_("The file is larger than 10 MB."))
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput(_("The file is larger than 10 MB."))
    if not data:
        raise InvalidInput(_("The file is empty."))
    name = display_name(getattr(upload, "name", "") or "")
    if data.startswith(b"%PDF-"):
        return CleanFile(data, "pdf", name)
    content, extension = _reencode_image(data)
    return CleanFile(content, extension, name)


def _reencode_image(data: bytes) -> tuple[bytes, str]:
    refused = InvalidInput(_("Upload a PDF, JPEG or PNG file."))
    try:
        with Image.open(io.BytesIO(data), formats=IMAGE_FORMATS) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise InvalidInput(_("The image has too many pixels."))
            probe.verify()
        image = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise refused from None
    image = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA", "P") or "transparency" in image.info:
        image.convert("RGBA").save(out, format="PNG", optimize=True)
        return out.getvalue(), "png"
    image.convert("RGB").save(out, format="JPEG", quality=90, optimize=True)
    return out.getvalue(), "jpg"


def display_name(name: str) -> str:
    """The buyer's file name, reduced to safe characters (it is only ever shown)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    try:
        return get_valid_filename(base)[:120]
    except SuspiciousFileOperation:  # a name like "", "." or ".."
        return ""


def store(clean: CleanFile, *, organizer_id: int) -> dict:
    """Save the file under a random name; the JSON value an answer keeps of it."""
    token = secrets.token_urlsafe(24)
    path = storages["private"].save(
        f"{ROOT}/{organizer_id}/{token}.{clean.extension}", ContentFile(clean.content)
    )
    return {
        "name": clean.name or f"file.{clean.extension}",
        "path": path,
        "token": token,
        "size": len(clean.content),
        "content_type": clean.content_type,
    }


def delete_stored(paths: list[str]) -> None:
    for path in paths:
        storages["private"].delete(path)
