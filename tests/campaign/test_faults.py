"""Faults, against real services (docs/reliability.md, "Cache and broker outages" and
"Faults"): Redis stopped under the site, a Celery worker killed in the middle of its work,
PostgreSQL connections dropped while requests run."""

import json
import logging
from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from maps_app.cache import VERSION_KEY
from maps_app.models import CameraLocation
from requests_app.models import (
    AccessRequest,
    Campaign,
    Claim,
    OutgoingEmail,
    PoliceService,
    Release,
    StoredFile,
)
from requests_app.services.claims import claim_create
from requests_app.services.requests import request_file
from requests_app.tasks import outgoing_emails_retry, release_extractions_requeue
from tests import documents
from tests.factories import UserFactory
from tests.mail import sent_mail
from tests.services import RedisServer, celery_broker

PASSWORD = "a long and unusual passphrase 42"
COVERAGE = "/api/map/coverage.geojson"
CAMERAS = "/api/map/cameras"


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def queued_tasks(server) -> list[tuple[str, str]]:
    """The tasks waiting in the broker's default queue: (name, arguments)."""
    messages = [json.loads(raw) for raw in server.client().lrange("celery", 0, -1)]
    return [(m["headers"]["task"], m["headers"]["argsrepr"]) for m in messages]


def coverage_status(client, slug: str) -> str:
    features = client.get(COVERAGE).json()["features"]
    return next(f["properties"]["status"] for f in features if f["properties"].get("slug") == slug)


@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_every_write_and_map_endpoint_works_and_catches_up(
    directory,
    redis_server,
    settings,
    tmp_path,
    caplog,
):
    settings.CACHES = {
        "default": {
            "BACKEND": "campaign.cache.FailSoftRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.cache import cache

    campaign = Campaign.objects.get(slug="alpr-records")
    ottawa = PoliceService.objects.get(slug="ottawa-police-service")
    toronto = PoliceService.objects.get(slug="toronto-police-service")
    alice = UserFactory(email="alice@example.org", password=PASSWORD)
    claim_create(campaign=campaign, service=toronto, volunteer=alice)
    filed = request_file(
        campaign=campaign, service=toronto, volunteer=alice, filed_on=date(2026, 11, 2)
    )
    anonymous = Client()
    with celery_broker(redis_server.url):
        assert coverage_status(anonymous, "ottawa-police-service") == "unclaimed"
        assert cache.get(VERSION_KEY) is not None  # Redis holds the cache

        redis_server.stop()
        caplog.set_level(logging.WARNING)
        # Sign-up and log-in (allauth's rate limits count in the cache).
        response = anonymous.post(
            "/accounts/signup/",
            {"email": "carol@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
        assert response.status_code == 302
        assert get_user_model().objects.filter(email="carol@example.org").exists()
        volunteer = Client()
        response = volunteer.post(
            "/accounts/login/", {"login": "alice@example.org", "password": PASSWORD}
        )
        assert response.status_code == 302 and "_auth_user_id" in volunteer.session
        # A claim, a status step, a camera report, an upload.
        response = volunteer.post(f"/services/{ottawa.slug}/claim/", {"campaign": campaign.slug})
        assert response.status_code == 302
        assert Claim.objects.active().filter(police_service=ottawa, volunteer=alice).exists()
        response = volunteer.post(
            filed.get_absolute_url(), {"status": "acknowledged", "occurred_on": "2026-11-20"}
        )
        assert response.status_code == 302
        assert AccessRequest.objects.get(pk=filed.pk).status == "acknowledged"
        response = volunteer.post(
            "/map/cameras/new/",
            {
                "latitude": "43.653200",
                "longitude": "-79.383200",
                "directions": "90",
                "kind": "fixed",
                "vendor": "flock",
                "mount": "pole",
                "source": "field",
                "confidence": "confirmed",
                "not_a_duplicate": "on",
            },
        )
        assert response.status_code == 302
        assert CameraLocation.objects.filter(submitted_by=alice).exists()
        response = volunteer.post(
            f"/requests/{filed.pk}/releases/",
            {
                "file": SimpleUploadedFile("r.csv", documents.CSV),
                "received_on": "2026-11-20",
                "title": "Camera list",
            },
        )
        assert response.status_code == 302
        stored = Release.objects.get(request=filed).stored
        # The map data endpoints answer, built afresh: the new claim shows at once.
        assert coverage_status(anonymous, "ottawa-police-service") == "claimed"
        bbox = "-141,41.7,-52.6,83.1"
        assert anonymous.get(CAMERAS, {"bbox": bbox, "zoom": 4}).status_code == 200
        assert anonymous.get("/stats/").status_code == 200

        # The work the writes queued could not reach the broker: it is recorded, not lost.
        assert "The cache is unavailable" in caplog.text
        assert "left for the retry" in caplog.text
        confirmation = OutgoingEmail.objects.get(recipient="carol@example.org")
        assert confirmation.sent_at is None
        assert StoredFile.objects.get(pk=stored.pk).extraction == "pending"

        # Redis comes back (empty: it kept nothing). The beat tasks queue the lost work again.
        redis_server.start()
        later = timezone.now() + timedelta(minutes=settings.TASK_REQUEUE_MINUTES + 1)
        with time_machine.travel(later, tick=False):
            assert release_extractions_requeue() == [stored.pk]
        assert ("requests_app.tasks.release_extract_text", f"({stored.pk},)") in queued_tasks(
            redis_server
        )
        assert outgoing_emails_retry() >= 1
        assert [m.to for m in sent_mail() if m.to == ["carol@example.org"]] == [
            ["carol@example.org"]
        ]
        assert outgoing_emails_retry() == 0  # sent once
        # And the cache is used again.
        coverage_status(anonymous, "ottawa-police-service")
        assert cache.get(VERSION_KEY) is not None
        assert "The cache is available again" in caplog.text
