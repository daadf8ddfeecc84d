"""A campaign with a known story, on a known day, for the dashboard and /stats/.

Each copy of the story (`campaign_story`) adds six new Ontario services under a test law
(30 calendar days): one claimed close to expiry, one awaiting an answer, one overdue, one
refused and appealed to the commissioner, one with records released (an approved release
naming a vendor, and a second one waiting for review), and one nobody claimed. The overdue
request asks for help, and a camera location and a correction to the directory wait for
review.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from maps_app.models import CameraLocation
from requests_app.models import Campaign, Correction, PoliceService
from requests_app.services.appeals import Ground, appeal_open, appeal_stage_record
from requests_app.services.claims import claim_create
from requests_app.services.coordination import help_wanted_open
from requests_app.services.releases import finding_record, release_decide, release_upload
from requests_app.services.requests import request_file, request_status_record
from tests.factories import (
    AccessRegimeFactory,
    PoliceServiceFactory,
    RegimeRuleSetFactory,
    UserFactory,
)
from tests.maps_app.conftest import _private_media, _two_provinces, provinces  # noqa: F401

TORONTO = ZoneInfo("America/Toronto")
TODAY = date(2027, 3, 10)  # a Wednesday


@pytest.fixture
def on_the_day():
    with time_machine.travel(datetime(2027, 3, 10, 12, tzinfo=TORONTO), tick=False):
        yield


@pytest.fixture
def alpr(directory):
    return Campaign.objects.get(slug="alpr-records")


@pytest.fixture
def test_law(directory):
    regime = AccessRegimeFactory(
        code="ON-TEST",
        jurisdiction="ON",
        short_name="TEST",
        name_en="Test Access Act",
        name_fr="Loi d'essai sur l'accès",
    )
    RegimeRuleSetFactory(regime=regime)
    return regime


@dataclass
class Story:
    services: dict = field(default_factory=dict)
    requests: dict = field(default_factory=dict)
    claims: dict = field(default_factory=dict)
    volunteers: list = field(default_factory=list)


def _upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def campaign_story(campaign, law, organizer, copy: int) -> Story:
    """One copy of the story (see the module's docstring), on the frozen day."""
    story = Story()
    for name in ("claimed", "awaiting", "overdue", "appealed", "released", "unclaimed"):
        story.services[name] = PoliceServiceFactory(
            name_en=f"Story {copy} {name} Police Service", province="ON", regime=law
        )
    holder = UserFactory(display_name=f"Hana Holder {copy}")
    other = UserFactory(display_name=f"Otto Other {copy}")
    story.volunteers = [holder, other]
    with time_machine.travel(datetime(2027, 2, 27, 12, tzinfo=TORONTO), tick=False):
        story.claims["claimed"] = claim_create(
            campaign=campaign, service=story.services["claimed"], volunteer=holder
        )
    filings = {
        "awaiting": (holder, date(2027, 3, 1)),
        "overdue": (holder, date(2027, 1, 4)),
        "appealed": (other, date(2027, 1, 4)),
        "released": (other, date(2027, 1, 11)),
    }
    for name, (volunteer, filed_on) in filings.items():
        story.claims[name] = claim_create(
            campaign=campaign, service=story.services[name], volunteer=volunteer
        )
        story.requests[name] = request_file(
            campaign=campaign, service=story.services[name], volunteer=volunteer, filed_on=filed_on
        )
    refused = story.requests["appealed"]
    request_status_record(request=refused, status="refused", occurred_on=date(2027, 2, 1), by=other)
    refused.refresh_from_db()
    appeal = appeal_open(request=refused, by=other, grounds=[Ground("search")])
    appeal_stage_record(appeal=appeal, stage="filed", occurred_on=date(2027, 2, 15), by=other)
    released = story.requests["released"]
    event = request_status_record(
        request=released, status="full_release", occurred_on=date(2027, 2, 5), by=other
    )
    public = release_upload(
        request=released,
        by=other,
        upload=_upload("cameras.csv", f"camera,place\n1,story {copy}\n"),
        received_on=date(2027, 2, 5),
        event=event,
    )
    release_decide(release=public, by=organizer, decision="approved")
    finding_record(release=public, field="vendors", raw_value="flock", page=None, by=other)
    finding_record(release=public, field="fixed_cameras", raw_value="3", page=None, by=other)
    release_upload(
        request=released,
        by=other,
        upload=_upload("policy.csv", f"policy,story {copy}\nretention,30\n"),
        received_on=date(2027, 2, 5),
        title=f"Unreviewed policy {copy}",
    )
    help_wanted_open(
        subject=story.requests["overdue"], by=holder, needed=f"A hand with story {copy}"
    )
    Correction.objects.create(
        police_service=story.services["awaiting"],
        target=Correction.Target.SERVICE,
        field="foi_email",
        proposed_value=f"access{copy}@example.org",
        source_url="https://example.org/contact",
        proposed_by=holder,
    )
    CameraLocation.objects.create(
        latitude="43.7",
        longitude="-79.4",
        source=CameraLocation.Source.FIELD,
        status=CameraLocation.Status.PENDING,
        police_service=story.services["released"],
        submitted_by=other,
    )
    for request in story.requests.values():
        request.refresh_from_db()
    return story


@pytest.fixture
def story(on_the_day, alpr, test_law, olivia):
    return campaign_story(alpr, test_law, olivia, copy=1)


def ontario_services() -> int:
    return PoliceService.objects.filter(active=True, province="ON").count()
