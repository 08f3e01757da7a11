from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from billetterie import demo


class Command(BaseCommand):
    help = "Create the demo organizer once (later runs only print the demo login)."

    def handle(self, *args, **options):
        organizer, created = demo.load()
        login = demo.credentials()
        shop = organizer.shops.order_by("created_at").first()
        base = settings.BASE_URL
        self.stdout.write("Demo data created." if created else "Demo data already there.")
        if login:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo staff login: {login[0]} / {login[1]}"
                    f"   → {base}{reverse('backoffice:login')}"
                )
            )
        else:
            self.stdout.write(
                f"Demo staff login: {demo.DEMO_EMAIL} (password file missing: "
                "reset it with `billetterie manage changepassword`)"
            )
        if shop is not None:
            self.stdout.write(
                f"Demo shop: {base}{reverse('shop:home', args=[organizer.slug, shop.slug])}"
            )
