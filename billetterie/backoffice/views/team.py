"""Team management: teams, members, invitations and grants (ORG-2)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billetterie.backoffice import forms
from billetterie.backoffice.access import organizer_view
from billetterie.backoffice.feedback import run
from billetterie.core.models import Grant, Level, StaffInvitation, Team
from billetterie.core.queries import (
    get_for_organizer,
    grants_of,
    open_invitations_of,
    staff_of,
    teams_of,
)
from billetterie.core.services import invitations, teams


def _back(request):
    return redirect("backoffice:team", request.organizer.slug)


def _run(request, action, success_message):
    run(request, action, success_message)
    return _back(request)


@organizer_view(min_level=Level.MANAGE)
def team_page(request):
    organizer = request.organizer
    team_list = list(teams_of(organizer))
    staff = list(staff_of(organizer))
    shops = list(organizer.shops.filter(is_archived=False))
    grants = list(grants_of(organizer))
    for team in team_list:
        team.grant_list = [g for g in grants if g.team_id == team.pk]
    return render(
        request,
        "backoffice/team.html",
        {
            "teams": team_list,
            "user_grants": [g for g in grants if g.user_id],
            "invitations": [i for i in open_invitations_of(organizer) if i.is_open],
            "team_form": forms.TeamForm(),
            "invite_form": forms.InviteForm(teams=team_list),
            "grant_form": forms.GrantForm(teams=team_list, staff=staff, shops=shops),
            "levels": Level,
        },
    )


@require_POST
@organizer_view(min_level=Level.MANAGE)
def team_create(request):
    form = forms.TeamForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A team needs a name."))
        return _back(request)
    name = form.cleaned_data["name"]
    return _run(
        request,
        lambda: teams.team_create(organizer=request.organizer, actor=request.user, name=name),
        _("Team “%(name)s” created.") % {"name": name},
    )


@require_POST
@organizer_view(min_level=Level.MANAGE)
def team_rename(request, team_id):
    team = get_for_organizer(Team.objects, request.organizer, pk=team_id)
    form = forms.TeamForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A team needs a name."))
        return _back(request)
    return _run(
        request,
        lambda: teams.team_rename(team=team, actor=request.user, name=form.cleaned_data["name"]),
        _("Team renamed."),
    )


@require_POST
@organizer_view(min_level=Level.MANAGE)
def team_delete(request, team_id):
    team = get_for_organizer(Team.objects, request.organizer, pk=team_id)
    return _run(
        request,
        lambda: teams.team_delete(team=team, actor=request.user),
        _("Team “%(name)s” deleted.") % {"name": team.name},
    )


@require_POST
@organizer_view(min_level=Level.MANAGE)
def member_remove(request, team_id, user_id):
    team = get_for_organizer(Team.objects, request.organizer, pk=team_id)
    member = team.members.filter(pk=user_id).first()
    if member is None:
        messages.error(request, _("This person is not in the team."))
        return _back(request)
    return _run(
        request,
        lambda: teams.team_member_remove(team=team, actor=request.user, user=member),
        _("%(email)s removed from %(team)s.") % {"email": member.email, "team": team},
    )


@require_POST
@organizer_view(min_level=Level.MANAGE)
def invite(request):
    team_list = list(teams_of(request.organizer))
    form = forms.InviteForm(request.POST, teams=team_list)
    if not form.is_valid():
        messages.error(request, _("Give a valid email address and a team."))
        return _back(request)
    team = get_for_organizer(Team.objects, request.organizer, pk=form.cleaned_data["team"])
    email = form.cleaned_data["email"]
    return _run(
        request,
        lambda: invitations.staff_invite(
            team=team, actor=request.user, email=email, language=request.LANGUAGE_CODE
        ),
        _("Invitation sent to %(email)s.") % {"email": email},
    )


@require_POST
@organizer_view(min_level=Level.MANAGE)
def invitation_revoke(request, invitation_id):
    invitation = get_for_organizer(StaffInvitation.objects, request.organizer, pk=invitation_id)
    return _run(
        request,
        lambda: invitations.invitation_revoke(invitation=invitation, actor=request.user),
        _("Invitation withdrawn."),
    )


@require_POST
@organizer_view(min_level=Level.MANAGE)
def grant_create(request):
    organizer = request.organizer
    form = forms.GrantForm(
        request.POST,
        teams=teams_of(organizer),
        staff=staff_of(organizer),
        shops=organizer.shops.filter(is_archived=False),
    )
    if not form.is_valid():
        messages.error(request, _("Choose who, which level and where."))
        return _back(request)
    kind, _sep, holder_id = form.cleaned_data["holder"].partition(":")
    holder = {"team": None, "user": None}
    if kind == "team":
        holder["team"] = get_for_organizer(Team.objects, organizer, pk=holder_id)
    else:
        holder["user"] = staff_of(organizer).get(pk=holder_id)
    scope = form.cleaned_data["scope"]
    shop = None
    if scope.startswith("shop:"):
        shop = get_for_organizer(organizer.shops.all(), organizer, pk=scope.split(":", 1)[1])
    level = form.cleaned_data["level"]
    return _run(
        request,
        lambda: teams.grant_create(
            organizer=organizer, actor=request.user, level=level, shop=shop, **holder
        ),
        _("Access given."),
    )


@require_POST
@organizer_view(min_level=Level.MANAGE)
def grant_revoke(request, grant_id):
    grant = get_for_organizer(Grant.objects, request.organizer, pk=grant_id)
    return _run(
        request, lambda: teams.grant_revoke(grant=grant, actor=request.user), _("Access removed.")
    )
