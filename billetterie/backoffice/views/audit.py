"""The audit log page (ORG-4): who changed what, when, newest first."""

from django.core.paginator import Paginator
from django.shortcuts import render

from billetterie.backoffice.access import organizer_view
from billetterie.core.models import Level
from billetterie.core.queries import audit_log_of


@organizer_view(min_level=Level.MANAGE)
def audit_log(request):
    entries = audit_log_of(request.organizer)
    action = request.GET.get("action", "").strip()
    if action:
        entries = entries.filter(action__startswith=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "backoffice/audit.html", {"page": page, "action": action})
