"""Ticket PDF rendering speed (a benchmark, not a test).

    .venv/bin/python bench/ticket_pdf.py [COUNT]

Renders COUNT (default 1,000) one-page tickets into one PDF and prints the time, with the
time segno alone takes to encode the same QR codes (its mask selection is most of the
cost). RECIPES.md expects about 1,000 tickets in 4-5 s on one core; without reportlab's C
accelerator (the `accel` extra, package rl_accel) it is about 30% slower.
"""

import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "billetterie.settings")
    import django

    django.setup()
    import segno

    from billetterie.documents.tickets import TicketData, render_tickets_pdf

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    tickets = [
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
            order_number=f"A7K2-{i:05d}",
            organizer_name="Association Musique Vivante",
            options=["Programme imprimé"] if i % 3 == 0 else [],
        )
        for i in range(count)
    ]
    start = time.perf_counter()
    for ticket in tickets:
        segno.make_qr(ticket.secret, error="m")
    qr_only = time.perf_counter() - start

    start = time.perf_counter()
    pdf = render_tickets_pdf(tickets, language="fr")
    elapsed = time.perf_counter() - start
    print(
        f"{count} tickets: {elapsed:.2f} s ({elapsed / count * 1000:.2f} ms/ticket), "
        f"{len(pdf) / 1024:.0f} KiB; segno encoding alone {qr_only:.2f} s"
    )


if __name__ == "__main__":
    main()
