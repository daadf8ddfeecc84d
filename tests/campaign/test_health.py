import pytest
from django.test import override_settings

from campaign.health import check_database

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.mark.django_db
def test_it_reports_every_part_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: part["status"] for name, part in body["checks"].items()} == {
        "database": "up",
        "cache": "up",
        "broker": "up",
    }


@pytest.mark.django_db
def test_it_answers_503_when_the_cache_is_down(client):
    dead_cache = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                              "LOCATION": DEAD_REDIS}}  # fmt: skip
    with override_settings(CACHES=dead_cache):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"]["status"] == "down"
    assert body["checks"]["database"]["status"] == "up"


@pytest.mark.django_db
def test_it_answers_503_when_the_broker_is_down(client):
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=DEAD_REDIS):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == {"status": "down", "mode": "redis"}
    # It says which part is down, never the error's text or the host it tried.
    assert "127.0.0.1" not in response.content.decode()
    assert "Error" not in response.content.decode()


@pytest.mark.django_db
def test_it_reports_the_database_down_when_it_cannot_connect():
    from django.db import connection
    from django.db.utils import load_backend

    # A connection to a database that does not exist, for either backend.
    missing = "no_such_database_x" if connection.vendor == "postgresql" else "/nonexistent/x.db"
    backend = load_backend(connection.settings_dict["ENGINE"])
    broken = backend.DatabaseWrapper({**connection.settings_dict, "NAME": missing}, alias="broken")
    try:
        error = check_database(broken)
    finally:
        broken.close()
    assert error is not None
    assert check_database() is None


def test_it_is_not_cached_and_refuses_writes(client):
    assert client.post("/healthz").status_code == 405
