from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "billetterie.inventory"
    label = "inventory"
