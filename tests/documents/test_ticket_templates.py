"""Organizer ticket templates (PRN-2): the upload is checked and re-encoded, a refusal says
why and stores nothing, a replacement removes the old file once committed, and the sample
template shows the white areas."""

import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from billetterie.core.exceptions import InvalidInput, PermissionRefused
from billetterie.core.models import AuditLogEntry, Level
from billetterie.documents.layouts.template import AREAS, sample_template_png
from billetterie.orders import ticket_layout_queries as queries
from billetterie.orders.models import ShopTicketLayout, TicketTemplate
from billetterie.orders.services import ticket_layouts as services
from tests import factories as f

pytestmark = pytest.mark.django_db


def image_file(
    size=(2480, 1169), fmt="PNG", mode="RGB", color=(200, 30, 60), name="design.png", **save
) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, format=fmt, **save)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


def png_bomb(width=100_000, height=100_000) -> SimpleUploadedFile:
    """A tiny PNG whose header claims 10 gigapixels: decoding it would take ~30 GB."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = zlib.compress(b"\x00" * 1024, 9)  # only the start of the pixel data
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows)
    data += chunk(b"IEND", b"")
    return SimpleUploadedFile("bomb.png", data, content_type="image/png")


def stored_files() -> list[str]:
    root = "ticket-templates"
    found = []

    def walk(path):
        directories, files = default_storage.listdir(path)
        found.extend(f"{path}/{name}" for name in files)
        for directory in directories:
            walk(f"{path}/{directory}")

    if default_storage.exists(root):
        walk(root)
    return found


@pytest.fixture(autouse=True)
def _empty_storage():
    for name in stored_files():
        default_storage.delete(name)


def test_a_png_of_the_right_size_is_stored_as_a_clean_jpeg(shop, manager):
    upload = image_file(mode="RGBA", color=(0, 0, 0, 0))  # transparent: flattened on white
    template = services.ticket_template_upload(
        shop=shop, actor=manager, name="  Saison   2026 ", upload=upload
    )
    assert template.name == "Saison 2026"
    assert (template.width, template.height) == (2480, 1169)
    assert template.uploaded_by == manager
    stored = queries.template_background(shop)
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.format, image.size, image.mode) == ("JPEG", (2480, 1169), "RGB")
        assert image.getpixel((10, 10)) == pytest.approx((255, 255, 255), abs=2)
    assert stored_files() == [template.image.name]
    assert template.image.name.startswith(f"ticket-templates/{shop.organizer_id}/{shop.pk}/")
    assert AuditLogEntry.objects.filter(action="ticket_template.uploaded", shop=shop).exists()


def test_metadata_and_appended_bytes_do_not_reach_storage(shop, manager):
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = "secret camera note"  # ImageDescription
    Image.new("RGB", (2480, 1169), (10, 200, 10)).save(out, format="JPEG", exif=exif)
    payload = out.getvalue() + b"<?php system($_GET['c']); ?>"
    upload = SimpleUploadedFile("design.jpg", payload, content_type="image/jpeg")
    services.ticket_template_upload(shop=shop, actor=manager, name="Green", upload=upload)
    stored = queries.template_background(shop)
    assert b"secret camera note" not in stored
    assert b"<?php" not in stored


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            image_file(size=(2480, 1170)),
            "must be exactly 2480 x 1169 pixels (landscape); this image is 2480 x 1170",
        ),
        (image_file(size=(1169, 2480)), "this image is 1169 x 2480"),
        (image_file(size=(1240, 584), fmt="JPEG"), "this image is 1240 x 584"),
        (image_file(fmt="GIF", mode="P", color=3, name="design.gif"), "not a PNG or JPEG image"),
        (
            SimpleUploadedFile("design.png", b"%PDF-1.7 not an image at all", "image/png"),
            "not a PNG or JPEG image",
        ),
        (png_bomb(), "far too many pixels: a ticket template is exactly 2480 x 1169"),
        (png_bomb(12_000, 12_000), "this image is 12000 x 12000"),
        (
            SimpleUploadedFile(
                "design.png",
                image_file().read()[:5000],  # the header is fine, the pixels are cut off
                "image/png",
            ),
            "cannot be read",
        ),
    ],
    ids=["too-tall", "portrait", "half-jpeg", "gif", "pdf", "bomb", "bomb-12k", "cut"],
)
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_bad_upload_is_refused_with_a_clear_message_and_nothing_is_stored(
    shop, manager, upload, message
):
    with pytest.raises(InvalidInput) as refusal:
        services.ticket_template_upload(shop=shop, actor=manager, name="Mine", upload=upload)
    assert message in str(refusal.value.message)
    assert not TicketTemplate.objects.exists()
    assert stored_files() == []
    assert not AuditLogEntry.objects.filter(action__startswith="ticket_template").exists()


def test_a_file_over_10_mb_is_refused_before_it_is_read(shop, manager):
    upload = SimpleUploadedFile("huge.png", b"\x89PNG" + b"0" * (10 * 1024 * 1024), "image/png")
    with pytest.raises(InvalidInput, match="larger than 10 MB"):
        services.ticket_template_upload(shop=shop, actor=manager, name="Huge", upload=upload)
    assert stored_files() == []


def test_a_bad_replacement_keeps_the_current_template(shop, manager):
    first = services.ticket_template_upload(
        shop=shop, actor=manager, name="First", upload=image_file()
    )
    with pytest.raises(InvalidInput):
        services.ticket_template_upload(
            shop=shop, actor=manager, name="Second", upload=image_file(size=(100, 100))
        )
    assert TicketTemplate.objects.get().name == "First"
    assert stored_files() == [first.image.name]


def test_replacing_removes_the_old_file_once_committed(
    shop, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.ticket_template_upload(
            shop=shop, actor=manager, name="First", upload=image_file()
        )
    old_name = first.image.name
    with django_capture_on_commit_callbacks(execute=True):
        second = services.ticket_template_upload(
            shop=shop, actor=manager, name="Second", upload=image_file(color=(0, 0, 200))
        )
    assert TicketTemplate.objects.get().pk == first.pk  # one template per shop
    assert stored_files() == [second.image.name] != [old_name]
    assert AuditLogEntry.objects.filter(action="ticket_template.replaced").count() == 1


def test_deleting_the_template_in_use_puts_the_shop_back_on_a4(
    shop, manager, django_capture_on_commit_callbacks
):
    services.ticket_template_upload(shop=shop, actor=manager, name="Mine", upload=image_file())
    services.ticket_layout_set(shop=shop, actor=manager, layout="template")
    assert queries.ticket_layout_of(shop) == "template"
    with django_capture_on_commit_callbacks(execute=True):
        switched = services.ticket_template_delete(shop=shop, actor=manager)
    assert switched is True
    assert queries.ticket_layout_of(shop) == "a4"
    assert not TicketTemplate.objects.exists()
    assert stored_files() == []
    with pytest.raises(InvalidInput, match="no ticket template"):
        services.ticket_template_delete(shop=shop, actor=manager)


def test_the_template_layout_needs_a_template_and_cr80_is_not_for_e_tickets(shop, manager):
    with pytest.raises(InvalidInput, match="Upload your ticket template first"):
        services.ticket_layout_set(shop=shop, actor=manager, layout="template")
    for refused in ("cr80", "poster", ""):
        with pytest.raises(InvalidInput, match="Choose one of the ticket layouts"):
            services.ticket_layout_set(shop=shop, actor=manager, layout=refused)
    assert not ShopTicketLayout.objects.exists()
    services.ticket_layout_set(shop=shop, actor=manager, layout="thermal_stub")
    assert queries.ticket_layout_of(shop) == "thermal_stub"
    entry = AuditLogEntry.objects.get(action="ticket_layout.changed")
    assert entry.changes == {"layout": ["a4", "thermal_stub"]}


@pytest.mark.parametrize("level", [Level.VIEW, Level.SCAN, Level.BOX_OFFICE])
def test_only_managers_change_the_layout_or_the_template(tenant, level):
    organizer, shop, _manager = tenant
    staff = f.make_staff()
    f.grant(organizer, level, user=staff)
    with pytest.raises(PermissionRefused):
        services.ticket_layout_set(shop=shop, actor=staff, layout="thermal_stub")
    with pytest.raises(PermissionRefused):
        services.ticket_template_upload(shop=shop, actor=staff, name="X", upload=image_file())
    assert not ShopTicketLayout.objects.exists() and not TicketTemplate.objects.exists()
    assert stored_files() == []


def test_another_organizers_manager_cannot_touch_this_shop(shop, other_tenant):
    _organizer, _shop, stranger = other_tenant
    with pytest.raises(PermissionRefused):
        services.ticket_layout_set(shop=shop, actor=stranger, layout="thermal_cinema")
    with pytest.raises(PermissionRefused):
        services.ticket_template_upload(shop=shop, actor=stranger, name="X", upload=image_file())


def test_sample_template_shows_the_white_areas_in_grey_with_their_names():
    png = sample_template_png()
    with Image.open(io.BytesIO(png)) as image:
        assert (image.format, image.size) == ("PNG", (2480, 1169))
        grey = image.convert("L")
        for area in AREAS.values():
            centre = (area.x + area.width // 2, area.y + area.height - 12)
            assert grey.getpixel(centre) == 225  # light grey inside each area
        assert grey.getpixel((1000, 600)) == 255  # the organizer's part is white
        assert grey.getpixel((5, 5)) == 255
