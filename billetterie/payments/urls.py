from django.urls import path

from billetterie.payments import paypal_views, stripe_views, testcard_views

app_name = "payments"
urlpatterns = [
    path("test-card/<str:secret>/", testcard_views.card_page, name="testcard"),
    path("test-card/<str:secret>/3ds/", testcard_views.challenge_page, name="testcard_3ds"),
    path("paypal/webhook/<str:key>/", paypal_views.webhook, name="paypal_webhook"),
    path("paypal/<str:secret>/", paypal_views.go, name="paypal_go"),
    path("paypal/<str:secret>/return/", paypal_views.payment_return, name="paypal_return"),
    path("paypal/<str:secret>/cancel/", paypal_views.payment_cancel, name="paypal_cancel"),
    path("stripe/<str:secret>/", stripe_views.go, name="stripe_go"),
    path("stripe/<str:secret>/return/", stripe_views.back, name="stripe_return"),
    path("stripe/<str:secret>/cancel/", stripe_views.cancel, name="stripe_cancel"),
    path("stripe/webhook/<int:shop_id>/", stripe_views.webhook, name="stripe_webhook"),
]
