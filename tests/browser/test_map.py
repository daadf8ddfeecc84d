"""The public map with the demo data: statuses, cameras, legend, popups and permalinks.

Tiles cannot load (every request off the site is aborted), so this also shows that the map
draws its data layers without them.
"""

import io
import json
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(directory, settings):
    settings.DEBUG = True  # load_demo's guard
    call_command("load_demo", stdout=io.StringIO())


def test_the_public_map_draws_statuses_cameras_legend_popups_and_restores_a_permalink(
    browsing, demo
):
    from maps_app.models import CameraLocation
    from maps_app.selectors import STATUS_COLOURS

    camera = CameraLocation.objects.approved().select_related("police_service").first()
    page = browsing.page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(browsing.url("/map/?campaign=demo-alpr"))  # the demo shows only when chosen
    page.wait_for_selector("body[data-map-ready=true]", timeout=20_000)
    # The cameras came as tiles of the view, and the first drawing counts them all.
    tiles = [url for url in requested if "/api/map/cameras/" in url]
    assert tiles and all(re.search(r"/api/map/cameras/\d+/\d+/\d+\.json", u) for u in tiles)
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('.camera-cluster span')]"
        ".reduce((n, s) => n + Number(s.textContent), 0)"
        " + document.querySelectorAll('path.camera-marker').length"
    )
    assert drawn == CameraLocation.objects.public(demo=True).count()

    # Service markers in their status colours.
    for status in ("unclaimed", "claimed", "filed", "overdue", "released"):
        marker = page.locator(f"path.service-marker.status-{status}").first
        assert marker.get_attribute("fill") == STATUS_COLOURS[status], status
    # The legend, beside the map.
    legend = page.locator("#map-legend")
    assert legend.is_visible()
    assert "Records released" in legend.inner_text()
    # Tiles could not load, and the page said so; the data is drawn anyway.
    assert any("tiles.invalid" in url for url in browsing.blocked)
    assert page.locator("#map-note").is_visible()

    # A popup opens on a service marker.
    page.locator("path.service-marker.status-released").first.dispatch_event("click")
    popup = page.locator(".leaflet-popup-content .service-popup")
    popup.wait_for(timeout=5_000)
    assert "Records released" in popup.inner_text()
    assert popup.locator("a", has_text="Service page").count() == 1

    # A camera, close up, with its popup.
    page.evaluate(
        "([lat, lon]) => window.campaignMap.setView([lat, lon], 17)",
        [float(camera.latitude), float(camera.longitude)],
    )
    expect(page).to_have_url(re.compile(r"#map=17/"))  # polled from here: no eval in the page
    page.wait_for_selector("path.camera-marker", timeout=10_000)
    assert page.locator("path.camera-cone").count() >= 1
    # Its details are asked for on click and fill the popup.
    page.locator("path.camera-marker").first.dispatch_event("click")
    popup = page.locator(".leaflet-popup-content .camera-popup[data-loaded=true]")
    popup.wait_for(timeout=5_000)
    assert popup.locator("a", has_text="Details").count() == 1
    assert any(re.search(r"/api/map/cameras/\d+$", url) for url in requested)

    # The permalink reopens the same view, filters included.
    page.select_option("#id_status", "overdue")
    expect(page).to_have_url(re.compile(r"status=overdue"))
    permalink = page.url
    zoom, lat, lon = re.search(r"map=(\d+)/([-\d.]+)/([-\d.]+)", permalink).groups()
    fresh = browsing.page()
    fresh.goto(permalink)
    fresh.wait_for_selector("body[data-map-ready=true]", timeout=20_000)
    view = fresh.evaluate(
        "() => { const c = window.campaignMap.getCenter();"
        " return [window.campaignMap.getZoom(), c.lat, c.lng]; }"
    )
    assert view[0] == int(zoom)
    assert view[1] == pytest.approx(float(lat), abs=1e-4)
    assert view[2] == pytest.approx(float(lon), abs=1e-4)
    assert fresh.locator("#id_status").input_value() == "overdue"


def test_a_service_area_drawn_on_the_canvas_opens_its_popup(browsing, demo, tmp_path):
    # Areas are drawn on one canvas (thousands at country scale): no element of their own,
    # yet a click inside one opens its service's popup.
    square = [[-79.9, 43.4], [-78.9, 43.4], [-78.9, 44.1], [-79.9, 44.1], [-79.9, 43.4]]
    areas = tmp_path / "areas.geojson"
    areas.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"CSDNAME": "Toronto", "PRUID": "35"},
                        "geometry": {"type": "Polygon", "coordinates": [square]},
                    }
                ],
            }
        )
    )
    call_command(
        "import_areas",
        str(areas),
        "--match-property",
        "CSDNAME",
        "--province-property",
        "PRUID",
        stdout=io.StringIO(),
    )
    page = browsing.page()
    page.goto(browsing.url("/map/#map=9/43.75/-79.4"))
    page.wait_for_selector("body[data-map-ready=true]", timeout=20_000)
    inside = page.evaluate(
        "() => { const p = window.campaignMap.latLngToContainerPoint([44.0, -79.0]);"
        " return [p.x, p.y]; }"
    )
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + inside[0], box["y"] + inside[1])
    popup = page.locator(".leaflet-popup-content .service-popup")
    popup.wait_for(timeout=5_000)
    assert "Toronto Police Service" in popup.inner_text()
