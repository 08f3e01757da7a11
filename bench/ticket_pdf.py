"""Ticket PDF rendering speed, every layout (a benchmark, not a test).

    .venv/bin/python bench/ticket_pdf.py [COUNT] [LAYOUT ...]

Renders COUNT (default 1,000) tickets into one PDF per layout and prints the wall-clock
and CPU time and the tickets per second, then what the QR codes alone cost: segno's own
mask evaluation against `documents.qr.qr_code` (the same symbols, module for module).
The target is 300 tickets/s or more on one core (1,000 tickets in 3.3 s) for every layout.
Run it on a quiet machine: CPU time is the steadier figure when others share the cores.
"""

import io
import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def tickets(count: int):
    from billetterie.documents.tickets import TicketData

    return [
        TicketData(
            secret=secrets.token_urlsafe(24),
            event_name="Fête de la musique : «Les Garçons d\u2019été»",
            date_text="samedi 14 mars 2026, 20:00",
            venue_text="Théâtre du Léman, Quai du Mont-Blanc 19, 1201 Genève",
            zone_name="Parterre",
            seat_text=f"Rang {chr(65 + i % 20)}, place {i % 30 + 1}" if i % 2 else "",
            price_name="Plein tarif",
            amount_text="CHF 45.00",
            holder_name=f"Françoise Dupont {i}",
            order_number=f"{i // 4:06d}",
            organizer_name="Association Musique Vivante",
            options=["Programme imprimé"] if i % 3 == 0 else [],
        )
        for i in range(count)
    ]


def design() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (2480, 1169), (240, 220, 200))
    ImageDraw.Draw(image).ellipse((100, 80, 1700, 700), fill=(180, 40, 90))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92)
    return out.getvalue()


def timed(action):
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "billetterie.settings")
    import django

    django.setup()
    import segno

    from billetterie.documents.layouts import LAYOUTS
    from billetterie.documents.qr import qr_code
    from billetterie.documents.tickets import render_tickets_pdf

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    layouts = sys.argv[2:] or list(LAYOUTS)
    rows = tickets(count)
    background = design()
    render_tickets_pdf(rows[:2], layout="a4")  # fonts loaded, caches warm: not measured
    print(f"{count} tickets per layout")
    for layout in layouts:
        pdf, wall, cpu = timed(
            lambda layout=layout: render_tickets_pdf(
                rows, layout=layout, background=background if layout == "template" else None
            )
        )
        print(
            f"  {layout:15} {wall:6.2f} s wall ({count / wall:5.0f} tickets/s), "
            f"{cpu:6.2f} s CPU ({count / cpu:5.0f} tickets/s), {len(pdf) / 1024:6.0f} KiB"
        )
    _result, _wall, segno_cpu = timed(lambda: [segno.make_qr(t.secret, error="m") for t in rows])
    _result, _wall, ours_cpu = timed(lambda: [qr_code(t.secret) for t in rows])
    print(
        f"QR codes alone (CPU): segno with its mask evaluation {segno_cpu:.2f} s, "
        f"documents.qr {ours_cpu:.2f} s"
    )


if __name__ == "__main__":
    main()
