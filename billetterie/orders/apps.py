from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "billetterie.orders"
    label = "orders"

    def ready(self):
        from billetterie.catalog.signals import price_copied
        from billetterie.orders.services.registration import price_questions_copy

        price_copied.connect(price_questions_copy, dispatch_uid="orders.price_questions_copy")
