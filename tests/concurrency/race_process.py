"""Entry point of one OS process of the two-process race: prints its outcomes as JSON.

    python -m tests.concurrency.race_process DATE_ID ZONE_ID BUYERS SEED
The parent passes DATABASE_URL pointing at the test database.
"""

import json
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "billetterie.test_settings")
    import django

    django.setup()
    from tests.concurrency.race import MAX_OPEN_CONNECTIONS, race

    date_id, zone_id, buyers, seed = (int(x) for x in sys.argv[1:5])
    outcomes = race(
        date_id=date_id,
        zone_id=zone_id,
        buyers=buyers,
        seed=seed,
        open_connections=MAX_OPEN_CONNECTIONS // 2,
    )
    print(json.dumps(outcomes))


if __name__ == "__main__":
    main()
