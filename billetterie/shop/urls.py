from django.urls import path

from billetterie.shop import cart_views, order_views, views

app_name = "shop"
shop = "<slug:organizer>/<slug:shop>/"
urlpatterns = [
    path("", views.portal, name="portal"),
    # before the shop patterns: "order" could otherwise be read as an organizer's slug
    path("order/<str:secret>/", order_views.order_page, name="order"),
    path("order/<str:secret>/tickets.pdf", order_views.order_tickets_pdf, name="order_tickets"),
    path("order/<str:secret>/files/<str:token>/", order_views.order_file, name="order_file"),
    path(shop, views.shop_home, name="home"),
    path(f"{shop}event/<int:event_id>/", views.event_page, name="event"),
    path(f"{shop}event/<int:event_id>/<int:date_id>/", views.date_page, name="date"),
    path(f"{shop}cart/", cart_views.cart_page, name="cart"),
    path(f"{shop}cart/update/", cart_views.cart_update, name="cart_update"),
    path(f"{shop}cart/remove/", cart_views.cart_remove, name="cart_remove"),
    path(f"{shop}cart/empty/", cart_views.cart_empty, name="cart_empty"),
    path(f"{shop}cart/promo/", cart_views.cart_promo, name="cart_promo"),
    path(f"{shop}checkout/", cart_views.checkout, name="checkout"),
]
