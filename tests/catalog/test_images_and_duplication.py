"""Event images (CAT-6) and duplication (CAT-7)."""

import io
from datetime import datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from billetterie.catalog.models import EventImage, Price
from billetterie.catalog.services import images, options
from billetterie.core.exceptions import InvalidInput, PermissionRefused
from billetterie.inventory import schedule
from billetterie.inventory.models import Quota
from tests import factories
from tests.catalog_factories import ZURICH, make_event_with_date, make_price, make_venue

pytestmark = pytest.mark.django_db


def image_file(size, *, fmt="JPEG", name="photo.jpg", exif_note=False):
    buffer = io.BytesIO()
    picture = Image.new("RGB", size, (200, 30, 40))
    extra = {}
    if exif_note:
        exif = Image.Exif()
        exif[0x010E] = "secret GPS-like metadata"  # ImageDescription
        extra["exif"] = exif
    picture.save(buffer, format=fmt, **extra)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def event(organizer, shop):
    venue, standing, _ = make_venue(organizer)
    event, _date = make_event_with_date(shop, venue)
    make_price(event, standing)
    return event


def test_portrait_must_be_1000_by_1414(event):
    with pytest.raises(InvalidInput) as refused:
        images.image_upload(
            event=event, actor=None, kind="portrait", upload=image_file((1000, 1000))
        )
    assert "1000 x 1414" in str(refused.value.message)
    assert images.missing_portrait(event)
    image = images.image_upload(
        event=event, actor=None, kind="portrait", upload=image_file((1000, 1414))
    )
    assert (image.width, image.height) == (1000, 1414)
    assert not images.missing_portrait(event)


def test_upload_is_reencoded_without_metadata(event):
    image = images.image_upload(
        event=event, actor=None, kind="landscape", upload=image_file((1200, 630), exif_note=True)
    )
    with image.file.open("rb") as handle:
        stored = handle.read()
    assert b"secret GPS-like metadata" not in stored
    assert Image.open(io.BytesIO(stored)).format == "JPEG"


def test_a_new_portrait_replaces_the_old_one(event):
    for _ in range(2):
        images.image_upload(
            event=event, actor=None, kind="portrait", upload=image_file((1000, 1414))
        )
    assert event.images.filter(kind="portrait").count() == 1


def test_not_an_image_is_refused_cleanly(event):
    fake = SimpleUploadedFile(
        "evil.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg"
    )
    with pytest.raises(InvalidInput) as refused:
        images.image_upload(event=event, actor=None, kind="gallery", upload=fake)
    assert "not a readable image" in str(refused.value.message)
    gif = image_file((10, 10), fmt="GIF", name="a.gif")
    with pytest.raises(InvalidInput):
        images.image_upload(event=event, actor=None, kind="gallery", upload=gif)
    assert not event.images.exists()


def test_gallery_holds_at_most_four_and_big_ones_are_shrunk(event):
    for _ in range(4):
        images.image_upload(
            event=event, actor=None, kind="gallery", upload=image_file((3000, 1000))
        )
    assert max(event.images.values_list("width", flat=True)) == 2400
    with pytest.raises(InvalidInput):
        images.image_upload(event=event, actor=None, kind="gallery", upload=image_file((50, 50)))
    assert event.images.filter(kind=EventImage.Kind.GALLERY).count() == 4


def new_starts(days_ahead, count=2):
    first = datetime.combine(
        datetime.now(ZURICH).date() + timedelta(days=days_ahead), time(20), tzinfo=ZURICH
    )
    return [(first + timedelta(days=7 * i), None) for i in range(count)]


def test_duplicate_into_next_season_copies_all_but_dates(event, organizer):
    price = event.prices.get()
    options.option_create(price=price, actor=None, name="Parking", amount=5)
    images.image_upload(event=event, actor=None, kind="portrait", upload=image_file((1000, 1414)))
    next_season = factories.make_shop(organizer, "Saison 2027-2028")
    (copy,) = schedule.event_duplicate(
        event=event,
        actor=None,
        target_shop=next_season,
        name="Concert (reprise)",
        starts=new_starts(400),
    )
    assert copy.shop == next_season and copy.venue_id == event.venue_id
    assert copy.dates.count() == 2
    assert {d.starts_at for d in copy.dates.all()}.isdisjoint(
        {d.starts_at for d in event.dates.all()}
    )
    copied_price = copy.prices.get()
    assert copied_price.name == price.name
    assert copied_price.amounts.get().amount == price.amounts.get().amount
    assert copied_price.options.get().name == "Parking"
    assert copy.images.get().kind == "portrait"
    assert Quota.objects.filter(date__event=copy).count() == 2  # counters for the new dates


def test_recurring_duplicate_makes_one_event_per_date(event):
    copies = schedule.event_duplicate(
        event=event,
        actor=None,
        target_shop=event.shop,
        name="Atelier",
        starts=new_starts(10, count=3),
        one_event_per_date=True,
    )
    assert len(copies) == 3
    assert all(c.dates.count() == 1 for c in copies)
    assert copies[0].name.startswith("Atelier — ")


def test_duplicate_needs_manage_on_the_target_shop_and_same_organizer(event, organizer):
    viewer = factories.make_staff()
    factories.grant(organizer, factories.Level.VIEW, user=viewer)
    target = factories.make_shop(organizer)
    with pytest.raises(PermissionRefused):
        schedule.event_duplicate(
            event=event, actor=viewer, target_shop=target, name="X", starts=new_starts(30)
        )
    _other_org, other_shop, _ = factories.make_tenant()
    with pytest.raises(PermissionRefused):
        schedule.event_duplicate(
            event=event, actor=None, target_shop=other_shop, name="X", starts=new_starts(30)
        )
    assert not other_shop.events.exists()


def test_duplicate_into_a_shop_of_another_currency_is_refused(event, organizer):
    euro_shop = factories.make_shop(organizer, currency="EUR")
    with pytest.raises(InvalidInput):
        schedule.event_duplicate(
            event=event, actor=None, target_shop=euro_shop, name="X", starts=new_starts(30)
        )
    assert Price.objects.filter(event__shop=euro_shop).count() == 0


def test_no_duplicate_into_an_archived_shop(event, organizer):
    archived = factories.make_shop(organizer, "Saison 2020")
    archived.is_archived = True
    archived.save()
    with pytest.raises(InvalidInput):
        schedule.event_duplicate(
            event=event, actor=None, target_shop=archived, name="X", starts=new_starts(30)
        )
    assert not archived.events.exists()
