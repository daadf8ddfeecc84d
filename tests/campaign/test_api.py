"""The API as a whole: its OpenAPI schema and docs, rate limits, CORS, and JSON errors."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.api import client_as


@pytest.fixture
def limits(db, settings):
    """Small rate limits, on an empty counter."""
    cache.clear()

    def set_rates(**rates):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                **rates,
            },
        }

    yield set_rates
    cache.clear()


# --- Schema and docs ----------------------------------------------------------------------------


def test_the_schema_validates_and_covers_every_endpoint(tmp_path, db):
    out = tmp_path / "schema.yml"
    # drf-spectacular's validation against the OpenAPI 3 specification, warnings as errors.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in [
        "/api/map/coverage.geojson", "/api/map/cameras", "/api/map/suggest",
        "/api/map/cameras/{z}/{x}/{y}.json", "/api/map/cameras/{id}",
        "/api/v1/regimes/", "/api/v1/services/", "/api/v1/releases/", "/api/v1/findings/",
        "/api/v1/cameras/", "/api/v1/cameras/geojson/", "/api/v1/appeals/", "/api/v1/stats/",
        "/api/v1/claims/", "/api/v1/claims/{id}/release/", "/api/v1/requests/{id}/steps/",
        "/api/v1/requests/{id}/releases/", "/api/v1/releases/{id}/findings/",
        "/api/v1/requests/{id}/appeals/", "/api/v1/appeals/{id}/stages/",
        "/api/v1/requests/{id}/comments/", "/api/v1/appeals/{id}/comments/",
    ]:  # fmt: skip
        assert path in paths, path
    assert "409" in paths["/api/v1/claims/"]["post"]["responses"]
    assert "Retry-After" in paths["/api/v1/services/"]["get"]["responses"]["429"]["headers"]


def test_the_schema_offers_only_sign_ins_that_work(db):
    """Swagger UI's Authorize button lists the schema's schemes: the site's session cookie
    (sent by the browser itself) and a bearer token; no password form."""
    schemes = (
        APIClient().get("/api/schema/", {"format": "json"}).json()["components"]["securitySchemes"]
    )
    assert schemes["tokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["tokenAuth"]["description"],
    }
    assert {k: v for k, v in schemes["cookieAuth"].items() if k != "description"} == {
        "type": "apiKey",
        "in": "cookie",
        "name": "sessionid",
    }
    assert set(schemes) == {"tokenAuth", "cookieAuth"}


def test_the_docs_are_served_from_the_sites_own_files(client, db):
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "//cdn" not in html and "unpkg" not in html


# --- Errors -------------------------------------------------------------------------------------


def test_an_address_the_api_does_not_have_is_a_json_404(client, db):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert "text/html" in client.get("/no-such-page/")["Content-Type"]


# --- Rate limits --------------------------------------------------------------------------------


def test_anonymous_clients_are_limited_with_retry_after(limits, directory):
    limits(anon="2/minute")
    client = client_as(None)
    assert [client.get("/api/v1/regimes/").status_code for _ in range(2)] == [200, 200]
    limited = client.get("/api/v1/regimes/")
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 60
    assert "detail" in limited.json()


def test_each_token_has_its_own_limit_within_its_volunteers(limits, alice):
    limits(token="2/minute", user="4/minute")
    first, second = client_as(alice, token=True), client_as(alice, token=True)
    assert [first.get("/api/v1/claims/").status_code for _ in range(3)] == [200, 200, 429]
    # Another token of the same volunteer still works, up to the volunteer's own limit.
    assert second.get("/api/v1/claims/").status_code == 200
    assert client_as(alice).get("/api/v1/claims/").status_code == 429  # session: 4 used


def test_the_maps_endpoints_have_a_limit_of_their_own_for_what_they_build(limits, db):
    limits(map="1/minute", anon="1000/minute")
    client = client_as(None)
    assert client.get("/api/map/coverage.geojson").status_code == 200
    # The same answer again comes from the cache, as a static file would: not counted.
    assert client.get("/api/map/coverage.geojson").status_code == 200
    limited = client.get("/api/map/coverage.geojson", {"zoom": 9})
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 60
    assert client.get("/api/map/cameras/3/2/2.json").status_code == 429
    assert client.get("/api/v1/stats/").status_code == 200


# --- CORS ---------------------------------------------------------------------------------------

ORIGIN = "https://news.example.org"


def test_cors_is_closed_by_default(client, db):
    response = client.get("/api/v1/stats/", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_cors_opens_the_api_for_reading_only(client, db, settings):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]
    read = client.get("/api/v1/stats/", HTTP_ORIGIN=ORIGIN)
    assert read["Access-Control-Allow-Origin"] == ORIGIN
    assert "Access-Control-Allow-Credentials" not in read  # never with the site's cookies
    preflight = client.options(
        "/api/v1/claims/", HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    allowed = preflight["Access-Control-Allow-Methods"]
    assert "GET" in allowed and "POST" not in allowed
    page = client.get("/directory/", HTTP_ORIGIN=ORIGIN)
    assert "Access-Control-Allow-Origin" not in page  # the pages stay closed


def test_a_nul_character_in_an_address_is_a_bad_request(client, db):
    """PostgreSQL cannot hold one in text; it is refused before any view reads it."""
    response = client.get("/api/v1/services/", {"campaign": "alpr\x00records"})
    assert response.status_code == 400
    assert "NUL character" in response.json()["detail"]
    assert client.get("/api/v1/services/a\x00b/").status_code == 400
    page = client.get("/directory/", {"campaign": "\x00"})
    assert page.status_code == 400
    assert "text/html" in page["Content-Type"]
