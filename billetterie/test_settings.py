"""Settings for the test suite: same as production, with tasks run immediately."""

from billetterie.settings import *  # noqa: F403
from billetterie.settings import TASKS

TASKS = {
    "default": {**TASKS["default"], "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
}

# Argon2 stays (it is what production uses) but with cheap parameters so factories are fast.
PASSWORD_HASHERS = ["billetterie.core.hashers.TestArgon2PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

# With REDIS_URL (the PostgreSQL pass of .ci/run uses db 15) the cache, and so the sessions,
# live in Redis. The tests write under their own prefix, and tests/conftest.py deletes only
# that prefix between tests, never the whole Redis database.
if REDIS_URL:  # noqa: F405
    CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": "billetterie-test"}}  # noqa: F405
