"""Smoke test of row-level concurrency on PostgreSQL: a conditional UPDATE never overshoots.

Many threads, each on its own connection, race to take one unit of a limited counter with
`UPDATE ... SET n = n + 1 WHERE n < limit`. PostgreSQL re-checks the condition on the row
version it finally locks, so exactly `limit` of them succeed. This is the pattern the
inventory and the periodic-task claims rely on; the full inventory races come later.
"""

import threading

import pytest
from django.db import connection, connections, transaction

pytestmark = pytest.mark.postgres

THREADS = 16
LIMIT = 10


@pytest.fixture
def counter(require_postgres):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE ci_concurrency_counter (id integer PRIMARY KEY, n integer NOT NULL)"
        )
        cursor.execute("INSERT INTO ci_concurrency_counter (id, n) VALUES (1, 0)")
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS ci_concurrency_counter")


@pytest.mark.django_db(transaction=True)
def test_conditional_update_reaches_the_limit_exactly(counter):
    barrier = threading.Barrier(THREADS)
    results: list[tuple[int, int]] = []  # (backend pid, rows updated) per thread
    errors: list[BaseException] = []
    lock = threading.Lock()

    def take_one():
        try:
            barrier.wait(timeout=30)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid = cursor.fetchone()[0]
                cursor.execute(
                    "UPDATE ci_concurrency_counter SET n = n + 1 WHERE id = 1 AND n < %s", [LIMIT]
                )
                taken = cursor.rowcount
                # Hold the row lock a moment so the others really queue behind it.
                cursor.execute("SELECT pg_sleep(0.02)")
            with lock:
                results.append((pid, taken))
        except BaseException as error:
            with lock:
                errors.append(error)
        finally:
            connections.close_all()  # this thread's connection, or the test DB cannot drop

    threads = [threading.Thread(target=take_one) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert len(results) == THREADS
    assert len({pid for pid, _taken in results}) == THREADS, "each thread had its own connection"
    assert sorted(taken for _pid, taken in results) == [0] * (THREADS - LIMIT) + [1] * LIMIT
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM ci_concurrency_counter WHERE id = 1")
        assert cursor.fetchone()[0] == LIMIT
