"""Cameras in the REST API: approved ones only, as JSON and GeoJSON, the demo's apart; and
reporting one through the camera form's own service."""

from decimal import Decimal

from maps_app.models import CameraLocation
from requests_app.models import Release
from tests.api import assert_constant_queries, client_as
from tests.factories import CampaignFactory

from .conftest import make_camera, make_release

CAMERAS = "/api/v1/cameras/"


def test_only_approved_real_cameras_are_listed(alice, bob, olivia, campaign):
    approved = make_camera()
    make_camera(latitude=Decimal("43.7"), status=CameraLocation.Status.PENDING, submitted_by=alice)
    make_camera(latitude=Decimal("43.8"), status=CameraLocation.Status.REJECTED)
    make_camera(latitude=Decimal("43.9"), is_demo=True)
    for viewer in (None, alice, bob, olivia):
        listed = client_as(viewer).get(CAMERAS).json()["results"]
        assert [c["id"] for c in listed] == [approved.pk]
    camera = client_as(None).get(CAMERAS).json()["results"][0]
    assert (camera["latitude"], camera["longitude"], camera["vendor"]) == (
        43.6532,
        -79.3832,
        "flock",
    )
    assert (camera["status"], camera["demo"]) == ("approved", False)
    assert "submitted_by" not in camera and "notes" not in camera


def test_the_demo_campaigns_cameras_only_when_it_is_chosen(campaign):
    make_camera()
    demo_camera = make_camera(latitude=Decimal("43.9"), is_demo=True)
    CampaignFactory(slug="demo", name="Demo", is_demo=True)
    listed = client_as(None).get(CAMERAS, {"campaign": "demo"}).json()["results"]
    assert [(c["id"], c["demo"]) for c in listed] == [(demo_camera.pk, True)]


def test_a_camera_shows_its_release_only_once_the_release_is_public(alice, campaign, toronto):
    pending = make_release(
        campaign=campaign, service=toronto, volunteer=alice, moderation=Release.Moderation.PENDING
    )
    make_camera(source=CameraLocation.Source.RELEASE, release=pending, page=3)
    camera = client_as(None).get(CAMERAS).json()["results"][0]
    assert (camera["release_url"], camera["page"]) == (None, None)


def test_cameras_as_geojson_with_the_same_filters_and_pages(campaign, django_assert_num_queries):
    for number in range(12):
        make_camera(
            latitude=Decimal("45") + Decimal(number) / 100,
            vendor="genetec" if number % 2 else "flock",
        )
    client = client_as(None)
    collection = client.get(f"{CAMERAS}geojson/", {"vendor": "genetec", "page_size": 4})
    assert collection["Content-Type"] == "application/geo+json"
    data = collection.json()
    assert (data["type"], data["count"], len(data["features"])) == ("FeatureCollection", 6, 4)
    feature = data["features"][0]
    assert feature["geometry"]["type"] == "Point"
    assert feature["geometry"]["coordinates"][1] >= 45
    assert feature["properties"]["vendor"] == "genetec"
    assert "page=2" in data["next"]
    assert client.get(CAMERAS, {"province": "ON"}).json()["count"] == 0  # none attributed
    assert_constant_queries(django_assert_num_queries, client, CAMERAS, rows=12)
    assert_constant_queries(django_assert_num_queries, client, f"{CAMERAS}geojson/", rows=12)


def test_a_volunteer_reports_a_camera_and_it_waits_for_review(alice, toronto):
    client = client_as(alice, token=True)
    body = {
        "latitude": "43.6532",
        "longitude": "-79.3832",
        "source": "field",
        "directions": [90, 270],
        "vendor": "flock",
        "observed_on": "2026-11-01",
    }
    response = client.post(CAMERAS, body, format="json")
    assert response.status_code == 201, response.content
    camera = CameraLocation.objects.get(pk=response.json()["id"])
    assert (camera.status, camera.submitted_by, camera.directions) == ("pending", alice, [90, 270])
    assert camera.police_service == toronto  # suggested from the point, as on the form
    assert camera.revisions.count() == 1
    assert client_as(None).get(CAMERAS).json()["results"] == []

    # A second one a few metres away is refused unless the volunteer says it is another.
    near = {**body, "latitude": "43.65321"}
    refused = client.post(CAMERAS, near, format="json")
    assert refused.status_code == 400
    assert "A known camera is within" in refused.json()["non_field_errors"][0]
    assert client.post(CAMERAS, {**near, "not_a_duplicate": True}, format="json").status_code == 201


def test_a_camera_report_is_checked_as_the_form_checks_it(alice, bob, campaign, toronto):
    client = client_as(alice)
    outside = client.post(
        CAMERAS, {"latitude": "51.5", "longitude": "-0.1", "source": "field"}, format="json"
    )
    assert outside.status_code == 400
    assert outside.json() == {"non_field_errors": ["The point is outside Canada."]}
    bad = client.post(
        CAMERAS,
        {"latitude": "45", "longitude": "-75", "source": "field", "directions": [400]},
        format="json",
    )
    assert bad.status_code == 400 and "directions" in bad.json()
    # A release not yet approved is its team's to cite, nobody else's.
    pending = make_release(
        campaign=campaign, service=toronto, volunteer=alice, moderation=Release.Moderation.PENDING
    )
    cited = {"latitude": "45", "longitude": "-75", "source": "release", "release": pending.pk}
    assert client_as(bob).post(CAMERAS, cited, format="json").status_code == 403
    assert client_as(None).post(CAMERAS, cited, format="json").status_code == 401
    assert not CameraLocation.objects.exists()
