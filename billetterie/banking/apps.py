from django.apps import AppConfig


class BankingConfig(AppConfig):
    name = "billetterie.banking"
    label = "banking"
