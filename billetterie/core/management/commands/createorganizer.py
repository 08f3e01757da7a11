import secrets

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from billetterie.core.exceptions import DomainError
from billetterie.core.models import User
from billetterie.core.services.organizers import organizer_create, shop_create
from billetterie.core.services.staff import staff_create


class Command(BaseCommand):
    help = "Create an organizer with a first shop; its admin gets the manage level."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--slug", default="")
        parser.add_argument("--shop", default="", help="name of the first shop")
        parser.add_argument("--currency", default="CHF", choices=["CHF", "EUR"])

    def handle(self, *args, name, admin_email, slug, shop, currency, **options):
        password = None
        try:
            with transaction.atomic():
                admin = User.objects.filter(email__iexact=admin_email.strip()).first()
                if admin is None:
                    password = secrets.token_urlsafe(12)
                    admin = staff_create(email=admin_email, password=password)
                organizer = organizer_create(name=name, slug=slug, owner=admin)
                first = shop_create(
                    organizer=organizer, actor=admin, name=shop or name, currency=currency
                )
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Organizer {organizer.name} ({organizer.slug}) with shop {first.name} created."
            )
        )
        if password:
            self.stdout.write(f"Admin login: {admin.email} / {password}  (change it after login)")
        else:
            self.stdout.write(f"Admin: {admin.email} (existing account)")
