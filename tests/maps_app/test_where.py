"""Which province and which police service's area hold a point."""

from decimal import Decimal

import pytest

from maps_app.areas import area_import
from maps_app.selectors import area_service_at, province_at
from maps_app.services import camera_submit
from tests.factories import PoliceServiceFactory

TORONTO_SQUARE = [[-79.6, 43.58], [-79.1, 43.58], [-79.1, 43.86], [-79.6, 43.86], [-79.6, 43.58]]
# A regional service around Toronto's square, larger on every side.
REGION_SQUARE = [[-80.0, 43.3], [-78.8, 43.3], [-78.8, 44.2], [-80.0, 44.2], [-80.0, 43.3]]


def areas(*features):
    """Import areas as an organizer does, from (name, outer ring) pairs."""
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"CSDNAME": name},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
            for name, ring in features
        ],
    }
    report = area_import(data, match_property="CSDNAME")
    assert report.areas == len(features)


@pytest.fixture
def region(db):
    return PoliceServiceFactory(
        name_en="Lakeshore Regional Police Service",
        kind="regional",
        hq_city="",
        latitude=Decimal("45.0000"),
        longitude=Decimal("-78.0000"),
    )


def test_a_point_inside_an_area_belongs_to_its_service(toronto):
    areas(("Toronto", TORONTO_SQUARE))
    assert area_service_at(43.7, -79.3) == toronto
    assert area_service_at(43.58, -79.3) == toronto  # on the edge


def test_a_point_in_no_area_belongs_to_none(toronto):
    areas(("Toronto", TORONTO_SQUARE))
    assert area_service_at(45.42, -75.69) is None
    assert area_service_at(43.9, -79.3) is None  # inside the box of no area


@pytest.mark.parametrize("order", [("Lakeshore", "Toronto"), ("Toronto", "Lakeshore")])
def test_where_areas_overlap_the_smallest_holds_the_point(toronto, region, order):
    rings = {"Toronto": TORONTO_SQUARE, "Lakeshore": REGION_SQUARE}
    for name in order:
        areas((name, rings[name]))
    assert area_service_at(43.7, -79.3) == toronto
    assert area_service_at(44.0, -79.0) == region


def test_an_inactive_services_area_is_passed_over(toronto, region):
    areas(("Toronto", TORONTO_SQUARE), ("Lakeshore", REGION_SQUARE))
    assert area_service_at(43.7, -79.3) == toronto
    toronto.active = False
    toronto.save()
    assert area_service_at(43.7, -79.3) == region


def test_a_camera_reported_after_an_import_goes_to_the_new_area(alice, toronto, region):
    areas(("Toronto", TORONTO_SQUARE))
    before = camera_submit(by=alice, latitude=44.0, longitude=-79.0, source="field")
    assert before.police_service not in (toronto, region)  # no area holds it yet
    areas(("Lakeshore", REGION_SQUARE))
    after = camera_submit(by=alice, latitude=44.01, longitude=-79.0, source="field")
    assert after.police_service == region


def test_a_reimported_area_replaces_the_old_one(toronto):
    areas(("Toronto", TORONTO_SQUARE))
    assert area_service_at(43.7, -79.3) == toronto
    moved = [[x + 2, y] for x, y in TORONTO_SQUARE]
    areas(("Toronto", moved))
    assert area_service_at(43.7, -79.3) is None
    assert area_service_at(43.7, -77.3) == toronto


@pytest.mark.parametrize(
    "latitude, longitude, province",
    [
        (43.70, -79.40, "ON"),  # Toronto
        (45.50, -73.57, "QC"),  # Montreal
        (42.33, -83.05, "ON"),  # Detroit, across the river from Windsor: the nearest
        (40.71, -74.01, ""),  # New York
    ],
)
def test_the_province_of_a_point(provinces, latitude, longitude, province):
    assert province_at(latitude, longitude) == province
