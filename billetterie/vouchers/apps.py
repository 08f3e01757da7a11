from django.apps import AppConfig


class VouchersConfig(AppConfig):
    name = "billetterie.vouchers"
    label = "vouchers"
