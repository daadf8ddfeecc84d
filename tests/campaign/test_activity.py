"""The organizers' activity feed: who may see it, and its province, kind and person filters."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from requests_app.models import Campaign, PoliceService
from requests_app.services.appeals import Ground, appeal_open
from requests_app.services.claims import claim_create
from requests_app.services.coordination import comment_create, help_wanted_open
from requests_app.services.requests import request_file, request_status_record


@pytest.fixture
def activity(directory, alice, bob):
    """Alice works on Toronto (Ontario), Bob on Vancouver (British Columbia)."""
    campaign = Campaign.objects.get(slug="alpr-records")
    toronto = PoliceService.objects.get(slug="toronto-police-service")
    vancouver = PoliceService.objects.get(slug="vancouver-police-department")
    with time_machine.travel(datetime(2026, 11, 26, 12, tzinfo=ZoneInfo("America/Toronto"))):
        claim_create(campaign=campaign, service=toronto, volunteer=alice)
        claim_create(campaign=campaign, service=vancouver, volunteer=bob)
        alices = request_file(
            campaign=campaign, service=toronto, volunteer=alice, filed_on=date(2026, 11, 2)
        )
        bobs = request_file(
            campaign=campaign, service=vancouver, volunteer=bob, filed_on=date(2026, 11, 3)
        )
        comment_create(subject=alices, author=alice, body="Toronto team note", visibility="team")
        comment_create(subject=bobs, author=bob, body="Vancouver public note", visibility="public")
        help_wanted_open(subject=bobs, by=bob, needed="A reader for the BC decision")
        request_status_record(
            request=alices, status="refused", occurred_on=date(2026, 11, 20), by=alice
        )
        alices.refresh_from_db()
        appeal_open(request=alices, by=alice, grounds=[Ground("exemption", section="s.8(1)(c)")])
    return {"toronto": toronto, "vancouver": vancouver}


def feed(client, **filters):
    response = client.get("/activity/", filters)
    assert response.status_code == 200
    return response.context["rows"]


def test_only_organizers_see_the_activity_feed(client, activity, alice, olivia):
    assert client.get("/activity/")["Location"].startswith("/accounts/login/")
    client.force_login(alice)
    assert client.get("/activity/").status_code == 403
    client.force_login(olivia)
    page = client.get("/activity/").content.decode()
    # Everything, team comments included, newest first.
    assert "Toronto team note" in page and "Vancouver public note" in page
    assert "A reader for the BC decision" in page


def test_the_feed_filters_by_province(client, activity, olivia):
    client.force_login(olivia)
    rows = feed(client, province="BC")
    assert rows
    assert {row["service"] for row in rows} == {activity["vancouver"]}


def test_the_feed_filters_by_kind(client, activity, olivia):
    client.force_login(olivia)
    rows = feed(client, kind="comments")
    assert [row["text"] for row in rows] == [
        "commented (public): Vancouver public note",
        "commented (team only): Toronto team note",
    ]
    assert {row["kind"] for row in feed(client, kind="claims")} == {"claims"}
    assert [row["text"] for row in feed(client, kind="steps")] == [
        "logged a step: Refused",
        "logged a step: Filed",
        "logged a step: Filed",
    ]
    assert [row["text"] for row in feed(client, kind="appeals")] == ["appeal: Drafting"]


def test_the_feed_filters_by_person(client, activity, alice, olivia):
    client.force_login(olivia)
    rows = feed(client, person=alice.pk)
    assert rows
    assert {row["person"] for row in rows} == {alice}
    assert {row["kind"] for row in rows} == {"claims", "steps", "comments", "appeals"}


def test_the_feed_combines_filters(client, activity, bob, olivia):
    client.force_login(olivia)
    rows = feed(client, province="ON", person=bob.pk)
    assert rows == []


def test_a_filter_that_is_not_offered_says_so(client, activity, olivia):
    client.force_login(olivia)
    page = client.get("/activity/", {"kind": "rumour"}).content.decode()
    assert '<ul class="errorlist" id="id_kind_error">' in page
    assert "is not one of the available choices" in page
