from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "billetterie.shop"
    label = "shop"
