"""Password hashers."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class TestArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with the cheapest parameters, for the test suite only.

    Same algorithm and code path as production (the `argon2$` prefix is identical), so a
    test that checks hashes are argon2 still means something, but factories stay fast.
    """

    time_cost = 1
    memory_cost = 256
    parallelism = 1
