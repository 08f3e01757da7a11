from django.urls import path

from billetterie.shop import order_views, views

app_name = "shop"
urlpatterns = [
    path("", views.portal, name="portal"),
    path("order/<str:secret>/", order_views.order_page, name="order"),
    path("order/<str:secret>/tickets.pdf", order_views.order_tickets_pdf, name="order_tickets"),
    path("<slug:organizer>/<slug:shop>/", views.shop_home, name="home"),
]
