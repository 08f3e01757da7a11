from django.urls import path

from billetterie.payments import testcard_views

app_name = "payments"
urlpatterns = [
    path("test-card/<str:secret>/", testcard_views.card_page, name="testcard"),
    path("test-card/<str:secret>/3ds/", testcard_views.challenge_page, name="testcard_3ds"),
]
