"""Where to send a request: route status, unconfirmed facts, the letter page without a route."""

from pathlib import Path

import pytest

from requests_app import selectors
from requests_app.models import Campaign, PoliceService, RouteStatus
from requests_app.models.directory import is_mailing_address
from requests_app.services.claims import claim_create
from tests.factories import PoliceServiceFactory

README = Path(__file__).resolve().parents[2] / "data" / "README.md"


@pytest.mark.parametrize(
    "address, mailable",
    [
        ("Freedom of Information, Hamilton Police Service, 155 King William St.\nHamilton ON L8R 1A7", True),
        ("Access and Privacy Unit, P.O. Box 1728\nSaskatoon SK S7K 3R6", True),
        ("Toronto Police Service, 40 College Street, 4th Floor\nToronto ON", False),  # no code
        ("Woodstock Police Service, Freedom of Information\nWoodstock ON N4S 1E1", False),  # no street
    ],
)  # fmt: skip
def test_a_postal_address_is_a_route_only_with_a_street_or_box_and_a_postal_code(address, mailable):
    assert is_mailing_address(address) is mailable


def test_a_route_is_confirmed_only_when_an_official_page_gave_it(db):
    service = PoliceServiceFactory(name_en="Lakeview Police Service")
    assert service.route_status() == RouteStatus.NONE
    service.foi_email = "foi@lakeview.example"
    service.foi_email_source = "UNCONFIRMED: a blog post"
    assert service.route_status() == RouteStatus.UNCONFIRMED
    service.foi_postal_address = "Lakeview Police Service, 1 Main Street\nLakeview ON"
    service.foi_postal_address_source = "https://lakeview.example/foi"
    assert service.route_status() == RouteStatus.INCOMPLETE
    service.foi_postal_address += " K1A 0B1"
    assert service.route_status() == RouteStatus.CONFIRMED
    assert service.confirmed_routes() == ["foi_postal_address"]


def test_the_shipped_directory_has_the_researched_routes(directory):
    statuses = {s.slug: s.route_status() for s in PoliceService.objects.all()}
    for slug in [
        "royal-canadian-mounted-police-national-headquarters",
        "rcmp-e-division-british-columbia",
        "surete-du-quebec",
        "calgary-police-service",
        "service-de-police-de-la-ville-de-quebec",
        "hamilton-police-service",
        "waterloo-regional-police-service",
        "halton-regional-police-service",
        "durham-regional-police-service",
        "halifax-regional-police",
        "london-police-service",
        "saskatoon-police-service",
        "regina-police-service",
        "greater-sudbury-police-service",
    ]:
        assert statuses[slug] == RouteStatus.CONFIRMED, slug
    assert statuses["toronto-police-service"] == RouteStatus.INCOMPLETE  # no postal code
    # Leads from a third-party list stay, marked as not confirmed.
    for slug in ["ontario-provincial-police", "york-regional-police", "ottawa-police-service"]:
        assert statuses[slug] == RouteStatus.UNCONFIRMED, slug
    york = PoliceService.objects.get(slug="york-regional-police")
    assert york.foi_email == "foi@yrp.ca"
    assert york.fact_is_unconfirmed("foi_email")


def test_the_totals_in_the_guide_and_the_data_readme_are_the_directorys(client, directory):
    totals = selectors.route_totals()
    assert (totals["confirmed"], totals["services"]) == (31, 171)
    html = client.get("/guide/").content.decode()
    assert "is known for 31 of the 171 police services" in html
    assert "**31 of the 171**" in README.read_text(encoding="utf-8")


def test_a_service_page_marks_a_fact_no_official_page_confirmed(client, directory):
    html = client.get("/services/york-regional-police/").content.decode()
    assert "foi@yrp.ca" in html
    assert "Not confirmed on an official page" in html
    hamilton = client.get("/services/hamilton-police-service/").content.decode()
    assert "Not confirmed on an official page" not in hamilton
    assert "155 King William St." in hamilton
    assert "Confirmed route" in hamilton


@pytest.fixture
def alpr(directory):
    return Campaign.objects.get(slug="alpr-records")


def test_without_a_route_the_letter_page_says_what_to_do(client, alice, alpr):
    peel = PoliceService.objects.get(slug="peel-regional-police")
    claim_create(campaign=alpr, service=peel, volunteer=alice)
    client.force_login(alice)
    page = client.get(f"/services/{peel.slug}/letter/?campaign=alpr-records")
    html = page.content.decode()
    assert "No way to send requests to this police service has been confirmed yet." in html
    assert "https://www.peelpolice.ca/" in html
    assert "Mississauga, Ontario" in html
    assert "freedom of information (access to information) coordinator" in html
    assert "the institution is the police service board" in html


def test_with_a_route_the_letter_page_gives_it(client, alice, alpr):
    hamilton = PoliceService.objects.get(slug="hamilton-police-service")
    claim_create(campaign=alpr, service=hamilton, volunteer=alice)
    client.force_login(alice)
    html = client.get(f"/services/{hamilton.slug}/letter/?campaign=alpr-records").content.decode()
    assert "Hamilton ON L8R 1A7" in html
    assert "has been confirmed yet" not in html


def test_the_french_letter_page_gives_the_laws_rule_in_french(client, alice, alpr):
    montreal = PoliceService.objects.get(slug="service-de-police-de-la-ville-de-montreal")
    claim_create(campaign=alpr, service=montreal, volunteer=alice)
    client.force_login(alice)
    html = client.get(f"/fr/services/{montreal.slug}/letter/?campaign=alpr-records")
    assert "responsable de l'accès aux documents" in html.content.decode().replace("&#x27;", "'")
