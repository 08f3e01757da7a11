"""Login (with optional second factor), logout, password reset, invitations, account security."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billetterie.backoffice import forms
from billetterie.core import totp
from billetterie.core.exceptions import DomainError
from billetterie.core.http import client_ip
from billetterie.core.queries import organizers_of
from billetterie.core.services import invitations, staff
from billetterie.core.services.auth import staff_authenticate

PENDING_TOTP = "billetterie_pending_totp_user"
PENDING_NEXT = "billetterie_pending_next"


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("backoffice:home")


def login_view(request):
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    form = forms.LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = staff_authenticate(
                request=request,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                client_ip=client_ip(request),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if user.has_totp:
                request.session.cycle_key()
                request.session[PENDING_TOTP] = user.pk
                request.session[PENDING_NEXT] = _safe_next(request)
                return redirect("backoffice:login_totp")
            login(request, user)
            return redirect(_safe_next(request))
    return render(
        request, "backoffice/auth/login.html", {"form": form, "next": request.GET.get("next", "")}
    )


def login_totp_view(request):
    user_id = request.session.get(PENDING_TOTP)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        return redirect("backoffice:login")
    form = forms.TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ok = staff.totp_verify(user=user, code=form.cleaned_data["code"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if ok:
                target = request.session.get(PENDING_NEXT) or reverse("backoffice:home")
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return redirect(target)
            form.add_error("code", _("The code is not valid."))
    return render(request, "backoffice/auth/login_totp.html", {"form": form})


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("You are logged out."))
    return redirect("backoffice:login")


def password_reset_view(request):
    form = forms.PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            staff.password_reset_request(
                email=form.cleaned_data["email"], client_ip=client_ip(request)
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return render(
                request,
                "backoffice/auth/password_reset_sent.html",
                {"email": form.cleaned_data["email"]},
            )
    return render(request, "backoffice/auth/password_reset.html", {"form": form})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "backoffice/auth/password_reset_confirm.html"
    success_url = reverse_lazy("backoffice:login")
    post_reset_login = False

    def form_valid(self, form):
        messages.success(self.request, _("Your password was changed. You can log in now."))
        return super().form_valid(form)


def invitation_view(request, token):
    """Accept a team invitation: log in first if the account exists, else create it."""
    try:
        invitation = invitations.invitation_by_token(token)
    except DomainError as error:
        return render(
            request,
            "backoffice/auth/invitation_invalid.html",
            {"message": error.message},
            status=404,
        )
    existing = get_user_model().objects.filter(email__iexact=invitation.email).first()
    form = None if existing else forms.AcceptInvitationForm(request.POST or None)
    if request.method == "POST":
        try:
            if existing is not None:
                if request.user != existing:
                    return redirect(f"{reverse('backoffice:login')}?next={request.path}")
                user = invitations.invitation_accept(token=token, user=existing)
            elif form.is_valid():
                user = invitations.invitation_accept(
                    token=token,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password"],
                    language=request.LANGUAGE_CODE,
                )
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                user = None
        except DomainError as error:
            (
                form.add_error(None, error.message)
                if form is not None
                else messages.error(request, error.message)
            )
            user = None
        if user is not None:
            messages.success(request, _("Welcome to %(org)s.") % {"org": invitation.organizer})
            if organizers_of(user).filter(pk=invitation.organizer.pk).exists():
                return redirect("backoffice:organizer", invitation.organizer.slug)
            # the team has no access yet: the home page says so instead of a 404
            return redirect("backoffice:home")
    return render(
        request,
        "backoffice/auth/invitation.html",
        {
            "invitation": invitation,
            "form": form,
            "existing": existing,
            "logged_in_as_invitee": existing is not None and request.user == existing,
        },
    )


def account_security_view(request):
    """Turn the TOTP second factor on (scan a QR, confirm a code) or off (with password)."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('backoffice:login')}?next={request.path}")
    user = request.user
    if user.has_totp:
        form = forms.TotpDisableForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                staff.totp_disable(user=user, password=form.cleaned_data["password"])
            except DomainError as error:
                form.add_error("password", error.message)
            else:
                messages.success(request, _("Two-factor authentication is off."))
                return redirect("backoffice:account_security")
        return render(request, "backoffice/auth/security.html", {"form": form, "enabled": True})
    secret = request.session.get("totp_setup_secret") or totp.new_secret()
    request.session["totp_setup_secret"] = secret
    form = forms.TotpSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            staff.totp_enable(user=user, secret=secret, code=form.cleaned_data["code"])
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            request.session.pop("totp_setup_secret", None)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect("backoffice:account_security")
    uri = totp.provisioning_uri(secret, user.email)
    return render(
        request,
        "backoffice/auth/security.html",
        {
            "form": form,
            "enabled": False,
            "secret": secret,
            "qr_svg": totp.qr_svg(uri),
        },
    )
