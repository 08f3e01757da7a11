"""Inviting staff by email to join a team of the organizer."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from billetterie.core import audit
from billetterie.core.exceptions import InvalidInput, NotFound
from billetterie.core.models import Level, StaffInvitation, Team, User
from billetterie.core.permissions import require_level
from billetterie.core.services.staff import check_password_strength, normalize_email
from billetterie.core.services.teams import team_member_add
from billetterie.notifications.services import email_template_queue

INVITATION_VALIDITY = timedelta(days=7)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def staff_invite(*, team: Team, actor: User, email: str, language: str = "") -> StaffInvitation:
    """Create an invitation and email its link; the token is shown to nobody else."""
    organizer = team.organizer
    require_level(actor, organizer, Level.MANAGE)
    email = normalize_email(email)
    if team.members.filter(email__iexact=email).exists():
        raise InvalidInput(_("%(email)s is already a member of this team.") % {"email": email})
    token = secrets.token_urlsafe(32)
    invitation = StaffInvitation.objects.create(
        organizer=organizer,
        team=team,
        email=email,
        token_hash=_hash(token),
        invited_by=actor,
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    existing = User.objects.filter(email__iexact=email).first()
    link = settings.BASE_URL + reverse("backoffice:invitation", kwargs={"token": token})
    email_template_queue(
        to=email,
        template="staff_invitation",
        context={
            "organizer": organizer,
            "team": team,
            "inviter": actor,
            "link": link,
            "has_account": existing is not None,
            "days": INVITATION_VALIDITY.days,
        },
        language=(existing.language if existing else language or actor.language),
        organizer_id=organizer.pk,
        reply_to=[actor.email],
    )
    audit.record(
        organizer=organizer,
        actor=actor,
        action="staff.invited",
        target=invitation,
        changes={"email": email, "team": team.name},
    )
    return invitation


def invitation_by_token(token: str) -> StaffInvitation:
    invitation = (
        StaffInvitation.objects.select_related("organizer", "team")
        .filter(token_hash=_hash(token or ""))
        .first()
    )
    if invitation is None or not invitation.is_open:
        raise NotFound(_("This invitation is no longer valid. Ask for a new one."))
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    user: User | None = None,
    full_name: str = "",
    password: str = "",
    language: str = "fr",
) -> User:
    """Join the team: as the logged-in `user`, or by creating the account now."""
    invitation = invitation_by_token(token)
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvalidInput(_("An account with this email exists: log in to accept."))
        user = User(email=invitation.email, full_name=full_name.strip(), language=language)
        check_password_strength(password, user)
        user.set_password(password)
        user.save()
    claimed = StaffInvitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(accepted_at=timezone.now(), accepted_by=user)
    if not claimed:
        raise NotFound(_("This invitation is no longer valid. Ask for a new one."))
    team_member_add(team=invitation.team, actor=None, user=user)
    audit.record(
        organizer=invitation.organizer,
        actor=user,
        action="staff.joined",
        target=invitation.team,
        changes={"email": user.email, "invited_as": invitation.email},
    )
    return user


@transaction.atomic
def invitation_revoke(*, invitation: StaffInvitation, actor: User) -> None:
    require_level(actor, invitation.organizer, Level.MANAGE)
    revoked = StaffInvitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if not revoked:
        raise InvalidInput(_("This invitation was already accepted or withdrawn."))
    audit.record(
        organizer=invitation.organizer,
        actor=actor,
        action="staff.invitation_revoked",
        target=invitation,
        changes={"email": invitation.email},
    )
