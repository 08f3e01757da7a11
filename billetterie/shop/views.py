"""Public storefront. For now: the portal and each shop's home page."""

from django.shortcuts import get_object_or_404, render

from billetterie.core.models import Organizer, Shop


def portal(request):
    shops = Shop.objects.filter(is_archived=False).select_related("organizer")[:200]
    return render(request, "shop/portal.html", {"shops": shops})


def shop_home(request, organizer, shop):
    organizer = get_object_or_404(Organizer, slug=organizer)
    shop = get_object_or_404(Shop, organizer=organizer, slug=shop, is_archived=False)
    return render(request, "shop/home.html", {"organizer": organizer, "shop": shop})
