from django.apps import AppConfig


class PassesConfig(AppConfig):
    name = "billetterie.passes"
    label = "passes"
