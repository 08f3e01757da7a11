from django.urls import path

from billetterie.shop import account_delete_views, account_views, cart_views, order_views, views

app_name = "shop"
shop = "<slug:organizer>/<slug:shop>/"
urlpatterns = [
    path("", views.portal, name="portal"),
    # before the shop patterns: "order" could otherwise be read as an organizer's slug
    path("order/<str:secret>/", order_views.order_page, name="order"),
    path("order/<str:secret>/tickets.pdf", order_views.order_tickets_pdf, name="order_tickets"),
    path("order/<str:secret>/invoice.pdf", order_views.order_invoice_pdf, name="order_invoice"),
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
    # buyer accounts (SHOP-5)
    path(f"{shop}account/", account_views.account_page, name="account"),
    path(f"{shop}account/login/", account_views.login_page, name="account_login"),
    path(f"{shop}account/logout/", account_views.logout_view, name="account_logout"),
    path(f"{shop}account/delete/", account_delete_views.account_delete, name="account_delete"),
    path(f"{shop}account/signup/", account_views.signup_page, name="account_signup"),
    path(f"{shop}account/sent/", account_views.sent_page, name="account_sent"),
    path(f"{shop}account/confirm/", account_views.confirm_page, name="account_confirm"),
    path(
        f"{shop}account/confirm/<str:token>/",
        account_views.confirm_link,
        name="account_confirm_link",
    ),
    path(f"{shop}account/password/", account_views.reset_page, name="account_reset"),
    path(
        f"{shop}account/password/new/",
        account_views.new_password_page,
        name="account_new_password",
    ),
    path(
        f"{shop}account/password/<str:token>/",
        account_views.reset_link,
        name="account_reset_link",
    ),
]
