from django.apps import AppConfig


class CheckinConfig(AppConfig):
    name = "billetterie.checkin"
    label = "checkin"
