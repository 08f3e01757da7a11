"""Shared fixtures: tenants, logged-in clients, the browser, and the CI strictness rules.

In CI (`CI` set) a browser test never skips: a missing Chromium fails the run. A PostgreSQL
test skips on SQLite (the first CI pass) and fails instead when BILLETTERIE_REQUIRE_POSTGRES
is set (the PostgreSQL pass of .ci/run), so that pass can never run it on the wrong database.
"""

import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from billetterie.config import env_flag
from tests import factories

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = bool(os.environ.get("CI"))
REQUIRE_POSTGRES = env_flag("BILLETTERIE_REQUIRE_POSTGRES")


def _missing(reason: str):
    if IN_CI:
        pytest.fail(f"CI requires this test to run: {reason}", pytrace=False)
    pytest.skip(reason)


def _empty_cache():
    """Rate-limit counters (and, with Redis, sessions) live in the cache.

    On Redis only the keys under the test KEY_PREFIX go (`cache.clear()` would FLUSHDB the
    whole database, which may be shared with a running instance).
    """
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache, and leaves nothing behind in Redis."""
    _empty_cache()
    yield
    _empty_cache()


@pytest.fixture
def tenant(db):
    organizer, shop, manager = factories.make_tenant()
    return organizer, shop, manager


@pytest.fixture
def organizer(tenant):
    return tenant[0]


@pytest.fixture
def shop(tenant):
    return tenant[1]


@pytest.fixture
def manager(tenant):
    return tenant[2]


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def other_tenant(db):
    """A second organizer whose staff must never see the first one's data."""
    return factories.make_tenant()


# --- language and clients --------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _english():
    """Tests read English: French is the app's default language, so without this a service
    message or a page would be French once the catalog is compiled. A test wanting another
    language says so (translation.override, or Accept-Language on the request)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    """pytest-django's client, asking for English pages (see `_english`)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def client_for(db):
    """A new English client, logged in as `user` when given: several people in one test.

    Extra keyword arguments go to Client (e.g. enforce_csrf_checks=True).
    """
    from django.test import Client

    def make(user=None, **kwargs):
        new = Client(HTTP_ACCEPT_LANGUAGE="en", **kwargs)
        if user is not None:
            new.force_login(user)
        return new

    return make


# --- PostgreSQL ------------------------------------------------------------------------------
@pytest.fixture
def require_postgres(settings):
    """Skip on another database, except where BILLETTERIE_REQUIRE_POSTGRES is set: fail."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
        reason = (
            f"needs PostgreSQL, not {engine.rsplit('.', 1)[-1]}: set DATABASE_URL=postgres://..."
        )
        if REQUIRE_POSTGRES:
            pytest.fail(f"BILLETTERIE_REQUIRE_POSTGRES is set: {reason}", pytrace=False)
        pytest.skip(f"{reason} (the PostgreSQL pass of .ci/run does)")


# --- browser ---------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url():
    """Browser tests build their URLs from `live_server.url`. Defining the fixture here also
    replaces pytest-playwright's fallback one, a method fixture pytest 9 warns about."""
    return None


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # English pages whatever the machine's locale: the tests read the visible labels.
    return {**browser_context_args, "locale": "en-US"}


@pytest.fixture(scope="session")
def _chromium_available():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        _missing(f"needs Debian's Chromium at {CHROMIUM} (apt-get install -y chromium)")


@pytest.fixture
def page(_chromium_available, page):
    page.set_default_timeout(10_000)
    return page


def pytest_configure(config):
    # Tests serve static files through the finders; STATIC_ROOT is filled by collectstatic
    # at `billetterie serve` only, so WhiteNoise's "No directory at: var/static" is noise.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        if "require_postgres" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)
