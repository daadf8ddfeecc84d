"""Rate limits per person (requests_app.ratelimit) on what others then read or review, the
client's address behind a proxy, and failed logins that cannot lock a volunteer out.

tests/settings.py raises every limit for the rest of the suite; each test here sets its own.
"""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory

from maps_app.models import CameraLocation
from requests_app import ratelimit
from requests_app.models import Claim, Comment, Correction, PoliceService, Release, RequestEvent
from requests_app.services.claims import claim_create
from requests_app.services.requests import request_file
from tests import documents
from tests.api import client_as
from tests.factories import CAMERA_FORM

pytestmark = pytest.mark.usefixtures("frozen_26_november")

TORONTO = "toronto-police-service"
OTTAWA = "ottawa-police-service"
PEEL = "peel-regional-police"
PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def limit(settings):
    """Set one action's rate, the others staying as tests/settings.py has them."""

    def set_rate(action: str, rate: str) -> None:
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, action: rate}

    return set_rate


@pytest.fixture
def alices_request(alice, alpr):
    service = PoliceService.objects.get(slug=TORONTO)
    claim_create(campaign=alpr, service=service, volunteer=alice)
    return request_file(campaign=alpr, service=service, volunteer=alice, filed_on=date(2026, 11, 2))


def page_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_limited_page(response, words: str) -> None:
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    page = response.content.decode()
    assert words in page
    assert "Nothing was saved" in page
    assert "You can try again in about" in page


def assert_limited_api(response, words: str) -> None:
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert words in response.json()["detail"]


# --- Each limited action ------------------------------------------------------------------------


def test_claims_from_the_pages_and_the_api_share_one_budget_per_person(alice, bob, alpr, limit):
    limit("claims", "2/hour")
    pages = page_as(alice)
    for slug in (TORONTO, OTTAWA):
        response = pages.post(f"/services/{slug}/claim/", {"campaign": alpr.slug})
        assert response.status_code == 302
    refused = pages.post(f"/services/{PEEL}/claim/", {"campaign": alpr.slug})
    assert_limited_page(refused, "You have claimed many targets in a short time.")
    api = client_as(alice, token=True).post("/api/v1/claims/", {"police_service": PEEL})
    assert_limited_api(api, "You have claimed many targets in a short time.")
    assert Claim.objects.filter(volunteer=alice).count() == 2
    # Someone else's budget is their own.
    assert client_as(bob).post("/api/v1/claims/", {"police_service": PEEL}).status_code == 201


def test_the_limit_page_is_in_french_on_french_pages(alice, alpr, limit):
    limit("claims", "1/hour")
    pages = page_as(alice)
    pages.post(f"/fr/services/{TORONTO}/claim/", {"campaign": alpr.slug})
    refused = pages.post(f"/fr/services/{OTTAWA}/claim/", {"campaign": alpr.slug})
    assert refused.status_code == 429
    assert "Vous avez réservé beaucoup de cibles en peu de temps." in refused.content.decode()


def test_camera_reports(alice, bob, directory, limit):
    limit("cameras", "1/hour")
    pages = page_as(alice)
    assert pages.post("/map/cameras/new/", CAMERA_FORM).status_code == 302
    refused = pages.post("/map/cameras/new/", {**CAMERA_FORM, "latitude": "43.7"})
    assert_limited_page(refused, "You have reported many cameras in a short time.")
    assert pages.get("/map/cameras/new/").status_code == 200  # reading the form is free

    api = client_as(bob, token=True)
    body = {"latitude": "45.4215", "longitude": "-75.6972", "source": "field"}
    assert api.post("/api/v1/cameras/", body, format="json").status_code == 201
    refused = api.post("/api/v1/cameras/", {**body, "latitude": "45.5"}, format="json")
    assert_limited_api(refused, "You have reported many cameras in a short time.")
    assert CameraLocation.objects.count() == 2


def test_release_uploads_from_the_page_and_the_api(alice, alices_request, limit):
    limit("uploads", "2/hour")
    url = f"/requests/{alices_request.pk}/releases/"

    def release(name):
        return {
            "file": SimpleUploadedFile(name, documents.CSV),
            "received_on": "2026-11-20",
            "title": name,
        }

    assert page_as(alice).post(url, release("one.csv")).status_code == 302
    api = client_as(alice, token=True)
    api_url = f"/api/v1/requests/{alices_request.pk}/releases/"
    assert api.post(api_url, release("two.csv"), format="multipart").status_code == 201
    refused = page_as(alice).post(url, release("three.csv"))
    assert_limited_page(refused, "You have uploaded many files in a short time.")
    refused = api.post(api_url, release("four.csv"), format="multipart")
    assert_limited_api(refused, "You have uploaded many files in a short time.")
    assert sorted(Release.objects.values_list("title", flat=True)) == ["one.csv", "two.csv"]


def test_step_attachments_count_as_uploads_and_steps_without_one_do_not(
    alice, alices_request, limit
):
    limit("uploads", "1/hour")
    pages = page_as(alice)
    url = alices_request.get_absolute_url()

    def step(status, day, **extra):
        return pages.post(url, {"status": status, "occurred_on": day, **extra})

    def letter():
        return SimpleUploadedFile("ack.pdf", documents.pdf(["Acknowledgement"]))

    assert step("acknowledged", "2026-11-05", attachment=letter()).status_code == 302
    refused = step("fee_estimate", "2026-11-10", amount="5", attachment=letter())
    assert_limited_page(refused, "You have uploaded many files in a short time.")
    assert step("fee_estimate", "2026-11-10", amount="5").status_code == 302
    assert list(RequestEvent.objects.values_list("status", flat=True).order_by("pk")) == [
        "filed",
        "acknowledged",
        "fee_estimate",
    ]


def test_comments_from_the_page_and_the_api(alice, alices_request, limit):
    limit("comments", "2/hour")
    page_url = f"/requests/{alices_request.pk}/comments/"
    api_url = f"/api/v1/requests/{alices_request.pk}/comments/"
    assert (
        page_as(alice)
        .post(page_url, {"body": "one", "visibility": "team", "format": "plain"})
        .status_code
        == 302
    )
    assert client_as(alice).post(api_url, {"body": "two"}).status_code == 201
    refused = page_as(alice).post(
        page_url, {"body": "three", "visibility": "team", "format": "plain"}
    )
    assert_limited_page(refused, "You have posted many comments in a short time.")
    refused = client_as(alice).post(api_url, {"body": "four"})
    assert_limited_api(refused, "You have posted many comments in a short time.")
    assert sorted(Comment.objects.values_list("body", flat=True)) == ["one", "two"]


def test_corrections(alice, directory, limit):
    limit("corrections", "1/hour")
    pages = page_as(alice)
    url = f"/services/{PEEL}/corrections/new/"
    data = {
        "fact": "service:foi_email",
        "proposed_value": "foi@peelpolice.example",
        "source_url": "https://www.peelpolice.ca/reporting-records",
    }
    assert pages.post(url, data).status_code == 302
    refused = pages.post(url, {**data, "proposed_value": "other@peelpolice.example"})
    assert_limited_page(refused, "You have proposed many corrections in a short time.")
    assert Correction.objects.count() == 1


def test_the_camera_forms_suggestions(alice, directory, limit):
    limit("suggest", "2/minute")
    api = client_as(alice)
    point = {"lat": "43.6532", "lon": "-79.3832"}
    assert [api.get("/api/map/suggest", point).status_code for _ in range(2)] == [200, 200]
    assert_limited_api(
        api.get("/api/map/suggest", point),
        "The camera form asked for many suggestions in a short time.",
    )


def test_a_cache_that_does_not_answer_lets_the_action_through(db, settings, limit):
    """Counting needs the cache; without it the action goes ahead rather than failing."""
    limit("comments", "1/hour")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing answers
        }
    }
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.5")
    for _ in range(3):
        ratelimit.check(request, "comments")


# --- Behind a proxy -------------------------------------------------------------------------------


def request_via(forwarded: str | None, remote="10.0.0.2"):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "address"),
    [
        (0, None, "10.0.0.2"),
        (0, "203.0.113.5", "10.0.0.2"),  # no proxy trusted: the header is the client's own
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.1, 203.0.113.5", "203.0.113.5"),  # a spoofed entry, on the left
        (2, "198.51.100.1, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (2, "203.0.113.5", "203.0.113.5"),  # came through the inner proxy only
        (1, None, "10.0.0.2"),
    ],
)
def test_the_clients_address_is_the_one_the_trusted_proxies_saw(
    settings, proxies, forwarded, address
):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert ratelimit.client_address(request_via(forwarded)) == address


def test_behind_the_proxy_clients_are_limited_apart_and_a_spoofed_entry_changes_nothing(
    db, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon": "2/minute",
        },
    }
    proxy = {"REMOTE_ADDR": "10.0.0.2"}  # every request comes from the proxy

    def get(forwarded):
        return client_as(None).get("/api/v1/regimes/", HTTP_X_FORWARDED_FOR=forwarded, **proxy)

    assert [get("203.0.113.5").status_code for _ in range(2)] == [200, 200]
    assert get("203.0.113.5").status_code == 429
    # A client who writes another address in the header is still the one the proxy saw.
    assert get("198.51.100.77, 203.0.113.5").status_code == 429
    # Another client behind the same proxy has its own budget.
    assert get("198.51.100.20").status_code == 200


# --- Failed logins ------------------------------------------------------------------------------


def log_in(client, email, password, address):
    return client.post(
        "/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=address
    )


def test_wrong_passwords_from_elsewhere_do_not_lock_a_volunteer_out(alice):
    guesser = Client()
    answers = [log_in(guesser, alice.email, "wrong guess", "203.0.113.66") for _ in range(6)]
    assert "Too many failed login attempts" in answers[-1].content.decode()
    # The guesser is stopped, even with the right password...
    assert log_in(guesser, alice.email, PASSWORD, "203.0.113.66").status_code == 200
    # ...and alice, from her own address, logs in.
    response = log_in(Client(), alice.email, PASSWORD, "198.51.100.7")
    assert response.status_code == 302
