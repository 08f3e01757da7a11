"""Check-in redeem throughput through HTTP on PostgreSQL (a benchmark, not a test).

    DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/billetterie_bench_checkin \\
        .venv/bin/python bench/checkin_redeem.py [--seconds 10] [--devices 8] [--workers 2]
        [--signed] [--prepared]

Creates the database if needed, migrates it, sells enough tickets for the run (paid
orders through the order services), logs `--devices` scan devices in with a profile code,
then starts the production server (`billetterie serve`: granian, WSGI, `--workers`
processes, the in-process task worker; its data dir is /tmp/billetterie-bench-checkin
unless BILLETTERIE_DATA_DIR says otherwise) and drives it with one keep-alive HTTP/1.1
connection per device, each redeeming its own distinct tickets back to back
(`POST /api/v1/checkin/redeem` with a bearer token and a nonce). Prints scans per second
and latency percentiles, then checks every scan was admitted once and recorded once.

The load driver is a single asyncio loop on the same machine, so it takes some of the
CPU the server would otherwise get. The CPU time the app server's processes and their
PostgreSQL backends spent in the measured window is read from /proc, so the cost of one
scan is reported even when other work shares the machine. With --prepared the server
runs with PostgreSQL prepared statements allowed (`prepare_threshold` in the database
OPTIONS; Django's default is off), which the check-in's hot reads then use. With --signed
the tickets carry signed codes (the server verifies an Ed25519 signature on every scan).
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres:postgres@127.0.0.1:5432/billetterie_bench_checkin"
TICKETS_PER_ORDER = 100  # the inventory's largest hold


def ensure_database(url: str) -> None:
    if not url.startswith("postgres"):
        raise SystemExit("this benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    import psycopg
    from dj_database_url import parse

    config = parse(url)
    with psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


def setup(*, tickets: int, devices: int, signed: bool):
    """(per-device token, per-device list of codes, date id)."""
    from datetime import datetime
    from datetime import time as dtime
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from billetterie.catalog.services import prices, venues
    from billetterie.catalog.services.events import event_create
    from billetterie.checkin.codes import qr_contents
    from billetterie.checkin.services import devices as device_services
    from billetterie.checkin.services import profiles, signing
    from billetterie.core.services.organizers import organizer_create, shop_create
    from billetterie.inventory import schedule
    from billetterie.orders.models import Order, Ticket
    from billetterie.orders.services import cart as carts
    from billetterie.orders.services import checkout

    stamp = int(time.time() * 1000)
    organizer = organizer_create(name=f"Bench check-in {stamp}")
    shop = shop_create(organizer=organizer, actor=None, name="Bench")
    venue = venues.venue_create(organizer=organizer, actor=None, name="Arena", city="Bern")
    zone = venues.zone_create(venue=venue, actor=None, name="Floor", capacity=10_000_000)
    event = event_create(shop=shop, actor=None, name="Festival", venue=venue)
    tz = ZoneInfo("Europe/Zurich")
    when = datetime.combine(datetime.now(tz).date(), dtime(20), tzinfo=tz)
    (date,) = schedule.dates_add(event=event, actor=None, starts=[(when, None)])
    price = prices.price_create(
        event=event, actor=None, zone=zone, name="Pass", kind="fixed", amounts={"CHF": Decimal(40)}
    )
    if signed:
        signing.signed_codes_set(shop=shop, enabled=True, actor=None)
    print(f"selling {tickets} tickets ...", flush=True)
    for n in range(0, tickets, TICKETS_PER_ORDER):
        cart = carts.cart_for(shop=shop, key=None)
        quantity = min(TICKETS_PER_ORDER, tickets - n)
        carts.cart_add(cart=cart, date=date, zone=zone, price=price, quantity=quantity)
        order = checkout.order_place(
            cart=cart, email=f"buyer{n}@example.org", first_name="Buyer", last_name=str(n)
        )
        # paid without the confirmation email: its PDFs would keep the server's in-process
        # task worker busy during the measurement
        Order.objects.filter(pk=order.pk).update(state=Order.State.PAID, paid_at=timezone.now())
    ids = list(Ticket.objects.filter(date=date).order_by("pk").values_list("pk", flat=True))
    contents = qr_contents(ids)
    codes = [contents[pk] for pk in ids]
    profile = profiles.profile_create(organizer=organizer, actor=None, name="Gates", dates=[date])
    issued = device_services.profile_code_create(profile=profile, actor=None)
    tokens = [
        device_services.device_login_code(
            code=issued.code, client_ip=f"10.1.0.{i}", device_name=f"Gate {i}"
        ).token
        for i in range(devices)
    ]
    per_device = [codes[i::devices] for i in range(devices)]
    return tokens, per_device, date.pk


# --- a minimal keep-alive HTTP/1.1 client (the driver must stay lighter than the server) ---
async def _request(reader, writer, path: str, body: bytes, token: str) -> tuple[int, bytes]:
    writer.write(
        (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "Accept-Language: en\r\n\r\n"
        ).encode()
        + body
    )
    await writer.drain()
    status_line = await reader.readline()
    status = int(status_line.split()[1])
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _sep, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
    return status, await reader.readexactly(length)


async def device_loop(port, token, codes, stop_at, warm_until, latencies, outcomes, index):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for n, code in enumerate(codes):
            now = time.perf_counter()
            if now >= stop_at:
                break
            body = json.dumps({"code": code, "nonce": f"d{index}-{n}"}).encode()
            started = time.perf_counter()
            status, payload = await _request(reader, writer, "/api/v1/checkin/redeem", body, token)
            elapsed = time.perf_counter() - started
            result = json.loads(payload) if status == 200 else {}
            if started >= warm_until:
                latencies.append(elapsed)
                outcomes.append((status, result.get("ok"), result.get("reason")))
        else:
            outcomes.append(("ran out of tickets", None, None))
    finally:
        writer.close()


# --- CPU accounting: what a scan costs, whatever else runs on the machine ---------------------
_TICK = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float:
    """User + system CPU seconds of a process (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _database_backends() -> list[int]:
    """The PostgreSQL backends serving the benchmark's database (the app server's
    connections), this process's own connection excepted."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def cpu_snapshot(server_pid: int) -> dict:
    backends = _database_backends()
    return {
        "server": {pid: _cpu(pid) for pid in _descendants(server_pid)},
        "database": {pid: _cpu(pid) for pid in backends},
        "driver": time.process_time(),
    }


def cpu_used(before: dict, after: dict) -> dict:
    def spent(kind):
        return sum(value - before[kind].get(pid, 0.0) for pid, value in after[kind].items())

    return {
        "server": spent("server"),
        "database": spent("database"),
        "driver": after["driver"] - before["driver"],
    }


async def drive(port, tokens, per_device, seconds, warmup, server_pid):
    latencies: list[float] = []
    outcomes: list[tuple] = []
    start = time.perf_counter()
    warm_until, stop_at = start + warmup, start + warmup + seconds
    loop = asyncio.get_running_loop()
    snapshots = {}

    async def measure():
        await asyncio.sleep(warmup)
        snapshots["before"] = await loop.run_in_executor(None, cpu_snapshot, server_pid)
        await asyncio.sleep(max(stop_at - time.perf_counter(), 0))
        snapshots["after"] = await loop.run_in_executor(None, cpu_snapshot, server_pid)

    await asyncio.gather(
        measure(),
        *[
            device_loop(port, token, codes, stop_at, warm_until, latencies, outcomes, i)
            for i, (token, codes) in enumerate(zip(tokens, per_device, strict=True))
        ],
    )
    return latencies, outcomes, seconds, cpu_used(snapshots["before"], snapshots["after"])


PREPARED_SETTINGS = """\
from billetterie.settings import *  # noqa: F403
from billetterie.settings import DATABASES

DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
"""


def start_server(port: int, workers: int, prepared: bool) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DEBUG", None)
    if prepared:
        # the project's settings plus prepared statements, in a module of the data dir
        settings_dir = Path(os.environ["BILLETTERIE_DATA_DIR"]) / "bench_settings"
        settings_dir.mkdir(parents=True, exist_ok=True)
        (settings_dir / "checkin_bench_settings.py").write_text(PREPARED_SETTINGS)
        env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{settings_dir}"
        env["DJANGO_SETTINGS_MODULE"] = "checkin_bench_settings"
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and entry point
        [
            sys.executable,
            "-m",
            "billetterie.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: {server.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("the server did not start in 120 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--devices", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--tickets", type=int, default=12_000)
    parser.add_argument("--signed", action="store_true")
    parser.add_argument(
        "--prepared",
        action="store_true",
        help="serve with PostgreSQL prepared statements on (OPTIONS prepare_threshold)",
    )
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    # the server and this script share the data dir, hence SECRET_KEY (signing keys are
    # encrypted with it); nothing is written into the working tree
    os.environ.setdefault(
        "BILLETTERIE_DATA_DIR", str(Path(tempfile.gettempdir()) / "billetterie-bench-checkin")
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "billetterie.settings")
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0, interactive=False)
    tokens, per_device, date_id = setup(
        tickets=args.tickets, devices=args.devices, signed=args.signed
    )
    connections.close_all()
    server = start_server(args.port, args.workers, args.prepared)
    try:
        latencies, outcomes, seconds, cpu = asyncio.run(
            drive(args.port, tokens, per_device, args.seconds, args.warmup, server.pid)
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    from billetterie.checkin.models import Checkin

    flat = sorted(latencies)
    admitted = sum(1 for status, ok, _reason in outcomes if status == 200 and ok)
    problems = [o for o in outcomes if o[0] != 200 or not o[1]]
    kind = "signed codes" if args.signed else "secrets"
    kind += ", prepared statements" if args.prepared else ", no prepared statements"
    print(
        f"redeem over HTTP — PostgreSQL, granian {args.workers} worker(s), "
        f"{args.devices} devices, {kind}, {args.seconds:.0f} s after {args.warmup:.0f} s warm-up"
    )
    print(f"{'scans/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'scans':>7}  problems")
    print(
        f"{len(flat) / seconds:>8.0f} {1000 * statistics.median(flat):>8.1f} "
        f"{1000 * flat[int(len(flat) * 0.90) - 1]:>8.1f} "
        f"{1000 * flat[int(len(flat) * 0.99) - 1]:>8.1f} {len(flat):>7}  "
        f"{problems[:3] or '-'}"
    )
    records = Checkin.objects.filter(date_id=date_id)
    print(
        f"check: {admitted} admitted in the measured window; "
        f"{records.filter(result='ok').count()} admissions and "
        f"{records.exclude(result='ok').count()} refusals recorded in all (warm-up included)"
    )
    scans = max(len(flat), 1)
    per_scan = {kind: 1000 * spent / scans for kind, spent in cpu.items()}
    busy = (cpu["server"] + cpu["database"] + cpu["driver"]) / seconds
    print(
        f"CPU per scan: app server {per_scan['server']:.2f} ms, PostgreSQL "
        f"{per_scan['database']:.2f} ms, load driver {per_scan['driver']:.2f} ms; "
        f"these used {busy:.2f} of the {os.cpu_count()} cores"
    )
    own = per_scan["server"] + per_scan["database"]
    if own:
        print(
            f"capacity if server + database had the {os.cpu_count()} cores to themselves: "
            f"~{1000 * os.cpu_count() / own:.0f} scans/s"
        )
    print(f"machine load average (1, 5, 15 min): {os.getloadavg()}")


if __name__ == "__main__":
    main()
