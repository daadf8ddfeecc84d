"""Checks behind /healthz: each returns None when the part is up, or what went wrong.

What went wrong goes to the log, never into the public answer (it can name hosts)."""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection as default_connection

from .celery import app as celery_app

logger = logging.getLogger(__name__)


def check_database(connection=default_connection) -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means the database is down for us
        return f"{type(exc).__name__}: {exc}"
    return None


def check_cache() -> str | None:
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", timeout=5)
        value = cache.get(key)
        cache.delete(key)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None if value == "ok" else "the cache did not return what was stored"


def check_broker() -> str | None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return None  # tasks run in-process: there is no broker to reach
    try:
        with celery_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


def health_report() -> tuple[bool, dict]:
    """Run every check; the site is healthy only when all parts are up."""
    parts = {}
    for name, check in CHECKS.items():
        error = check()
        if error is not None:
            logger.warning("healthz: the %s is down: %s", name, error)
        parts[name] = {"status": "up" if error is None else "down"}
    parts["broker"]["mode"] = "in-process" if settings.CELERY_TASK_ALWAYS_EAGER else "redis"
    healthy = all(part["status"] == "up" for part in parts.values())
    return healthy, {"status": "ok" if healthy else "unavailable", "checks": parts}
