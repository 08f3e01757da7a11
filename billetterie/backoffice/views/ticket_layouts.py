"""The shop's ticket layout and template (PRN-1, PRN-2), and the paper lists of attendees
(SCAN-8).

Choosing the layout, uploading, replacing or deleting the template and previewing need
MANAGE on the shop (checked here and again by the services). The paper list is for the
door: whoever may scan tickets on the shop (SCAN, so box office staff and managers too) may
print it.
"""

import io

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from PIL import Image

from billetterie.backoffice.access import shop_view
from billetterie.backoffice.feedback import form_error
from billetterie.checkin import paper_list
from billetterie.core.exceptions import DomainError
from billetterie.core.models import Level
from billetterie.documents.attendees import render_attendee_list_pdf
from billetterie.documents.layouts import LAYOUTS, e_ticket_layouts
from billetterie.documents.layouts.template import AREAS, area_names, sample_template_png
from billetterie.orders import ticket_layout_queries as queries
from billetterie.orders.services import ticket_layouts as services

THUMBNAIL_WIDTH = 620


class LayoutForm(forms.Form):
    layout = forms.ChoiceField(
        label=gettext_lazy("Layout of the tickets"), widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["layout"].choices = [
            (layout.key, f"{layout.label} — {layout.description}") for layout in e_ticket_layouts()
        ]


class TemplateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=services.MAX_NAME)
    image = forms.FileField(
        label=gettext_lazy("Image"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text=gettext_lazy("PNG or JPEG, exactly 2480 x 1169 pixels, at most 10 MB."),
    )


def _page(request):
    return redirect(
        reverse("backoffice:ticket_layouts", args=[request.organizer.slug, request.shop.slug])
    )


@shop_view(Level.MANAGE)
def ticket_layouts(request):
    shop = request.shop
    current = queries.ticket_layout_of(shop)
    form = LayoutForm(request.POST or None, initial={"layout": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.ticket_layout_set(
                shop=shop, actor=request.user, layout=form.cleaned_data["layout"]
            )
        except DomainError as error:
            form.add_error("layout", error.message)
        else:
            messages.success(request, _("The ticket layout is saved."))
            return _page(request)
    names = area_names()
    return render(
        request,
        "backoffice/ticket_layouts.html",
        {
            "shop": shop,
            "form": form,
            "current": LAYOUTS[current],
            "layouts": LAYOUTS.values(),
            "template": queries.ticket_template_of(shop),
            "template_form": TemplateForm(),
            "areas": [(key, names[key], area) for key, area in AREAS.items()],
        },
    )


@require_POST
@shop_view(Level.MANAGE)
def template_upload(request):
    form = TemplateForm(request.POST, request.FILES)
    if not form.is_valid():
        form_error(request, form)
        return _page(request)
    upload = form.cleaned_data["image"]
    replacing = queries.ticket_template_of(request.shop) is not None
    try:
        template = services.ticket_template_upload(
            shop=request.shop, actor=request.user, name=form.cleaned_data["name"], upload=upload
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if replacing:
            done = _("Template “%(name)s” replaced.") % {"name": template.name}
        else:
            done = _("Template “%(name)s” uploaded.") % {"name": template.name}
        messages.success(request, done)
    return _page(request)


@require_POST
@shop_view(Level.MANAGE)
def template_delete(request):
    try:
        switched = services.ticket_template_delete(shop=request.shop, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The ticket template is deleted."))
        if switched:
            messages.info(request, _("The tickets of this shop are printed on A4 again."))
    return _page(request)


@shop_view(Level.MANAGE)
def template_image(request):
    """A small picture of the shop's template (or of the sample one), for the page."""
    background = queries.template_background(request.shop) or sample_template_png()
    with Image.open(io.BytesIO(background)) as image:
        image.draft("RGB", (THUMBNAIL_WIDTH, THUMBNAIL_WIDTH))  # a JPEG decodes at 1/4 size
        image.thumbnail((THUMBNAIL_WIDTH, THUMBNAIL_WIDTH))
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=85)
    response = HttpResponse(out.getvalue(), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-cache"
    return response


@shop_view(Level.MANAGE)
def layout_preview(request):
    """Two sample tickets in a layout (?layout=key, by default the shop's), as a PDF."""
    layout = request.GET.get("layout") or None
    try:
        pdf = services.sample_tickets_pdf(
            shop=request.shop, language=request.LANGUAGE_CODE, layout=layout
        )
    except DomainError as error:
        messages.error(request, error.message)
        return _page(request)
    name = f"sample-tickets-{layout or queries.ticket_layout_of(request.shop)}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@shop_view(Level.MANAGE)
def template_sample(request):
    """The sample template image to lay over a design (PRN-2)."""
    response = HttpResponse(sample_template_png(), content_type="image/png")
    response["Content-Disposition"] = 'attachment; filename="ticket-template-2480x1169.png"'
    return response


# --- paper lists (SCAN-8) ------------------------------------------------------------------


@shop_view(Level.SCAN)
def attendee_lists(request):
    dates = list(paper_list.dates_with_attendees(request.shop))
    today = timezone.localtime(timezone.now(), request.shop.zone_info).date()
    upcoming = [
        d for d in dates if timezone.localtime(d.starts_at, request.shop.zone_info).date() >= today
    ]
    past = [d for d in dates if d not in upcoming]
    past.reverse()
    return render(
        request,
        "backoffice/ticket_layout_attendee_lists.html",
        {"shop": request.shop, "upcoming": upcoming, "past": past},
    )


@shop_view(Level.SCAN)
def attendee_list_pdf(request, date_id):
    date = paper_list.date_of_shop(request.shop, date_id)
    event = date.event
    attendees = paper_list.attendee_list(shop=request.shop, date=date)
    pdf = render_attendee_list_pdf(attendees, language=request.LANGUAGE_CODE)
    local = timezone.localtime(date.starts_at, request.shop.zone_info)
    name = f"attendees-{slugify(event.name)[:40] or event.pk}-{local:%Y%m%d-%H%M}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
