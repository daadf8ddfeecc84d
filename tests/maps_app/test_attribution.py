"""Which police service a camera is attributed to: the imported area, else the municipality's
own police, else the province's police of jurisdiction; never a nearer headquarters."""

import json

import pytest

from maps_app.models import CameraLocation
from maps_app.osm import osm_import
from maps_app.selectors import suggest_service
from requests_app.models import PoliceService
from tests.maps_app.test_where import TORONTO_SQUARE, areas

# Highway 6 near Highway 401 in Puslinch, south of Guelph's city limits: the Guelph Police
# Service's headquarters is the nearest one, but the Wellington County OPP polices here.
PUSLINCH_HIGHWAY_6 = (43.4800, -80.1960)
# Main Mall on the UBC Point Grey campus: the RCMP's University Detachment polices it, though
# Vancouver's and West Vancouver's departments are nearer headquarters.
UBC_CAMPUS = (49.2606, -123.2460)


def service(slug):
    return PoliceService.objects.get(slug=slug)


@pytest.mark.parametrize(
    "point, slug, how",
    [
        (PUSLINCH_HIGHWAY_6, "ontario-provincial-police", "municipality"),
        (UBC_CAMPUS, "rcmp-e-division-british-columbia", "municipality"),
        ((43.5890, -79.6441), "peel-regional-police", "municipality"),  # Mississauga
        ((43.3601, -80.3127), "waterloo-regional-police-service", "municipality"),  # Cambridge
        ((43.8800, -79.8600), "ontario-provincial-police", "municipality"),  # Caledon
        ((45.5017, -73.5673), "service-de-police-de-la-ville-de-montreal", "municipality"),
        ((45.4765, -73.8650), "service-de-police-de-la-ville-de-montreal", "municipality"),
        ((46.8139, -71.2080), "service-de-police-de-la-ville-de-quebec", "municipality"),
    ],
)
def test_a_point_goes_to_the_police_of_its_municipality(provinces, point, slug, how):
    attribution = suggest_service(*point)
    assert (attribution.service.slug, attribution.how) == (slug, how)


def test_a_nearer_headquarters_never_wins_over_the_municipalitys_own_police(provinces):
    guelph = service("guelph-police-service")
    opp = service("ontario-provincial-police")
    attribution = suggest_service(*PUSLINCH_HIGHWAY_6)
    assert attribution.service == opp
    assert attribution.municipality.name == "Puslinch"
    assert attribution.reason == (
        "The point is in or nearest to Puslinch, which Ontario Provincial Police polices."
    )
    # Guelph's headquarters is about 10 km away, the OPP's (Orillia) over 100 km.
    from maps_app import geo

    def km(s):
        return geo.distance_m(*PUSLINCH_HIGHWAY_6, float(s.latitude), float(s.longitude)) / 1000

    assert km(guelph) < 15 < 100 < km(opp)


def test_far_from_any_municipality_the_provinces_police_of_jurisdiction(provinces):
    north = suggest_service(51.5, -86.5)  # Ontario's far north
    assert (north.service.slug, north.how) == ("ontario-provincial-police", "jurisdiction")
    assert "polices the places of Ontario without police of their own" in north.reason
    james_bay = suggest_service(52.0, -74.0)
    assert (james_bay.service.slug, james_bay.how) == ("surete-du-quebec", "jurisdiction")


def test_an_imported_area_comes_first(provinces, toronto):
    areas(("Toronto", TORONTO_SQUARE))
    # Inside Toronto's imported square but nearest to Mississauga's point.
    attribution = suggest_service(43.6200, -79.5900)
    assert (attribution.service, attribution.how) == (toronto, "area")


def test_the_form_suggestion_shows_the_reason(client, alice, provinces):
    client.force_login(alice)
    data = client.get(
        "/api/map/suggest", {"lat": PUSLINCH_HIGHWAY_6[0], "lon": PUSLINCH_HIGHWAY_6[1]}
    ).json()
    assert data["service"]["name"] == "Ontario Provincial Police"
    assert data["service"]["how"] == "municipality"
    assert "Puslinch" in data["service"]["reason"]


def test_an_osm_camera_without_operator_is_attributed_with_its_reason(provinces):
    data = {
        "elements": [
            {
                "type": "node",
                "id": 4242,
                "lat": PUSLINCH_HIGHWAY_6[0],
                "lon": PUSLINCH_HIGHWAY_6[1],
                "tags": {"man_made": "surveillance", "surveillance:type": "ALPR"},
            }
        ]
    }
    osm_import(json.loads(json.dumps(data)))
    camera = CameraLocation.objects.get(osm_id=4242)
    assert camera.police_service.slug == "ontario-provincial-police"
    assert "Puslinch" in camera.notes
