"""Exports of an event's or a date's data (DATA-2): ask for one, follow its progress, and
download the file. MANAGE on the shop, for every page: exports hold every buyer's data.

Small exports are ready when the request returns; large ones run on the "exports" queue
and the export page polls their progress (static/billetterie/exports.js).
"""

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from billetterie.backoffice.access import shop_view
from billetterie.backoffice.feedback import form_error
from billetterie.catalog.models import Event, EventDate
from billetterie.core.exceptions import DomainError
from billetterie.core.models import Level
from billetterie.orders import staff_queries
from billetterie.orders.exports import services as exports
from billetterie.orders.exports.models import Export


class ExportForm(forms.Form):
    event = forms.ModelChoiceField(label=gettext_lazy("Event"), queryset=Event.objects.none())
    date = forms.ModelChoiceField(
        label=gettext_lazy("Date"),
        queryset=EventDate.objects.none(),
        required=False,
        empty_label=gettext_lazy("All dates"),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=Export.Kind.choices,
        widget=forms.RadioSelect,
        initial=Export.Kind.XLSX,
    )

    def __init__(self, *args, shop, **kwargs):
        super().__init__(*args, **kwargs)
        self.shop = shop
        self.fields["event"].queryset = Event.objects.filter(shop=shop).order_by("name", "pk")
        self.fields["date"].queryset = EventDate.objects.filter(event__shop=shop).select_related(
            "event__shop"
        )
        self.fields["date"].label_from_instance = self._date_label

    def _date_label(self, date) -> str:
        local = timezone.localtime(date.starts_at, self.shop.zone_info)
        return f"{date.event.name} — {formats.date_format(local, 'SHORT_DATETIME_FORMAT')}"


def _export_url(request, export) -> str:
    return reverse("backoffice:export", args=[request.organizer.slug, request.shop.slug, export.pk])


@shop_view(Level.MANAGE)
def export_list(request):
    event_id = request.GET.get("event")
    initial = {"event": event_id} if event_id and event_id.isdigit() else {}
    form = ExportForm(shop=request.shop, initial=initial)
    return render(
        request,
        "backoffice/exports.html",
        {
            "shop": request.shop,
            "form": form,
            "exports": staff_queries.exports_of_shop(request.shop),
        },
    )


@require_POST
@shop_view(Level.MANAGE)
def export_create(request):
    form = ExportForm(request.POST, shop=request.shop)
    back = reverse("backoffice:exports", args=[request.organizer.slug, request.shop.slug])
    if not form.is_valid():
        form_error(request, form)
        return redirect(back)
    try:
        export = exports.export_request(
            shop=request.shop,
            actor=request.user,
            event=form.cleaned_data["event"],
            date=form.cleaned_data["date"],
            kind=form.cleaned_data["format"],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(back)
    return redirect(_export_url(request, export))


def _status(request, export) -> dict:
    return {
        "state": export.state,
        "label": str(export.get_state_display()),
        "progress": export.progress,
        "rows": export.rows,
        "ready": export.is_ready,
        "error": export.error,
        "download": reverse(
            "backoffice:export_download",
            args=[request.organizer.slug, request.shop.slug, export.pk],
        )
        if export.is_ready
        else "",
    }


@shop_view(Level.MANAGE)
def export_detail(request, export_id):
    export = staff_queries.export_of_shop(request.shop, export_id)
    return render(
        request,
        "backoffice/export.html",
        {"shop": request.shop, "export": export, "status": _status(request, export)},
    )


@shop_view(Level.MANAGE)
def export_progress(request, export_id):
    export = staff_queries.export_of_shop(request.shop, export_id)
    response = JsonResponse(_status(request, export))
    response["Cache-Control"] = "no-store"
    return response


@shop_view(Level.MANAGE)
def export_download(request, export_id):
    export = staff_queries.export_of_shop(request.shop, export_id)
    if not export.is_ready:
        raise Http404
    try:
        handle = exports.export_open(export)
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=export.file_name,
        content_type=exports.CONTENT_TYPES[export.kind],
    )
    response["Cache-Control"] = "no-store"
    return response
