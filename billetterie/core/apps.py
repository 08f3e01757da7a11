from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "billetterie.core"
    label = "core"
