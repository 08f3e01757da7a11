from django.apps import AppConfig


class BoxofficeConfig(AppConfig):
    name = "billetterie.boxoffice"
    label = "boxoffice"
