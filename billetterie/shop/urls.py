from django.urls import path

from billetterie.shop import views

app_name = "shop"
urlpatterns = [
    path("", views.portal, name="portal"),
    path("<slug:organizer>/<slug:shop>/", views.shop_home, name="home"),
]
