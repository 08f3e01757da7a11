from django.apps import AppConfig


class ScannerConfig(AppConfig):
    name = "billetterie.scanner"
    label = "scanner"
