from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "billetterie.backoffice"
    label = "backoffice"
