from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "billetterie.catalog"
    label = "catalog"
