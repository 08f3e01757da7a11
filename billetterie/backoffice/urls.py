from django.urls import path

from billetterie.backoffice.views import auth, organizers, team

app_name = "backoffice"

urlpatterns = [
    path("login/", auth.login_view, name="login"),
    path("login/code/", auth.login_totp_view, name="login_totp"),
    path("logout/", auth.logout_view, name="logout"),
    path("password-reset/", auth.password_reset_view, name="password_reset"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("invitation/<str:token>/", auth.invitation_view, name="invitation"),
    path("account/security/", auth.account_security_view, name="account_security"),
    path("", organizers.home, name="home"),
    path("o/<slug:organizer>/", organizers.organizer_dashboard, name="organizer"),
    path("o/<slug:organizer>/shops/", organizers.shop_list, name="shops"),
    path("o/<slug:organizer>/shops/new/", organizers.shop_create, name="shop_create"),
    path("o/<slug:organizer>/s/<slug:shop>/", organizers.shop_dashboard, name="shop"),
    path(
        "o/<slug:organizer>/s/<slug:shop>/settings/", organizers.shop_settings, name="shop_settings"
    ),
    path("o/<slug:organizer>/team/", team.team_page, name="team"),
    path("o/<slug:organizer>/team/new/", team.team_create, name="team_create"),
    path("o/<slug:organizer>/team/<int:team_id>/rename/", team.team_rename, name="team_rename"),
    path("o/<slug:organizer>/team/<int:team_id>/delete/", team.team_delete, name="team_delete"),
    path(
        "o/<slug:organizer>/team/<int:team_id>/members/<int:user_id>/remove/",
        team.member_remove,
        name="member_remove",
    ),
    path("o/<slug:organizer>/team/invite/", team.invite, name="invite"),
    path(
        "o/<slug:organizer>/team/invitations/<int:invitation_id>/revoke/",
        team.invitation_revoke,
        name="invitation_revoke",
    ),
    path("o/<slug:organizer>/team/grants/new/", team.grant_create, name="grant_create"),
    path(
        "o/<slug:organizer>/team/grants/<int:grant_id>/revoke/",
        team.grant_revoke,
        name="grant_revoke",
    ),
    path("o/<slug:organizer>/audit/", team.audit_log, name="audit"),
]
