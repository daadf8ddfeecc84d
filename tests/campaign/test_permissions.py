"""Who may read what: every page and endpoint for anonymous visitors, the volunteer whose
data it is (alice), another volunteer (bob) and an organizer (olivia)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from requests_app.models import Campaign, PoliceService
from requests_app.services.claims import claim_create
from requests_app.services.releases import release_upload
from requests_app.services.requests import request_file
from tests import documents


@pytest.fixture
def world(directory, alice, bob, olivia, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    campaign = Campaign.objects.get(slug="alpr-records")
    service = PoliceService.objects.get(slug="toronto-police-service")
    with time_machine.travel(datetime(2026, 11, 26, 12, tzinfo=ZoneInfo("America/Toronto"))):
        claim_create(campaign=campaign, service=service, volunteer=alice)
        request = request_file(
            campaign=campaign, service=service, volunteer=alice, filed_on=date(2026, 11, 2)
        )
        release = release_upload(
            request=request,
            by=alice,
            upload=SimpleUploadedFile("r.csv", documents.CSV),
            received_on=date(2026, 11, 20),
        )
    return {"request": request, "release": release, "service": service}


PUBLIC = [
    "/", "/directory/", "/services/toronto-police-service/", "/guide/", "/findings/",
    "/findings.csv", "/releases/search/?q=camera", "/api/v1/services/", "/api/v1/regimes/",
    "/api/v1/findings/", "/api/v1/releases/", "/healthz", "/fr/directory/",
]  # fmt: skip


def codes(url, users):
    result = {}
    for name, user in users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        result[name] = client.get(url).status_code
    return result


def test_the_permission_matrix(world, alice, bob, olivia):
    users = {"anonymous": None, "alice": alice, "bob": bob, "olivia": olivia}
    request, release = world["request"], world["release"]
    expected = {
        "/me/": {"anonymous": 302, "alice": 200, "bob": 200, "olivia": 200},
        "/me/profile/": {"anonymous": 302, "alice": 200, "bob": 200, "olivia": 200},
        "/dashboard/": {"anonymous": 302, "alice": 403, "bob": 403, "olivia": 200},
        "/moderation/": {"anonymous": 302, "alice": 403, "bob": 403, "olivia": 200},
        "/corrections/": {"anonymous": 302, "alice": 403, "bob": 403, "olivia": 200},
        "/services/toronto-police-service/corrections/new/": {
            "anonymous": 302, "alice": 200, "bob": 200, "olivia": 200,
        },
        "/admin/": {"anonymous": 302, "alice": 302, "bob": 302, "olivia": 200},
        # Anyone else gets the request's public page (tested in test_requests).
        request.get_absolute_url(): {"anonymous": 200, "alice": 200, "bob": 200, "olivia": 200},
        release.get_absolute_url(): {"anonymous": 404, "alice": 200, "bob": 404, "olivia": 200},
        f"/releases/{release.pk}/file/": {"anonymous": 404, "alice": 200, "bob": 404, "olivia": 200},
        f"/api/v1/releases/{release.pk}/": {"anonymous": 404, "alice": 200, "bob": 404, "olivia": 200},
        "/services/toronto-police-service/letter/?campaign=alpr-records": {
            "anonymous": 302, "alice": 200, "bob": 403, "olivia": 200,
        },
    }  # fmt: skip
    for url, wanted in expected.items():
        assert codes(url, users) == wanted, url
    for url in PUBLIC:
        assert set(codes(url, users).values()) == {200}, url


def test_the_public_request_page_keeps_the_team_s_details_to_itself(world, bob):
    request = world["request"]
    anonymous, other = Client(), Client()
    other.force_login(bob)
    for client in (anonymous, other):
        body = client.get(request.get_absolute_url()).content.decode()
        assert "alice@example.org" not in body
        assert "Log the next step" not in body
        assert "r.csv" not in body  # the unapproved release and its file name


def test_no_public_page_or_endpoint_shows_a_volunteers_email(world, alice, bob):
    alice.show_name_publicly = True
    alice.save()
    anonymous, other = Client(), Client()
    other.force_login(bob)
    for client in (anonymous, other):
        for url in [*PUBLIC, world["request"].get_absolute_url()]:
            body = client.get(url).content.decode()
            assert "alice@example.org" not in body, url
            assert "olivia@example.org" not in body, url


def test_nobody_writes_through_the_read_only_api(world, alice, olivia):
    # Anonymous writes are asked to sign in; signed-in ones find no such method.
    for user, refused in ((None, 401), (alice, 405), (olivia, 405)):
        client = Client()
        if user:
            client.force_login(user)
        for url in ["/api/v1/releases/", "/api/v1/findings/", "/api/v1/regimes/"]:
            assert client.post(url, {}).status_code == refused
