from django.urls import path

from billetterie.scanner import views

app_name = "scanner"

urlpatterns = [
    path("", views.scanner_app, name="app"),
]
