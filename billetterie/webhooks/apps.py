from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "billetterie.webhooks"
    label = "webhooks"

    def ready(self):
        from billetterie.webhooks import receivers, tasks  # noqa: F401  (connect, register)
