"""Two people doing the same thing at the same moment get one result (docs/reliability.md,
"Concurrency"); the claims and filing races are in test_claims and test_requests."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from maps_app.models import CameraLocation, CameraRevision
from maps_app.services import CameraError, camera_decide
from requests_app.models import RequestEvent
from requests_app.roles import organizer_grant
from requests_app.services.claims import claim_create
from requests_app.services.requests import RequestError, request_file, request_status_record
from tests.concurrency import at_once
from tests.factories import CampaignFactory, PoliceServiceFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_final_answer_logged_by_six_people_at_once_is_logged_once():
    campaign, service = CampaignFactory(), PoliceServiceFactory()
    alice = UserFactory()
    claim_create(campaign=campaign, service=service, volunteer=alice)
    filed = request_file(
        campaign=campaign, service=service, volunteer=alice, filed_on=date(2026, 11, 2)
    )
    organizers = [UserFactory() for _ in range(5)]
    for organizer in organizers:
        organizer_grant(organizer)

    def step(by):
        return lambda: request_status_record(
            request=filed, status="full_release", occurred_on=date(2026, 11, 5), by=by,
            today=date(2026, 11, 6),
        )  # fmt: skip

    outcomes = at_once([step(person) for person in [alice, *organizers]], (RequestError,))
    assert outcomes.count("done") == 1, outcomes
    assert all("cannot follow" in o for o in outcomes if o != "done"), outcomes
    assert RequestEvent.objects.filter(request=filed, status="full_release").count() == 1
    filed.refresh_from_db()
    assert filed.status == "full_release"


def test_one_camera_approved_by_several_organizers_at_once_is_approved_once():
    camera = CameraLocation.objects.create(
        latitude="43.6532", longitude="-79.3832", source="field", vendor="flock",
        status=CameraLocation.Status.PENDING,
    )  # fmt: skip
    organizers = [UserFactory() for _ in range(4)]
    for organizer in organizers:
        organizer_grant(organizer)

    def approve(by):
        return lambda: camera_decide(camera=camera, by=by, decision="approved")

    outcomes = at_once([approve(o) for o in organizers], (CameraError, PermissionDenied))
    assert outcomes.count("done") == 1, outcomes
    assert all("already approved" in o for o in outcomes if o != "done"), outcomes
    assert CameraRevision.objects.filter(camera=camera, action="approved").count() == 1
