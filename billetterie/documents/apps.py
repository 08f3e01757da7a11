from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "billetterie.documents"
    label = "documents"
