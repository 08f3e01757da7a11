"""The back-office pages of ticket layouts and paper lists, through HTTP, and the shop's
layout reaching the tickets buyers get (order page download and confirmation email)."""

import io

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from billetterie.core.models import Level
from billetterie.orders import ticket_layout_queries as queries
from billetterie.orders.models import TicketTemplate
from billetterie.orders.services import ticket_layouts as services
from tests import factories as f
from tests.documents.helpers import decoded_qr_codes, page_sizes_mm, page_texts
from tests.documents.sales import make_concert, order

pytestmark = pytest.mark.django_db


def design(size=(2480, 1169), fmt="PNG", name="design.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(out, format=fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


def url(name, shop, *args) -> str:
    return reverse(f"backoffice:{name}", args=[shop.organizer.slug, shop.slug, *args])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture(autouse=True)
def _empty_storage():
    yield
    if default_storage.exists("ticket-templates"):
        for template in TicketTemplate.objects.all():
            default_storage.delete(template.image.name)


def test_the_page_offers_every_layout_with_a_preview_and_the_sample(shop, manager_client):
    page = manager_client.get(url("ticket_layouts", shop))
    assert page.status_code == 200
    text = page.text
    for label in (
        "A4 print-at-home",
        "Thermal ticket with stub (8 x 3.25 in)",
        "Cinema ticket, 80 mm roll",
        "Your ticket template (210 x 99 mm)",
    ):
        assert label in text
    assert 'value="cr80"' not in text  # a card format, not for e-tickets
    assert f"{url('ticket_layout_preview', shop)}?layout=cr80" in text  # but previewable
    assert url("ticket_template_sample", shop) in text
    assert "No template yet." in text
    assert "1880, 60" in text and "540 x 540" in text  # the QR area, in pixels


def test_choosing_a_layout_changes_the_tickets_buyers_download(
    shop, organizer, manager_client, client_for
):
    concert = make_concert(organizer, shop)
    paid = order(shop, concert, "Ana", "Muster", standing=2)
    response = manager_client.post(
        url("ticket_layouts", shop), {"layout": "thermal_cinema"}, follow=True
    )
    assert messages_of(response) == ["The ticket layout is saved."]
    assert queries.ticket_layout_of(shop) == "thermal_cinema"
    pdf = client_for().get(reverse("shop:order_tickets", args=[paid.secret])).content
    assert page_sizes_mm(pdf) == [pytest.approx((80, 130), abs=0.1)] * 2
    secrets = sorted(paid.tickets.values_list("secret", flat=True))
    assert sorted(code for page in decoded_qr_codes(pdf, dpi=300) for code in page) == secrets


def test_the_confirmation_email_attaches_the_tickets_in_the_shops_layout(
    shop, organizer, manager, django_capture_on_commit_callbacks
):
    services.ticket_layout_set(shop=shop, actor=manager, layout="thermal_stub")
    concert = make_concert(organizer, shop)
    with django_capture_on_commit_callbacks(execute=True):
        paid = order(shop, concert, "Zoé", "Garçon", standing=1)
    (message,) = [m for m in mail.outbox if m.to == [paid.email]]
    (attachment,) = [a for a in message.attachments if a[0].endswith(".pdf")]
    pdf = attachment[1]
    assert page_sizes_mm(pdf) == [pytest.approx((203.2, 82.55), abs=0.1)]
    assert "Zoé Garçon" in page_texts(pdf)[0]


def test_a_shop_on_its_template_whose_file_is_gone_still_gets_a4_tickets(
    shop, organizer, manager, client_for
):
    template = services.ticket_template_upload(
        shop=shop, actor=manager, name="Mine", upload=design()
    )
    services.ticket_layout_set(shop=shop, actor=manager, layout="template")
    concert = make_concert(organizer, shop)
    paid = order(shop, concert, "Ana", "Muster")
    pdf = client_for().get(reverse("shop:order_tickets", args=[paid.secret])).content
    assert page_sizes_mm(pdf) == [pytest.approx((210, 99), abs=0.1)]
    default_storage.delete(template.image.name)
    pdf = client_for().get(reverse("shop:order_tickets", args=[paid.secret])).content
    assert page_sizes_mm(pdf) == [pytest.approx((210, 297), abs=0.1)]


def test_choosing_the_template_layout_without_a_template_is_explained(shop, manager_client):
    page = manager_client.post(url("ticket_layouts", shop), {"layout": "template"})
    assert page.status_code == 200
    assert "Upload your ticket template first" in page.text
    assert queries.ticket_layout_of(shop) == "a4"


def test_upload_replace_preview_and_delete_a_template(shop, manager_client):
    response = manager_client.post(
        url("ticket_template_upload", shop), {"name": "Saison 26", "image": design()}, follow=True
    )
    assert messages_of(response) == ["Template “Saison 26” uploaded."]
    assert "Saison 26 · 2480 x 1169" in response.text
    picture = manager_client.get(url("ticket_template_image", shop))
    with Image.open(io.BytesIO(picture.content)) as image:
        assert (picture["Content-Type"], image.width) == ("image/jpeg", 620)
        assert image.getpixel((300, 100)) == pytest.approx((20, 90, 160), abs=8)

    response = manager_client.post(
        url("ticket_template_upload", shop),
        {"name": "Saison 27", "image": design(fmt="JPEG", name="d.jpg")},
        follow=True,
    )
    assert messages_of(response) == ["Template “Saison 27” replaced."]
    assert TicketTemplate.objects.get(shop=shop).name == "Saison 27"

    preview = manager_client.get(url("ticket_layout_preview", shop) + "?layout=template")
    assert preview["Content-Type"] == "application/pdf"
    assert "attachment" in preview["Content-Disposition"]
    assert page_sizes_mm(preview.content) == [pytest.approx((210, 99), abs=0.1)] * 2
    assert "Françoise Müller-Groß" in page_texts(preview.content)[0]
    assert decoded_qr_codes(preview.content) == [[s] for s in services.SAMPLE_SECRETS]

    response = manager_client.post(url("ticket_template_delete", shop), follow=True)
    assert messages_of(response) == ["The ticket template is deleted."]
    assert not TicketTemplate.objects.filter(shop=shop).exists()
    assert "No template yet." in response.text


def test_a_bad_upload_shows_why_and_keeps_nothing(shop, manager_client):
    response = manager_client.post(
        url("ticket_template_upload", shop),
        {"name": "Small", "image": design(size=(1240, 585))},
        follow=True,
    )
    (message,) = messages_of(response)
    assert "must be exactly 2480 x 1169 pixels" in message and "1240 x 585" in message
    response = manager_client.post(
        url("ticket_template_upload", shop), {"name": "", "image": design()}, follow=True
    )
    assert messages_of(response) == ["Name: This field is required."]
    assert not TicketTemplate.objects.exists()


def test_previews_of_each_layout_and_an_unknown_one(shop, manager_client):
    for layout, size in (("cr80", (53.98, 85.6)), ("thermal_stub", (203.2, 82.55))):
        preview = manager_client.get(url("ticket_layout_preview", shop) + f"?layout={layout}")
        assert page_sizes_mm(preview.content) == [pytest.approx(size, abs=0.1)] * 2
    default = manager_client.get(url("ticket_layout_preview", shop))
    assert page_sizes_mm(default.content)[0] == pytest.approx((210, 297), abs=0.1)
    response = manager_client.get(
        url("ticket_layout_preview", shop) + "?layout=poster", follow=True
    )
    assert messages_of(response) == ["Choose one of the ticket layouts offered."]


def test_the_sample_template_downloads_as_a_png(shop, manager_client):
    response = manager_client.get(url("ticket_template_sample", shop))
    assert response["Content-Type"] == "image/png"
    assert "ticket-template-2480x1169.png" in response["Content-Disposition"]
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.size == (2480, 1169)


@pytest.mark.parametrize("level", [Level.VIEW, Level.SCAN, Level.BOX_OFFICE])
def test_below_manage_the_layout_pages_are_refused(tenant, client_for, level):
    organizer, shop, _manager = tenant
    staff = f.make_staff()
    f.grant(organizer, level, user=staff)
    client = client_for(staff)
    for name in ("ticket_layouts", "ticket_layout_preview", "ticket_template_sample"):
        assert client.get(url(name, shop)).status_code == 403
    assert client.post(url("ticket_layouts", shop), {"layout": "thermal_stub"}).status_code == 403
    upload = client.post(url("ticket_template_upload", shop), {"name": "X", "image": design()})
    assert upload.status_code == 403
    assert queries.ticket_layout_of(shop) == "a4" and not TicketTemplate.objects.exists()


def test_menu_entries_by_level(tenant, client_for):
    organizer, shop, manager = tenant
    door = f.make_staff()
    f.grant(organizer, Level.SCAN, user=door, shop=shop)
    labels = {
        who: [str(i["label"]) for i in client_for(who).get(url("shop", shop)).context["menu"]]
        for who in (manager, door)
    }
    assert {"Ticket layout", "Paper lists"} <= set(labels[manager])
    assert "Paper lists" in labels[door] and "Ticket layout" not in labels[door]


# --- paper lists (SCAN-8) --------------------------------------------------------------------


def test_the_door_volunteer_lists_the_dates_and_downloads_a_paper_list(
    tenant, client_for, other_tenant
):
    organizer, shop, _manager = tenant
    concert = make_concert(organizer, shop, name="Gala")
    order(shop, concert, "Jean", "Dupont", standing=2)
    door = f.make_staff()
    f.grant(organizer, Level.SCAN, user=door, shop=shop)
    client = client_for(door)
    page = client.get(url("attendee_lists", shop))
    assert page.status_code == 200
    assert "Gala" in page.text and "2 tickets" in page.text
    pdf_url = url("attendee_list_pdf", shop, concert.date.pk)
    assert pdf_url in page.text
    response = client.get(pdf_url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="attendees-gala-')
    text = page_texts(response.content)[0]
    assert text.count("Dupont, Jean") == 2 and "Page 1 of 1" in text

    # a date of another organizer, through this shop's URL: not found
    other_org, other_shop, _other_manager = other_tenant
    stranger = make_concert(other_org, other_shop)
    foreign = url("attendee_list_pdf", shop, stranger.date.pk)
    assert client.get(foreign).status_code == 404
    # nor one of another shop of the same organizer
    next_season = f.make_shop(organizer, "Next season")
    assert client.get(url("attendee_list_pdf", next_season, concert.date.pk)).status_code == 404


def test_paper_lists_need_scan_on_the_whole_shop(tenant, client_for):
    """A grant on one event is not enough: the lists are a shop's page."""
    organizer, shop, _manager = tenant
    gala = make_concert(organizer, shop, name="Gala")
    door = f.make_staff()
    f.grant(organizer, Level.SCAN, user=door, shop=shop, event_id=gala.event.pk)
    client = client_for(door)
    assert client.get(url("attendee_lists", shop)).status_code == 403
    assert client.get(url("attendee_list_pdf", shop, gala.date.pk)).status_code == 403


def test_view_level_cannot_print_paper_lists(tenant, client_for):
    organizer, shop, _manager = tenant
    concert = make_concert(organizer, shop)
    viewer = f.make_staff()
    f.grant(organizer, Level.VIEW, user=viewer, shop=shop)
    client = client_for(viewer)
    assert client.get(url("attendee_lists", shop)).status_code == 403
    pdf_url = url("attendee_list_pdf", shop, concert.date.pk)
    assert client.get(pdf_url).status_code == 403
