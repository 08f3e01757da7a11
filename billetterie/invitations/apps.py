from django.apps import AppConfig


class InvitationsConfig(AppConfig):
    name = "billetterie.invitations"
    label = "invitations"
