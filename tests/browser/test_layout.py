"""Faults a walk through the site found, kept fixed where only a browser shows them: what
covers what, what is cut off, what a script shows or hides, how controls look."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from requests_app.services.claims import claim_create
from requests_app.services.releases import finding_record
from requests_app.services.requests import request_file
from tests.factories import (
    AccessRegimeFactory,
    CampaignFactory,
    PoliceServiceFactory,
    RegimeRuleSetFactory,
    UserFactory,
)
from tests.maps_app.conftest import make_release

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# A value for every fact the findings table compares, the long ones as long as they come.
EVERY_FACT = {
    "vendors": "flock; genetec; motorola",
    "fixed_cameras": "120",
    "mobile_units": "14",
    "retention_hits_days": "730",
    "retention_non_hits_days": "30",
    "sharing_partners": "Ontario Provincial Police, Canada Border Services Agency",
    "cross_border": "unconfirmed",
    "pia_exists": "yes",
    "policy_exists": "no",
    "annual_reports": "yes",
    "contract_value": "1250000",
    "contract_start": "2021-03-15",
    "contract_end": "2027-03-14",
    "consultation_held": "no",
}
# Where the map's dots are densest in the east: from Windsor to Cape Breton.
SOUTHERN_QUEBEC_AND_MARITIMES = [[43.5, -80.0], [49.0, -59.5]]


@pytest.fixture
def filed(transactional_db):
    """alice's request, under a law of 30 calendar days, filed today."""
    alice = UserFactory(email="alice@example.org", display_name="Alice A.")
    law = AccessRegimeFactory(code="TEST-LAW", short_name="TEST")
    RegimeRuleSetFactory(regime=law, day_kind="calendar")
    service = PoliceServiceFactory(name_en="Testville Police Service", regime=law)
    campaign = CampaignFactory()
    campaign.categories.get_or_create(
        key="contracts",
        defaults={
            "title_en": "Contracts",
            "title_fr": "Contrats",
            "wording_en": "contracts",
            "wording_fr": "les contrats",
        },
    )
    claim_create(campaign=campaign, service=service, volunteer=alice)
    request = request_file(
        campaign=campaign, service=service, volunteer=alice, filed_on=timezone.localdate()
    )
    return alice, request


def legend_covers(frame, corners) -> bool:
    """Whether the legend lies over the part of the map between these corners."""
    area, legend = frame.evaluate(
        """(corners) => {
          const map = window.campaignMap;
          const box = map.getContainer().getBoundingClientRect();
          const [a, b] = corners.map((c) => map.latLngToContainerPoint(c));
          const area = {
            left: box.left + Math.max(0, Math.min(a.x, b.x)),
            right: box.left + Math.min(box.width, Math.max(a.x, b.x)),
            top: box.top + Math.max(0, Math.min(a.y, b.y)),
            bottom: box.top + Math.min(box.height, Math.max(a.y, b.y)),
          };
          const legend = document.getElementById("map-legend").getBoundingClientRect();
          return [area, { left: legend.left, right: legend.right, top: legend.top,
                          bottom: legend.bottom }];
        }""",
        corners,
    )
    assert area["right"] > area["left"] and area["bottom"] > area["top"], "off the map"
    return (
        legend["left"] < area["right"]
        and area["left"] < legend["right"]
        and legend["top"] < area["bottom"]
        and area["top"] < legend["bottom"]
    )


def home_map(page):
    """The map embedded in the home page, drawn."""
    frame = page.locator("iframe.home-map").element_handle().content_frame()
    frame.wait_for_selector("#map[data-state=ready]")
    return frame


def test_the_legend_leaves_southern_quebec_and_the_maritimes_in_view(browsing):
    page = browsing.page()
    page.goto(browsing.url("/map/"))
    page.wait_for_selector("#map[data-state=ready]")
    expect(page.locator("#map-legend")).to_be_visible()
    assert not legend_covers(page.main_frame, SOUTHERN_QUEBEC_AND_MARITIMES)

    page.goto(browsing.url("/"))
    assert not legend_covers(home_map(page), SOUTHERN_QUEBEC_AND_MARITIMES)


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_home_page_shows_the_whole_notice_when_the_background_map_cannot_load(
    browsing, viewport
):
    page = browsing.page(**({"viewport": viewport} if viewport else {}))
    page.goto(browsing.url("/"))
    frame = home_map(page)
    note = frame.locator("#map-note")
    expect(note).to_contain_text("The background map could not load")
    inside = frame.evaluate(
        """() => { const r = document.getElementById("map-note").getBoundingClientRect();
                   return r.top >= 0 && r.bottom <= innerHeight && r.left >= 0
                     && r.right <= innerWidth; }"""
    )
    assert inside, "the notice runs past the edge of the home page's map frame"


def test_the_findings_table_reads_to_its_last_column(browsing, filed):
    alice, request = filed
    release = make_release(
        campaign=request.campaign, service=request.police_service, volunteer=alice
    )
    for field, value in EVERY_FACT.items():
        finding_record(release=release, field=field, raw_value=value, page=None, by=alice)

    page = browsing.page()
    page.goto(browsing.url("/fr/findings/"))  # the longer headings
    region = page.locator(".table-scroll")
    assert region.bounding_box()["width"] > 1152, "the table does not use the window's width"
    # Wider than the window, it scrolls to its last column from the keyboard, the police
    # service's name staying in view.
    region.focus()
    for _ in range(60):
        page.keyboard.press("ArrowRight")
    edges = page.evaluate(
        """() => { const region = document.querySelector(".table-scroll").getBoundingClientRect();
                   const cells = document.querySelectorAll("table.findings tbody tr:first-child > *");
                   const first = cells[0].getBoundingClientRect();
                   const last = cells[cells.length - 1].getBoundingClientRect();
                   return [region.left, region.right, first.left, last.right]; }"""
    )
    left, right, first_left, last_right = edges
    assert last_right <= right + 3, "the last column is cut off"  # + rounding of the scroll
    assert left - 1 <= first_left < left + 20, "the police service scrolled out of view"


def test_the_step_form_shows_the_fields_of_the_chosen_step_and_all_without_scripts(browsing, filed):
    alice, request = filed
    only_for = {
        "extension_days": {"extended"},
        "new_due_on": {"extended", "transferred"},
        "section_cited": {"extended", "transferred", "partial_release", "refused"},
        "amount": {"fee_estimate", "fee_paid"},
        "transferred_to": {"transferred"},
    }
    page = browsing.page(user=alice)
    page.goto(browsing.url(request.get_absolute_url()))
    for step in ("acknowledged", "fee_estimate", "extended", "transferred", "refused"):
        page.get_by_label("What happened").select_option(step)
        for name, steps in only_for.items():
            field = page.locator(f"#id_{name}")
            if step in steps:
                expect(field).to_be_visible()
            else:
                expect(field).to_be_hidden()
        if step == "extended":  # in the kind of days of the request's law
            expect(page.get_by_label("Extension (calendar days)")).to_be_visible()

    # A value typed for another step is not sent.
    page.get_by_label("What happened").select_option("fee_estimate")
    page.get_by_label("Amount (CAD)").fill("25.00")
    page.get_by_label("What happened").select_option("acknowledged")
    page.get_by_role("button", name="Log this step").click()
    expect(page.locator(".messages")).to_contain_text("The step is logged.")
    step = request.events.last()
    assert (step.status, step.amount) == ("acknowledged", None)

    without_scripts = browsing.page(user=alice, javascript=False)
    without_scripts.goto(browsing.url(request.get_absolute_url()))
    for name in only_for:
        expect(without_scripts.locator(f"#id_{name}")).to_be_visible()


def test_the_copy_button_looks_like_the_pages_other_buttons(browsing, filed):
    alice, request = filed
    page = browsing.page(user=alice)
    page.goto(browsing.url(f"/services/{request.police_service.slug}/letter/"))
    page.get_by_role("button", name="Show the letter").click()
    look = "b => { const s = getComputedStyle(b); return [s.backgroundColor, s.borderTopStyle, s.borderRadius, s.paddingLeft, s.fontWeight, s.cursor]; }"
    copy = page.get_by_role("button", name="Copy to clipboard").evaluate(look)
    download = page.get_by_role("button", name="Download as text").evaluate(look)
    assert copy == download


def test_the_account_menu_opens_from_a_button_without_the_raw_triangle(browsing, filed):
    alice, _request = filed
    page = browsing.page(user=alice)
    page.goto(browsing.url("/"))
    toggle = page.locator("details.menu summary")
    assert toggle.evaluate("s => getComputedStyle(s).display") != "list-item"  # no marker
    assert toggle.evaluate("s => getComputedStyle(s, '::after').borderRightStyle") == "solid"
    toggle.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="My targets")).to_be_visible()
