"""axe-core (vendored under tests/vendor/axe-core) on the main pages, in English and French:
no critical or serious violation, as each page looks to the person who uses it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from requests_app.models import AppealGround, Campaign, PoliceService
from requests_app.roles import organizer_grant
from requests_app.services.appeals import Ground, appeal_open
from requests_app.services.claims import claim_create
from requests_app.services.coordination import comment_create
from requests_app.services.requests import request_file
from tests.factories import UserFactory

from .conftest import axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def appealed(directory):
    """alice's request to Peel, unanswered past its due date, with an appeal opened."""
    alice = UserFactory(email="alice@example.org", display_name="Alice A.")
    campaign = Campaign.objects.get(slug="alpr-records")
    service = PoliceService.objects.get(slug="peel-regional-police")
    today = timezone.localdate()
    claim_create(campaign=campaign, service=service, volunteer=alice, today=today)
    request = request_file(
        campaign=campaign, service=service, volunteer=alice, filed_on=today - timedelta(days=90)
    )
    comment_create(subject=request, author=alice, body="Sent by e-mail.", visibility="public")
    appeal = appeal_open(
        request=request, by=alice, grounds=[Ground(AppealGround.Kind.DEEMED_REFUSAL)]
    )
    return alice, request, appeal


def visit(page, url: str) -> None:
    page.goto(url)
    if page.locator("#map").count():
        page.wait_for_selector("#map[data-state=ready]")
    for frame in page.frames[1:]:
        frame.wait_for_selector("#map[data-state=ready]")


def test_the_main_pages_have_no_serious_accessibility_violations_in_english_or_french(
    browsing, appealed
):
    alice, request, appeal = appealed
    olivia = UserFactory(email="olivia@example.org")
    organizer_grant(olivia)
    anonymous, volunteer = browsing.page(), browsing.page(user=alice)
    organizer = browsing.page(user=olivia)
    found = {}
    for prefix in ("", "/fr"):
        pages = [
            (anonymous, "/"),
            (anonymous, "/map/"),
            (anonymous, "/directory/"),
            (volunteer, "/services/peel-regional-police/"),
            (volunteer, "/services/peel-regional-police/letter/"),
            (volunteer, request.get_absolute_url()),
            (volunteer, appeal.get_absolute_url()),
            (anonymous, "/findings/"),
            (anonymous, "/stats/"),
            (organizer, "/dashboard/"),
        ]
        for page, path in pages:
            visit(page, browsing.url(prefix + path))
            if path.endswith("/letter/"):  # with the letter written out, to copy
                page.locator("form.letter-form button[type=submit]").first.click()
                page.wait_for_selector("#letter-text")
            if violations := axe_violations(page):
                found[prefix + path] = violations
    assert found == {}
