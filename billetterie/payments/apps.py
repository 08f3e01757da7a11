from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "billetterie.payments"
    label = "payments"
