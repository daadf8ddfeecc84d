"""The Content-Security-Policy in a real browser: the main pages, their scripts at work, break
none of its rules (Chromium reports each thing it blocks on the console, and the `browsing`
fixture fails a test on any of them)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from requests_app.models import Campaign, PoliceService
from requests_app.roles import organizer_grant
from requests_app.services.claims import claim_create
from requests_app.services.requests import request_file
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def working(directory):
    """alice holds Peel and has filed her request; olivia organizes."""
    alice = UserFactory(email="alice@example.org", display_name="Alice A.")
    olivia = UserFactory(email="olivia@example.org")
    organizer_grant(olivia)
    campaign = Campaign.objects.get(slug="alpr-records")
    service = PoliceService.objects.get(slug="peel-regional-police")
    claim_create(campaign=campaign, service=service, volunteer=alice)
    request = request_file(
        campaign=campaign, service=service, volunteer=alice, filed_on=timezone.localdate()
    )
    return alice, olivia, request


def policy_of(response) -> dict[str, list[str]]:
    header = response.headers["content-security-policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_the_policy_reports_what_it_blocks(browsing, db):
    """The check the other tests rely on: an inline script is blocked and reported."""
    page = browsing.page()
    page.goto(browsing.url("/directory/"))
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.injected = true"; document.body.append(s); }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.injected") is None
    assert any("Content Security Policy" in error for error in browsing.errors)
    browsing.errors.clear()


def test_the_main_pages_run_their_scripts_within_the_policy(browsing, working):
    alice, olivia, request = working
    anonymous, volunteer = browsing.page(), browsing.page(user=alice)
    organizer = browsing.page(user=olivia)

    # The map: its scripts draw the data layers; the tile server is allowed for images.
    response = anonymous.goto(browsing.url("/map/"))
    policy = policy_of(response)
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert "https://tiles.invalid" in policy["img-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    anonymous.wait_for_selector("#map[data-state=ready]", timeout=20_000)
    assert anonymous.locator("#map-legend svg.swatch circle").count() >= 5

    # The home page frames the embeddable map, which any page may frame.
    anonymous.goto(browsing.url("/"))
    anonymous.frames[1].wait_for_selector("#map[data-state=ready]", timeout=20_000)

    anonymous.goto(browsing.url("/directory/"))
    volunteer.goto(browsing.url("/services/peel-regional-police/"))

    # The letter page: written out, then copied by its script.
    volunteer.goto(browsing.url("/services/peel-regional-police/letter/"))
    volunteer.locator("form.letter-form button[type=submit]").first.click()
    volunteer.wait_for_selector("#letter-text")
    volunteer.get_by_role("button", name="Copy to clipboard").click()
    expect(volunteer.locator("#copy-status")).to_have_text("Copied to the clipboard")

    # The request page: the step form shows only the chosen step's fields.
    volunteer.goto(browsing.url(request.get_absolute_url()))
    volunteer.select_option("#id_status", "acknowledged")
    assert volunteer.locator("#id_amount").is_hidden()
    volunteer.select_option("#id_status", "fee_estimate")
    assert volunteer.locator("#id_amount").is_visible()

    organizer.goto(browsing.url("/dashboard/"))
    assert organizer.locator("h1").count() == 1
    # The admin's history pages, whose one style attribute the policy allows by its hash.
    service = request.police_service
    organizer.goto(browsing.url(f"/admin/requests_app/policeservice/{service.pk}/history/"))
    assert organizer.locator("#content h1").count() == 1
    anonymous.goto(browsing.url("/accounts/login/"))

    # The API docs: Swagger UI's set-up script is a file of its own.
    anonymous.goto(browsing.url("/api/docs/"))
    anonymous.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    assert "ALPR records campaign API" in anonymous.locator(".swagger-ui .info .title").inner_text()

    assert browsing.errors == []
