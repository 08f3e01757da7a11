from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "billetterie.payments"
    label = "payments"

    def ready(self):
        # Providers that read their shop's settings (payments.services) register here rather
        # than from services' own import line, which would make an import cycle.
        from billetterie.payments.providers import paypal  # noqa: F401
