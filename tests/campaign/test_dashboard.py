"""The organizers' dashboard: who sees it, its lists and actions on a known story, its CSV
files (private, formula-safe) and the number of queries at two sizes."""

import csv
import io
from datetime import datetime

import pytest
import time_machine
from django.core.cache import cache

from requests_app.models import Claim, TargetActivity
from requests_app.services.coordination import help_wanted_open
from requests_app.services.requests import request_status_record
from tests.factories import CampaignFactory
from tests.mail import sent_mail

from .conftest import TODAY, TORONTO, campaign_story


def rows_of(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["/dashboard/", "/dashboard/requests.csv"])
def test_only_organizers_see_the_dashboard_and_its_files(client, alice, olivia, address):
    assert client.get(address).status_code == 302  # to the login page
    client.force_login(alice)
    assert client.get(address).status_code == 403
    client.force_login(olivia)
    assert client.get(address).status_code == 200


@pytest.mark.django_db
def test_the_lists_name_who_holds_each_target_and_what_to_do(client, olivia, story):
    client.force_login(olivia)
    response = client.get("/dashboard/")
    lists = response.context["lists"]
    holder = story.volunteers[0]
    (overdue,) = lists["overdue"]
    assert overdue["request"] == story.requests["overdue"]
    assert overdue["claim"].volunteer == holder
    assert overdue["days_late"] == 35  # due Wednesday 3 February
    assert [row["claim"] for row in lists["expiring"]] == [story.claims["claimed"]]
    assert [appeal.request for appeal in lists["appeals"]] == [story.requests["appealed"]]
    assert lists["appeals_by_stage"] == [{"stage": "Filed with the commissioner", "count": 1}]
    assert [row["request"] for row in lists["help_wanted"]] == [story.requests["overdue"]]
    for queue in ("releases", "cameras", "corrections"):
        assert lists[f"{queue}_count"] == len(lists[queue]) == 1, queue
    html = response.content.decode()
    assert holder.email in html  # organizers may contact volunteers
    remind = f"/claims/{story.claims['overdue'].pk}/remind/"
    assert f'action="{remind}"' in html
    reassign = f"{story.services['overdue'].get_absolute_url()}?campaign=alpr-records#reassign"
    assert f'href="{reassign}"' in html
    for queue in ("/moderation/", "/map/cameras/review/", "/corrections/"):
        assert f'href="{queue}"' in html
    assert f'href="/corrections/#correction-{lists["corrections"][0].pk}"' in html
    assert f'href="{lists["releases"][0].get_absolute_url()}"' in html


@pytest.mark.django_db
def test_the_lists_hold_only_the_campaigns_own(client, olivia, story, test_law):
    second = CampaignFactory(name="Second campaign", slug="second-campaign")
    campaign_story(second, test_law, olivia, copy=2)
    client.force_login(olivia)
    lists = client.get("/dashboard/?campaign=alpr-records").context["lists"]
    assert [appeal.request for appeal in lists["appeals"]] == [story.requests["appealed"]]
    assert [row["request"] for row in lists["help_wanted"]] == [story.requests["overdue"]]
    assert lists["appeals_count"] == lists["help_wanted_count"] == lists["overdue_count"] == 1
    lists = client.get("/dashboard/?campaign=second-campaign").context["lists"]
    assert [appeal.request.campaign for appeal in lists["appeals"]] == [second]
    assert [row["request"].campaign for row in lists["help_wanted"]] == [second]


@pytest.mark.django_db
def test_the_reassign_link_leads_to_the_form(client, olivia, story):
    client.force_login(olivia)
    page = client.get(story.services["overdue"].get_absolute_url()).content.decode()
    assert 'id="reassign"' in page


@pytest.mark.django_db
def test_an_organizer_reminds_a_volunteer_at_most_once_a_day(client, olivia, alice, story):
    claim = story.claims["overdue"]
    address = f"/claims/{claim.pk}/remind/"
    client.force_login(alice)
    assert client.post(address).status_code == 403
    client.force_login(olivia)
    response = client.post(address, {"next": "/dashboard/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/dashboard/"
    (message,) = sent_mail()
    assert message.to == [claim.volunteer.email]
    assert story.services["overdue"].name_en in message.subject
    assert "Overdue: follow up or appeal" in message.body
    client.post(address)
    assert len(sent_mail()) == 1
    assert "already reminded today" in client.get("/dashboard/").content.decode()
    reminded = TargetActivity.objects.get(claim=claim, kind=TargetActivity.Kind.NUDGED)
    assert (reminded.actor, reminded.subject) == (olivia, claim.volunteer)
    with time_machine.travel(datetime(2027, 3, 11, 9, tzinfo=TORONTO), tick=False):
        client.post(address)
    assert len(sent_mail()) == 2


@pytest.mark.django_db
def test_a_reminder_goes_in_the_volunteers_language(client, olivia, story):
    claim = story.claims["claimed"]
    claim.volunteer.language = "fr"
    claim.volunteer.save()
    client.force_login(olivia)
    client.post(f"/claims/{claim.pk}/remind/")
    (message,) = sent_mail()
    assert "Envoyer la lettre" in message.body  # the next step, in French


@pytest.mark.django_db
def test_a_released_claim_cannot_be_reminded(client, olivia, story):
    claim = story.claims["claimed"]
    Claim.objects.filter(pk=claim.pk).update(
        released_at=datetime(2027, 3, 9, tzinfo=TORONTO), ending="released"
    )
    client.force_login(olivia)
    client.post(f"/claims/{claim.pk}/remind/")
    assert sent_mail() == []


@pytest.mark.django_db
def test_the_organizers_files_hold_every_request_step_claim_and_appeal(client, olivia, story):
    client.force_login(olivia)
    steps = rows_of(client.get("/dashboard/requests.csv"))
    released = [r for r in steps if r["request_id"] == str(story.requests["released"].pk)]
    assert [r["step"] for r in released] == ["filed", "full_release"]
    assert released[0]["filed_by_email"] == story.volunteers[1].email
    claims = rows_of(client.get("/dashboard/claims.csv"))
    assert {row["police_service"] for row in claims} >= {
        s.name_en for s in story.services.values()
    } - {story.services["unclaimed"].name_en}
    (appeal,) = rows_of(client.get("/dashboard/appeals.csv"))
    assert (appeal["stage"], appeal["grounds"], appeal["filed_on"]) == (
        "filed",
        "search",
        "2027-02-15",
    )
    (overdue,) = rows_of(client.get("/dashboard/overdue.csv"))
    assert (overdue["days_late"], overdue["held_by_email"]) == ("35", story.volunteers[0].email)
    (expiring,) = rows_of(client.get("/dashboard/expiring-claims.csv"))
    assert expiring["expires_on"] == "2027-03-13"
    assert len(rows_of(client.get("/dashboard/open-appeals.csv"))) == 1
    waiting = rows_of(client.get("/dashboard/moderation.csv"))
    assert sorted(row["kind"] for row in waiting) == ["camera", "correction", "release"]
    assert rows_of(client.get("/dashboard/coverage.csv"))[-1]["province"] == "total"
    assert client.get("/dashboard/nothing.csv").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_a_cell_that_would_run_as_a_formula_is_written_as_text(client, olivia, story, start):
    request = story.requests["awaiting"]
    holder = story.volunteers[0]
    text = f'{start}HYPERLINK("http://example.com")'
    help_wanted_open(subject=request, by=holder, needed=text)
    request_status_record(
        request=request, status="acknowledged", occurred_on=TODAY, by=holder, note=text
    )
    client.force_login(olivia)
    calls = rows_of(client.get("/dashboard/help-wanted.csv"))
    assert f"'{text}" in [row["needed"] for row in calls]
    steps = rows_of(client.get("/dashboard/requests.csv"))
    assert f"'{text}" in [row["step_note"] for row in steps]


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_campaign(
    client, olivia, story, alpr, test_law, django_assert_num_queries, django_assert_max_num_queries
):
    client.force_login(olivia)
    addresses = ("/dashboard/", "/stats/")
    small = {}
    for address in addresses:
        cache.clear()  # the worst case: every figure computed again
        with django_assert_max_num_queries(100) as captured:
            client.get(address)
        small[address] = len(captured.captured_queries)
    for copy in (2, 3, 4):
        campaign_story(alpr, test_law, olivia, copy=copy)
    for address in addresses:
        cache.clear()
        with django_assert_num_queries(small[address]):
            response = client.get(address)
    assert len(response.context["coverage"]["rows"]) > 1
    lists = client.get("/dashboard/").context["lists"]
    assert len(lists["overdue"]) == len(lists["help_wanted"]) == len(lists["appeals"]) == 4


@pytest.mark.django_db
def test_a_long_list_shows_its_first_rows_and_how_many_in_all(
    client, olivia, story, alpr, test_law, monkeypatch
):
    from campaign import selectors as campaign_selectors

    monkeypatch.setattr(campaign_selectors, "LIST_SHOWN", 2)
    for copy in (2, 3):
        campaign_story(alpr, test_law, olivia, copy=copy)
    client.force_login(olivia)
    response = client.get("/dashboard/")
    lists = response.context["lists"]
    for name in ("overdue", "expiring", "appeals", "help_wanted"):
        assert (len(lists[name]), lists[f"{name}_count"]) == (2, 3), name
    html = response.content.decode()
    assert html.count("The first 2 of 3 are shown.") == 4
    assert "Overdue (3)" in html
    files = ("overdue", "expiring-claims", "open-appeals", "help-wanted")
    for table in files:
        link = f'href="/dashboard/{table}.csv?campaign=alpr-records">All of them in the CSV file'
        assert link in html, table
        assert len(rows_of(client.get(f"/dashboard/{table}.csv"))) == 3, table


@pytest.mark.django_db
def test_claims_needing_attention_are_found_in_sql_to_the_local_day(settings, alice):
    """The dashboard finds them in SQL; a claim is listed exactly when its reminder is due by
    the day its claimed_at falls on in the site's time zone (Toronto, on either side of
    midnight, when midnight there is already the next day in UTC)."""
    from datetime import timedelta

    from requests_app.selectors import claims_needing_attention
    from tests.factories import CampaignFactory, ClaimFactory, PoliceServiceFactory

    settings.TIME_ZONE = "America/Toronto"
    campaign = CampaignFactory()
    claims = []
    for days_ago in range(8, 14):
        day = TODAY - timedelta(days=days_ago)
        for hour, minute in ((0, 0), (0, 1), (12, 0), (23, 59)):
            claims.append(
                ClaimFactory(
                    campaign=campaign,
                    volunteer=alice,
                    police_service=PoliceServiceFactory(),
                    claimed_at=datetime(day.year, day.month, day.day, hour, minute, tzinfo=TORONTO),
                )
            )
    due = {c for c in claims if c.reminder_due_on(settings.CLAIM_STALE_DAYS) <= TODAY}
    assert 0 < len(due) < len(claims)
    assert set(claims_needing_attention(campaign, TODAY)) == due
