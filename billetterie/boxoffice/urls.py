from django.urls import path

from billetterie.boxoffice import views

app_name = "boxoffice"

SHOP = "<slug:organizer>/<slug:shop>/"
ORDER = f"{SHOP}orders/<int:order_id>/"

urlpatterns = [
    path("", views.home, name="home"),
    path(SHOP, views.counter, name="counter"),
    path(f"{SHOP}add/", views.counter_add, name="counter_add"),
    path(f"{SHOP}remove/", views.counter_remove, name="counter_remove"),
    path(f"{SHOP}clear/", views.counter_clear, name="counter_clear"),
    path(f"{SHOP}checkout/", views.counter_checkout, name="counter_checkout"),
    path(f"{SHOP}orders/", views.order_list, name="orders"),
    path(ORDER, views.order_detail, name="order"),
    path(f"{ORDER}pay/", views.order_pay, name="order_pay"),
    path(f"{ORDER}split/", views.order_split, name="order_split"),
    path(f"{ORDER}customer/", views.order_customer, name="order_customer"),
    path(f"{ORDER}email/", views.order_email, name="order_email"),
    path(f"{ORDER}tickets.pdf", views.order_tickets_pdf, name="order_tickets_pdf"),
    path(f"{ORDER}receipt.pdf", views.order_receipt_pdf, name="order_receipt_pdf"),
]
