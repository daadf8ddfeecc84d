"""A property-based run of schemathesis against the API's own schema: every operation, with
generated parameters and bodies, anonymous and with a volunteer's token, on generated ids and
on ones that exist. No answer may be a server error, and none may break the schema (an
undocumented status, content type or header, or a body the schema does not describe).

Bounded: a few examples per operation and mode (API_FUZZ_EXAMPLES, 5 by default), about a
minute. It runs in CI's services run (REQUIRE_SERVICES=1); `make test` skips it unless
API_FUZZ_EXAMPLES is set, e.g. `API_FUZZ_EXAMPLES=3 make test PYTEST_ARGS="-m schemathesis"`."""

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import schemathesis
import time_machine
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from requests_app.models import Campaign, PoliceService
from requests_app.services.appeals import Ground, appeal_open
from requests_app.services.claims import claim_create
from requests_app.services.requests import request_file, request_status_record
from requests_app.services.tokens import api_token_create
from tests.conftest import REQUIRE_SERVICES
from tests.maps_app.conftest import make_camera, make_finding, make_release

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# The WSGI test client does not undo the gzip the map's endpoints send to clients asking for it.
PLAIN = {"Accept-Encoding": "identity"}
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "5"))

pytestmark = [
    pytest.mark.schemathesis,
    pytest.mark.skipif(
        not (REQUIRE_SERVICES or "API_FUZZ_EXAMPLES" in os.environ),
        reason="about a minute: CI's services run, or set API_FUZZ_EXAMPLES",
    ),
]


@pytest.fixture
def existing(directory, alice, settings, tmp_path):
    """A target with a claim, a refused request under appeal, an approved release with a
    finding, and an approved camera: ids that exist, for the paths that name one. On a day
    of the shipped campaign, so that claiming and logging steps are open."""
    settings.MEDIA_ROOT = tmp_path / "media"
    alpr = Campaign.objects.get(slug="alpr-records")
    toronto = PoliceService.objects.get(slug="toronto-police-service")
    with time_machine.travel(datetime(2026, 11, 26, 12, tzinfo=ZoneInfo("America/Toronto"))):
        claim = claim_create(campaign=alpr, service=toronto, volunteer=alice)
        request = request_file(
            campaign=alpr, service=toronto, volunteer=alice, filed_on=date(2026, 11, 2)
        )
        request_status_record(
            request=request, status="refused", occurred_on=date(2026, 11, 20), by=alice
        )
        request.refresh_from_db()
        appeal = appeal_open(request=request, by=alice, grounds=[Ground("search")])
        release = make_release(campaign=alpr, service=toronto, volunteer=alice)
        make_finding(release=release, field="fixed_cameras", number=3, by=alice)
        make_camera(police_service=toronto)
        yield {
            "/api/v1/claims/": {"id": claim.pk},
            "/api/v1/requests/": {"id": request.pk},
            "/api/v1/appeals/": {"id": appeal.pk},
            "/api/v1/releases/": {"id": release.pk},
            "/api/v1/services/": {"slug": toronto.slug},
            "/api/v1/regimes/": {"code": toronto.regime.code},
        }


def _run(operation, mode, path_parameters, headers):
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(checks=CHECKS, headers=headers)

    try:
        run()
    except Unsatisfiable:
        # Some operations take no input that can be invalid (only free text, or a fixed path).
        if mode != GenerationMode.NEGATIVE:
            raise


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """The WSGI handler closes the database connection after each request, which would end
    the test's transaction on PostgreSQL; Django's own test client stops it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_no_answer_is_a_server_error_or_breaks_the_schema(
    existing, alice, wsgi_keeps_the_test_connection
):
    from campaign.wsgi import application

    cache.clear()  # the map's cached bodies and the rate limiter start empty
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    _token, secret = api_token_create(user=alice, name="schemathesis")
    ran = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        known = next(
            (ids for prefix, ids in existing.items() if operation.path.startswith(prefix)), None
        )
        named = [p.name for p in operation.path_parameters]
        signed_in = {**PLAIN, "Authorization": f"Bearer {secret}"}
        # Anonymous: valid input (invalid input gets the same 401 from the writes).
        _run(operation, GenerationMode.POSITIVE, None, PLAIN)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _run(operation, mode, None, signed_in)
            if named and known:
                _run(operation, mode, {name: known[name] for name in named}, signed_in)
        ran += 1
    assert ran >= 25  # every operation of the schema, the map's included
