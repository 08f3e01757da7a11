from django.urls import path

from billetterie.payments import stripe_views, testcard_views

app_name = "payments"
urlpatterns = [
    path("test-card/<str:secret>/", testcard_views.card_page, name="testcard"),
    path("test-card/<str:secret>/3ds/", testcard_views.challenge_page, name="testcard_3ds"),
    path("stripe/<str:secret>/", stripe_views.go, name="stripe_go"),
    path("stripe/<str:secret>/return/", stripe_views.back, name="stripe_return"),
    path("stripe/<str:secret>/cancel/", stripe_views.cancel, name="stripe_cancel"),
    path("stripe/webhook/<int:shop_id>/", stripe_views.webhook, name="stripe_webhook"),
]
