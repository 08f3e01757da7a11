from django.core.management.base import BaseCommand

from billetterie.inventory.services import recount


class Command(BaseCommand):
    help = "Recompute every capacity counter from the holds and report drift (exit 1 on drift)."

    def handle(self, *args, **options):
        drifts = recount()
        if not drifts:
            self.stdout.write(self.style.SUCCESS("inventory ok: every counter matches its recount"))
            return
        for drift in drifts:
            self.stdout.write(self.style.ERROR(str(drift)))
        self.stderr.write(f"{len(drifts)} counter(s) drifted")
        raise SystemExit(1)
