from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "billetterie.api"
    label = "api"
