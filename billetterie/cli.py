"""The `billetterie` command.

    billetterie serve [--host H] [--port P] [--workers N] [--dev]
    billetterie worker
    billetterie demo
    billetterie createorganizer NAME --admin-email EMAIL
    billetterie createstaff EMAIL [--name NAME]
    billetterie manage <any Django management command>

Every sub-command except `serve` and `manage` is a Django management command of the same
name, so `billetterie manage demo` works as well.
"""

import os
import sys

SERVE_HELP = """usage: billetterie serve [--host 127.0.0.1] [--port 8000] [--workers N] [--dev]

Migrates the database, then serves the web app with granian and runs the task worker in
this process. --dev turns DEBUG on, loads the demo data once and prints the demo login."""


def _setup_django(dev: bool = False) -> None:
    if dev:
        os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "billetterie.settings")
    import django

    django.setup()


def _option(args: list[str], name: str, default: str) -> str:
    if name in args:
        index = args.index(name)
        if index + 1 >= len(args):
            raise SystemExit(f"{name} needs a value")
        return args[index + 1]
    return default


def serve(args: list[str]) -> int:
    if "-h" in args or "--help" in args:
        print(SERVE_HELP)
        return 0
    dev = "--dev" in args
    host = _option(args, "--host", os.environ.get("HOST", "127.0.0.1"))
    port = int(_option(args, "--port", os.environ.get("PORT", "8000")))
    workers = int(_option(args, "--workers", os.environ.get("WEB_CONCURRENCY", "1")))
    if dev:
        os.environ.setdefault("BILLETTERIE_BASE_URL", f"http://{host}:{port}")
    _setup_django(dev)

    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if not settings.DEBUG:
        call_command("collectstatic", interactive=False, verbosity=0)
    if dev:
        call_command("demo", verbosity=1)
    import multiprocessing

    from django.db import connections

    from billetterie.core import worker

    # The web workers must start as fresh interpreters: a forked copy of this process would
    # inherit its open SQLite connection and the task worker's state, and SQLite locks do
    # not survive that ("database is locked" on the first write).
    connections.close_all()
    multiprocessing.set_start_method("spawn", force=True)
    worker.start_in_background()

    from granian.constants import Interfaces
    from granian.server import Server

    base = f"http://{host}:{port}"
    print(f"billetterie is serving on {base}  (back office: {base}/backoffice/)", flush=True)
    Server(
        "billetterie.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=8,
        log_access=dev,
    ).serve()
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "serve":
        return serve(rest)
    _setup_django()
    from django.core.management import execute_from_command_line

    if command == "manage":
        execute_from_command_line(["billetterie manage", *rest])
    else:
        execute_from_command_line(["billetterie", command, *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
