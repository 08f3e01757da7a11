import signal
import threading

from django.core.management.base import BaseCommand

from billetterie.core import worker


class Command(BaseCommand):
    help = "Run the task worker (queued emails, exports, webhooks) and the periodic tasks."

    def handle(self, *args, **options):
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        self.stdout.write("billetterie worker started; Ctrl-C stops it.")
        worker.run_forever(stop)
