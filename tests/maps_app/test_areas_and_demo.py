"""Importing police service areas, and the demo data."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from maps_app.models import CameraLocation, ServiceArea
from maps_app.selectors import suggest_service
from requests_app.models import (
    AccessRequest,
    Appeal,
    Campaign,
    Claim,
    Comment,
    Finding,
    HelpWanted,
    Release,
    User,
)

from .conftest import make_camera

SQUARE_TORONTO = [[-79.6, 43.58], [-79.1, 43.58], [-79.1, 43.86], [-79.6, 43.86], [-79.6, 43.58]]
# A bow-tie: self-intersecting, invalid, repairable into two triangles.
BOWTIE_OTTAWA = [[-76.0, 45.2], [-75.4, 45.6], [-75.4, 45.2], [-76.0, 45.6], [-76.0, 45.2]]


def feature(name, geometry, pruid="35"):
    return {
        "type": "Feature",
        "properties": {"CSDNAME": name, "PRUID": pruid},
        "geometry": geometry,
    }


@pytest.fixture
def areas_file(tmp_path):
    data = {
        "type": "FeatureCollection",
        "features": [
            feature("Toronto", {"type": "Polygon", "coordinates": [SQUARE_TORONTO]}),
            feature("Ottawa", {"type": "Polygon", "coordinates": [BOWTIE_OTTAWA]}),
            feature("Springfield", {"type": "Polygon", "coordinates": [SQUARE_TORONTO]}),
            feature(
                "Toronto", {"type": "LineString", "coordinates": [[-79.5, 43.6], [-79.4, 43.7]]}
            ),
            feature(
                "Toronto",
                {"type": "Polygon", "coordinates": [[[2, 48], [3, 48], [3, 49], [2, 48]]]},
            ),
        ],
    }
    path = tmp_path / "csd.geojson"
    path.write_text(json.dumps(data))
    return path


def test_it_imports_areas_repairs_rejects_and_reports(
    areas_file, toronto, ottawa, campaign, client
):
    from tests.factories import PoliceServiceFactory

    PoliceServiceFactory(name_en="Barrie Police Service", hq_city="Barrie")
    out = io.StringIO()
    call_command(
        "import_areas",
        str(areas_file),
        "--match-property",
        "CSDNAME",
        "--province-property",
        "PRUID",
        stdout=out,
    )
    output = out.getvalue()
    assert ServiceArea.objects.count() == 2
    assert ServiceArea.objects.get(police_service=ottawa).repaired
    assert "rejected Toronto: a LineString, not a polygon" in output
    assert "rejected Toronto: outside Canada" in output
    assert "Springfield" in output  # unmatched feature
    assert "Barrie Police Service" in output  # service still without an area
    assert "5/5 features" in output
    attribution = suggest_service(43.7, -79.3)
    assert (attribution.service, attribution.how) == (toronto, "area")
    assert (
        attribution.reason
        == "The point is inside the imported service area of Toronto Police Service."
    )
    coverage = client.get("/api/map/coverage.geojson", {"zoom": 12}).json()
    toronto_feature = next(
        f for f in coverage["features"] if f["properties"].get("slug") == toronto.slug
    )
    assert toronto_feature["geometry"]["type"] == "Polygon"
    assert toronto_feature["properties"]["area"] is True


def test_an_area_file_that_is_not_geojson_is_refused(tmp_path, db):
    bad = tmp_path / "x.geojson"
    bad.write_text('{"type": "Topology"}')
    with pytest.raises(CommandError, match="FeatureCollection"):
        call_command("import_areas", str(bad), "--match-property", "NAME")


# --- Demo data -----------------------------------------------------------------------------


@pytest.fixture
def demo_settings(settings, directory):
    settings.DEBUG = True


def test_load_demo_fills_the_map_and_remove_takes_exactly_it_away(demo_settings, olivia, client):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    campaign = Campaign.objects.get(slug="demo-alpr")
    assert campaign.name.startswith("[Demo]")

    def coverage(query=""):
        data = client.get(f"/api/map/coverage.geojson{query}").json()
        statuses = {
            f["properties"]["status"]
            for f in data["features"]
            if f["properties"]["layer"] == "service"
        }
        return statuses, data["counters"]

    statuses, counters = coverage("?campaign=demo-alpr")
    assert {"unclaimed", "claimed", "filed", "overdue", "released"} <= statuses
    assert counters["cameras"] > 0
    # The real campaign, shown by default, holds none of the demo's activity or cameras.
    statuses, counters = coverage()
    assert statuses == {"unclaimed"}
    assert (counters["covered"], counters["filed"], counters["cameras"]) == (0, 0, 0)
    assert Release.objects.approved().filter(request__campaign=campaign).exists()
    assert Finding.objects.filter(campaign=campaign, field="mobile_units").exists()
    assert CameraLocation.objects.approved().exists()
    assert CameraLocation.objects.filter(status="pending").exists()
    assert all(u.email.endswith("@demo.invalid") for u in User.objects.exclude(pk=olivia.pk))
    # The dashboard comes alive: every list of the demo campaign has something to show.
    client.force_login(olivia)
    lists = client.get("/dashboard/?campaign=demo-alpr").context["lists"]
    for name in ("overdue", "expiring", "appeals", "help_wanted", "releases", "cameras"):
        assert lists[name], name
    assert Comment.objects.filter(request__campaign=campaign).exists()
    stats = client.get("/stats/?campaign=demo-alpr").context
    assert stats["answer_times"] and stats["vendors"]
    assert stats["coverage"]["totals"]["cells"][-1][0] == 1  # one appeal at the commissioner

    with pytest.raises(CommandError, match="already loaded"):
        call_command("load_demo", stdout=io.StringIO())

    call_command("load_demo", "--remove", stdout=io.StringIO())
    assert not Campaign.objects.filter(slug="demo-alpr").exists()
    for model in (
        Claim,
        AccessRequest,
        Release,
        Finding,
        CameraLocation,
        Appeal,
        Comment,
        HelpWanted,
    ):
        assert not model.objects.exists(), model
    assert list(User.objects.all()) == [olivia]
    assert Campaign.objects.filter(slug="alpr-records").exists()  # the real one stays


def test_load_demo_refuses_a_database_with_real_activity(demo_settings, alice):
    make_camera(submitted_by=alice)
    with pytest.raises(CommandError, match="real activity"):
        call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", "--force", stdout=io.StringIO())
    call_command("load_demo", "--remove", stdout=io.StringIO())
    assert CameraLocation.objects.get().submitted_by == alice  # real data untouched


def test_load_demo_refuses_when_debug_is_off(settings, db):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo", stdout=io.StringIO())
    assert not Campaign.objects.filter(slug="demo-alpr").exists()


def test_demo_data_never_mixes_with_the_real_campaign(demo_settings, client, alice):
    call_command("load_demo", stdout=io.StringIO())
    demo = Campaign.objects.get(slug="demo-alpr")
    demo_finding = Finding.objects.filter(campaign=demo).select_related("police_service").first()
    service = demo_finding.police_service
    # The findings table, its CSV and the directory show the real campaign by default.
    page = client.get("/findings/").content.decode()
    assert service.name_en not in page
    assert service.slug not in client.get("/findings.csv").content.decode()
    assert "demonstration campaign" not in client.get("/directory/").content.decode()
    # Chosen, the demo campaign is marked as such wherever it shows.
    for address in ("/findings/?campaign=demo-alpr", "/directory/?campaign=demo-alpr"):
        assert "demonstration campaign" in client.get(address).content.decode()
    assert service.name_en in client.get("/findings/?campaign=demo-alpr").content.decode()
    assert "demo-alpr" in client.get("/findings.csv?campaign=demo-alpr").content.decode()
    # The API too: the real campaign by default, the demo marked when asked for.
    for endpoint in ("findings", "releases"):
        assert client.get(f"/api/v1/{endpoint}/").json()["count"] == 0
        demo_rows = client.get(f"/api/v1/{endpoint}/?campaign=demo-alpr").json()["results"]
        assert demo_rows and all(row["demo"] for row in demo_rows)
    assert client.get("/api/v1/findings/?campaign=nope").status_code == 404
    # A real volunteer claims from the service page and gets the real campaign's letter.
    client.force_login(alice)
    page = client.get(service.get_absolute_url())
    assert page.context["campaign"].slug == "alpr-records"
    client.post(
        f"/services/{service.slug}/claim/", {"campaign": "alpr-records", "next": "/"}, follow=True
    )
    letter = client.get(f"/services/{service.slug}/letter/")
    assert letter.status_code == 200
    assert letter.context["campaign"].slug == "alpr-records"
