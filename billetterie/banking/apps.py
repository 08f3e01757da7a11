from django.apps import AppConfig


class BankingConfig(AppConfig):
    name = "billetterie.banking"
    label = "banking"

    def ready(self) -> None:
        # payments never imports banking: the invoice method registers itself
        from billetterie.banking import provider  # noqa: F401
