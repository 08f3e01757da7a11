"""Shared fixtures: tenants, logged-in clients, the browser, and the CI strictness rules.

In CI (`CI` set) a browser or PostgreSQL test never skips: a missing part fails the run.
"""

import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

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


def _missing(reason: str):
    if IN_CI:
        pytest.fail(f"CI requires this test to run: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield


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


# --- PostgreSQL ------------------------------------------------------------------------------
@pytest.fixture
def require_postgres(settings):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        _missing("needs PostgreSQL: set DATABASE_URL=postgres://... (run by .ci/run)")


# --- browser ---------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def _chromium_available():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        _missing(f"needs Debian's Chromium at {CHROMIUM} (apt-get install -y chromium)")


@pytest.fixture
def page(_chromium_available, page):
    page.set_default_timeout(10_000)
    return page


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
