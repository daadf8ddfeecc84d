"""Personas and the services check.

alice owns the data under test, bob is another volunteer, olivia is an organizer.
With REQUIRE_SERVICES=1 (CI's services run) the suite fails, never skips, when
PostgreSQL, Redis or a Celery worker cannot be reached.
"""

import os
import shutil
import sqlite3

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.db import connection
from hypothesis import HealthCheck, settings

from requests_app.directory_csv import reference_data_load
from requests_app.models import PoliceService
from requests_app.roles import organizer_grant

from .browser.paths import ARTIFACTS, CHROMIUM, REQUIRE_BROWSER
from .factories import UserFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"

# Property-based tests: the same generated inputs on every run (so a failure in CI is
# reproduced by running the test again), no example database left in the work tree, and
# the database fixtures shared by a test's examples (each example checks its own effect).
settings.register_profile(
    "project",
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("project")


# The browser tests' run-wide hooks live here, not in tests/browser/: under pytest-xdist
# (`make test`) only this conftest is loaded by the process that starts the workers and
# writes the summary.
def pytest_configure(config):
    if not hasattr(config, "workerinput"):
        shutil.rmtree(ARTIFACTS, ignore_errors=True)  # only this run's failures are left there


def pytest_terminal_summary(terminalreporter):
    if not CHROMIUM.exists() and not REQUIRE_BROWSER:
        terminalreporter.write_line(
            f"Browser tests skipped: {CHROMIUM} is not installed "
            "(apt-get install chromium runs them).",
            yellow=True,
            bold=True,
        )
    elif ARTIFACTS.is_dir() and any(ARTIFACTS.iterdir()):
        terminalreporter.write_line(f"Pages of failed browser tests: {ARTIFACTS}", red=True)


@pytest.fixture(scope="session", autouse=True)
def _services_are_real(django_db_setup, django_db_blocker):
    if not REQUIRE_SERVICES:
        return
    import redis
    from django.conf import settings
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.exit("REQUIRE_SERVICES=1 but DATABASE_URL is not PostgreSQL", returncode=3)
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.REDIS_URL:
        pytest.exit("REQUIRE_SERVICES=1 but REDIS_URL is not set", returncode=3)
    try:
        redis.Redis.from_url(settings.REDIS_URL).ping()
    except redis.RedisError as exc:
        pytest.exit(f"REQUIRE_SERVICES=1 but Redis is unreachable: {exc}", returncode=3)


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A French page leaves French active in this thread; the next test starts in English."""
    yield
    from django.utils import translation

    translation.activate("en")


@pytest.fixture(autouse=True)
def _outside_any_request():
    """A server always closes its response, which runs what waits for it
    (`tasks.release_extraction_queue`); the test client closes a streamed response only
    once it is read. Each test starts outside any request."""
    from requests_app import tasks

    tasks._after_response.calls = None


@pytest.fixture
def celery_worker_ready():
    """Tests marked `worker` go through a real worker in the services run."""
    from campaign.celery import app

    if REQUIRE_SERVICES and not app.control.ping(timeout=10):
        pytest.fail("REQUIRE_SERVICES=1 but no Celery worker answered a ping")


@pytest.fixture
def alice(db):
    return UserFactory(email="alice@example.org", display_name="Alice A.")


@pytest.fixture
def bob(db):
    return UserFactory(email="bob@example.org", display_name="Bob B.")


@pytest.fixture
def olivia(db):
    user = UserFactory(email="olivia@example.org", display_name="Olivia O.")
    organizer_grant(user)
    return user


def _uses_the_database(item) -> bool:
    names = getattr(item, "fixturenames", ())
    return item.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server"} & set(names)
    )


# The SQLite test database as loaded, copied in memory: putting it back after a transactional
# test has emptied the tables takes milliseconds, reloading the directory seconds.
_AS_LOADED: list[sqlite3.Connection] = []


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    """The Canadian directory shipped in data/, loaded once per session as `make run` loads
    it; every test runs in a transaction rolled back after it, so the data stays as loaded.
    (Without a database test in the run no test database exists, and nothing is loaded.)"""
    if any(_uses_the_database(item) for item in request.session.items):
        with django_db_blocker.unblock():
            reference_data_load()
            if connection.vendor == "sqlite":
                from django.core.cache import cache

                cache.clear()  # the copy holds the tables, not what the load cached
                connection.ensure_connection()
                copy = sqlite3.connect(":memory:", check_same_thread=False)
                connection.connection.backup(copy)
                _AS_LOADED.append(copy)


def _empty() -> bool:
    """Nothing in the tables but what a flush puts back itself (through post_migrate: content
    types, permissions, the site, the organizers' group)."""
    flushed = {ContentType, Permission, Site, Group}
    return not any(
        model.objects.exists()
        for model in apps.get_models()
        if model not in flushed and model._meta.managed and not model._meta.proxy
    )


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Cached map responses and campaign figures must never leak from one test's database
    into another's (the cache is Redis in the services run, a table of the test database
    otherwise)."""
    if not _uses_the_database(request.node):
        yield
        return
    from django.core.cache import caches

    blocker = request.getfixturevalue("django_db_blocker")
    request.getfixturevalue("django_db_setup")
    with blocker.unblock():
        for cache in caches.all():
            cache.clear()
    yield
    with blocker.unblock():
        for cache in caches.all():
            cache.clear()


@pytest.fixture
def directory(db):
    """The shipped directory (put back after a transactional test has emptied the tables)."""
    if PoliceService.objects.exists():
        return
    if _AS_LOADED and not connection.in_atomic_block and _empty():
        _AS_LOADED[0].backup(connection.connection)
    else:
        reference_data_load()
