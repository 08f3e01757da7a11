from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "billetterie.inventory"
    label = "inventory"

    def ready(self) -> None:
        # catalog cannot import inventory: tell it how to know a price has been ordered
        from billetterie.catalog.services.options import register_ordered_check
        from billetterie.inventory.models import Hold

        register_ordered_check(lambda price: Hold.objects.filter(price=price).exists())
