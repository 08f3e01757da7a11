import getpass

from django.core.management.base import BaseCommand, CommandError

from billetterie.core.exceptions import DomainError
from billetterie.core.services.staff import staff_create


class Command(BaseCommand):
    help = "Create a staff account (it gets access through grants or team invitations)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="")
        parser.add_argument("--language", default="fr", choices=["fr", "en", "de", "it"])
        parser.add_argument("--password", help="read from the terminal when not given")

    def handle(self, *args, email, name, language, password, **options):
        if not password:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        try:
            user = staff_create(email=email, password=password, full_name=name, language=language)
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(self.style.SUCCESS(f"Staff account {user.email} created."))
