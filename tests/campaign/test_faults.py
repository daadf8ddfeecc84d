"""Faults, against real services (docs/reliability.md, "Cache and broker outages" and
"Faults"): Redis stopped under the site, a Celery worker killed in the middle of its work,
PostgreSQL connections dropped while requests run."""

import json
import logging
import re
import threading
import time
from datetime import date, timedelta

import psycopg
import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.utils import timezone

from maps_app.cache import VERSION_KEY
from maps_app.models import CameraLocation
from requests_app.models import (
    AccessRequest,
    Campaign,
    Claim,
    DigestSent,
    OutgoingEmail,
    PoliceService,
    Release,
    StoredFile,
)
from requests_app.services.claims import claim_create
from requests_app.services.releases import release_upload
from requests_app.services.reminders import digest_items
from requests_app.services.requests import request_file
from requests_app.services.tokens import api_token_create
from requests_app.tasks import (
    outgoing_emails_retry,
    release_extract_text,
    release_extractions_requeue,
    reminders_send_digests,
)
from tests import documents
from tests.factories import (
    CAMERA_FORM,
    AccessRegimeFactory,
    CampaignFactory,
    PoliceServiceFactory,
    RegimeRuleSetFactory,
    UserFactory,
)
from tests.mail import sent_mail
from tests.services import RedisServer, Worker, celery_broker, need_postgresql

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
    stopped_with_redis = {
        "BACKEND": "campaign.cache.FailSoftRedisCache",
        "LOCATION": redis_server.url,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    settings.CACHES = {"default": stopped_with_redis, "map": stopped_with_redis}
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
            {**CAMERA_FORM, "not_a_duplicate": "on"},
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


# --- A worker killed in the middle of its work ---------------------------------------------


def until(condition, seconds: float = 30, what: str = "the condition") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def worker_setup(redis_server, settings, tmp_path):
    """Tasks go to a Redis of the test's own, for `Worker` processes on the test database."""
    need_postgresql()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.MEDIA_ROOT = tmp_path / "media"
    mail_folder = tmp_path / "mail"
    mail_folder.mkdir()
    workers = []

    def worker() -> Worker:
        started = Worker(redis_server.url, mail_folder, settings.MEDIA_ROOT, tmp_path / "w.log")
        started.start()
        workers.append(started)
        return started

    with celery_broker(redis_server.url):
        yield worker, mail_folder, redis_server
    for started in workers:
        started.kill()


def delivered(mail_folder) -> list[str]:
    """The recipients of the e-mails the workers sent, one entry per e-mail."""
    text = "".join(path.read_text() for path in mail_folder.glob("*.log"))
    return re.findall(r"^To: (.+)$", text, flags=re.MULTILINE)


@pytest.mark.django_db(transaction=True)
def test_an_extraction_whose_worker_is_killed_is_redone_once(worker_setup):
    worker, _mail, _redis = worker_setup
    first = worker()
    campaign, service = CampaignFactory(), PoliceServiceFactory()
    alice = UserFactory(email="alice@example.org")
    claim_create(campaign=campaign, service=service, volunteer=alice)
    filed = request_file(
        campaign=campaign, service=service, volunteer=alice, filed_on=date(2026, 11, 2)
    )
    first.wait_ready()
    slow = documents.pdf_stream_bomb(pages=8, unpacked=400_000)  # about 0.4 s a page
    release = release_upload(
        request=filed,
        by=alice,
        upload=SimpleUploadedFile("slow.pdf", slow),
        received_on=date(2026, 11, 20),
        today=date(2026, 11, 26),
    )  # committed: its extraction is queued for the worker
    stored = StoredFile.objects.filter(pk=release.stored_id)
    until(lambda: stored.get().extraction_attempts == 1, what="the worker to start extracting")
    time.sleep(0.5)
    first.kill()
    assert stored.get().extraction == "pending"  # killed in the middle

    # The task was never acknowledged: the next worker takes it again, and extracts once.
    worker().wait_ready()
    until(lambda: stored.get().extraction != "pending", what="the extraction to be redone")
    assert stored.get().extraction_attempts == 2
    # Redelivered again, it does nothing: the file is no longer pending.
    assert release_extract_text(stored.get().pk) == "not pending"
    assert stored.get().extraction_attempts == 2


@pytest.mark.django_db(transaction=True)
def test_a_digest_run_whose_worker_is_killed_is_redone_and_no_one_gets_two(worker_setup):
    worker, mail_folder, _redis = worker_setup
    first = worker()
    campaign = CampaignFactory()
    regime = RegimeRuleSetFactory(regime=AccessRegimeFactory(code="FAULTS")).regime
    for number in range(3):
        volunteer = UserFactory(email=f"volunteer{number}@example.org")
        service = PoliceServiceFactory(regime=regime)
        claim_create(campaign=campaign, service=service, volunteer=volunteer)
        filed = request_file(
            campaign=campaign, service=service, volunteer=volunteer, filed_on=date(2026, 11, 2)
        )
    day = filed.due_on - timedelta(days=1)  # the three answers are due tomorrow
    order = list(digest_items(day))
    assert len(order) == 3
    first.wait_ready()
    # Hold the second volunteer's row, so that the run stops after the first e-mail.
    with psycopg.connect(**pg_params(), autocommit=False) as holder:
        holder.execute("SELECT id FROM requests_app_user WHERE id = %s FOR UPDATE", [order[1].pk])
        reminders_send_digests.delay(day.isoformat())
        done = DigestSent.objects.filter(day=day)
        until(lambda: done.count() == 1, what="the first digest")
        time.sleep(0.3)
        first.kill()
        assert list(done.values_list("volunteer", flat=True)) == [order[0].pk]
        # (The killed worker's database session may still be waiting to commit the second
        # digest: PostgreSQL then commits it once the row is free, and its e-mail, written
        # to the outbox, was never queued for delivery. The retry below sends it.)
        holder.rollback()

    # The next worker takes the unacknowledged run again, and beat's retry of the outbox
    # follows: the two left get theirs, and the first is not written or sent again.
    worker().wait_ready()
    until(lambda: done.count() == 3, what="the run to be redone")
    outgoing_emails_retry.delay()
    until(lambda: len(delivered(mail_folder)) >= 3, what="three e-mails")
    time.sleep(1)  # anything sent twice would be sent by now
    assert sorted(delivered(mail_folder)) == sorted(v.email for v in order)
    assert OutgoingEmail.objects.filter(sent_at__isnull=False).count() == 3
    assert done.count() == 3


def pg_params() -> dict:
    from django.db import connection

    params = connection.get_connection_params()
    return {k: v for k, v in params.items() if k in ("dbname", "user", "password", "host", "port")}


# --- PostgreSQL connections dropped under load ---------------------------------------------


def drop_the_sites_connections() -> int:
    """What an administrator or a failover does: end every other session on the database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


class Server:
    """Requests served by Django's own WSGI handler in this thread, as a server's worker
    thread serves them: each request starts and ends with Django's connection upkeep (the
    test client skips it), and the thread keeps its database connection between requests."""

    def __init__(self, secret: str):
        self.handler = WSGIHandler()
        self.secret = secret

    def post(self, path: str, data: dict) -> int:
        environ = (
            RequestFactory()
            .post(
                path,
                json.dumps(data),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {self.secret}",
            )
            .environ
        )
        response = self.handler(environ, lambda status, headers: None)
        response.close()  # the server is done with it: request_finished
        return response.status_code


@pytest.mark.django_db(transaction=True)
def test_dropped_database_connections_fail_requests_cleanly_and_the_site_recovers():
    need_postgresql()
    from django.db import connection, connections

    # Kept connections (production sets ?conn_max_age= in DATABASE_URL): the ones a restart
    # would be needed for if a dropped one were used again.
    connection.settings_dict["CONN_MAX_AGE"] = 60
    CampaignFactory()  # the campaign the API claims in by default
    services = [PoliceServiceFactory() for _ in range(4)]
    volunteers = [UserFactory() for _ in services]
    secrets = [api_token_create(user=v, name="faults")[1] for v in volunteers]
    statuses, stop = [], threading.Event()

    def claim_and_release(server, volunteer, service) -> list[int]:
        answers = [server.post("/api/v1/claims/", {"police_service": service.slug})]
        claim = Claim.objects.active().filter(volunteer=volunteer).first()
        if claim is not None:
            answers.append(server.post(f"/api/v1/claims/{claim.pk}/release/", {"reason": "x"}))
        return answers

    def work(secret, volunteer, service):
        server = Server(secret)
        while not stop.is_set():
            try:
                statuses.extend(claim_and_release(server, volunteer, service))
            except OperationalError:  # the test's own query met a dropped connection
                connections["default"].close()
        connections.close_all()

    try:
        threads = [
            threading.Thread(target=work, args=three)
            for three in zip(secrets, volunteers, services, strict=True)
        ]
        for thread in threads:
            thread.start()
        dropped = 0
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline:
            time.sleep(0.05)
            dropped += drop_the_sites_connections()
        stop.set()
        for thread in threads:
            thread.join()

        assert dropped > 0
        # Created, released, refused as already claimed or released, or the error page.
        assert set(statuses) <= {200, 201, 409, 500}, statuses
        assert statuses.count(201) > 0 and statuses.count(500) > 0, statuses
        # Nothing half-written: each claim has its "claimed" record, each ended one its
        # "released" record.
        for claim in Claim.objects.filter(volunteer__in=volunteers):
            kinds = sorted(claim.activity.values_list("kind", flat=True))
            assert kinds == (["claimed", "released"] if claim.released_at else ["claimed"])

        # Then each volunteer's thread serves a request (its connection is kept), every
        # connection is dropped while idle, and the next requests succeed all the same, on a
        # new connection, without a restart.
        Claim.objects.filter(volunteer__in=volunteers, released_at__isnull=True).update(
            released_at=timezone.now(), ending="released", ending_reason="test"
        )
        answers = []
        first_done, dropped_now = threading.Barrier(len(secrets) + 1), threading.Event()

        def twice(secret, volunteer, service):
            server = Server(secret)
            answers.append(server.post("/api/v1/claims/", {"police_service": service.slug}))
            first_done.wait()
            dropped_now.wait()
            answers.extend(claim_and_release(server, volunteer, service))
            connections.close_all()

        threads = [
            threading.Thread(target=twice, args=three)
            for three in zip(secrets, volunteers, services, strict=True)
        ]
        for thread in threads:
            thread.start()
        first_done.wait()
        assert drop_the_sites_connections() >= len(secrets)
        dropped_now.set()
        for thread in threads:
            thread.join()
        # Each: claimed; then, after the drop, refused as already claimed (a 409, the
        # database answered), and released.
        assert sorted(answers) == sorted([201, 409, 200] * len(secrets)), answers
        assert not Claim.objects.active().filter(volunteer__in=volunteers).exists()
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = 0
