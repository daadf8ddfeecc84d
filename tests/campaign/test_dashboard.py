from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from requests_app.models import PoliceService
from requests_app.services.claims import claim_create
from tests.factories import CampaignFactory, PoliceServiceFactory


@pytest.mark.django_db
def test_only_organizers_see_the_dashboard(client, alice, olivia):
    assert client.get("/dashboard/").status_code == 302
    client.force_login(alice)
    assert client.get("/dashboard/").status_code == 403
    client.force_login(olivia)
    assert client.get("/dashboard/").status_code == 200


@pytest.mark.django_db
def test_the_dashboard_counts_coverage_and_lists_claims_close_to_expiry(
    client, alice, olivia, settings
):
    settings.CLAIM_STALE_DAYS = 14
    campaign = CampaignFactory()
    claimed = PoliceServiceFactory(province="ON")
    PoliceServiceFactory(province="BC", latitude=49.2, longitude=-123.1)
    active = PoliceService.objects.filter(active=True)
    with time_machine.travel(datetime(2026, 11, 1, 12, tzinfo=ZoneInfo("America/Toronto"))):
        claim_create(campaign=campaign, service=claimed, volunteer=alice)
    client.force_login(olivia)
    with time_machine.travel(datetime(2026, 11, 13, 12, tzinfo=ZoneInfo("America/Toronto"))):
        response = client.get("/dashboard/")
    coverage = {row["province"]: row for row in response.context["coverage"]}
    ontario, bc = active.filter(province="ON").count(), active.filter(province="BC").count()
    assert (coverage["ON"]["services"], coverage["ON"]["claimed"]) == (ontario, 1)
    assert coverage["ON"]["unclaimed"] == ontario - 1
    assert coverage["BC"]["unclaimed"] == bc
    assert response.context["totals"]["covered"] == 1
    assert [row["claim"].police_service for row in response.context["attention"]] == [claimed]
    assert "alice@example.org" in response.content.decode()  # organizers may contact volunteers
