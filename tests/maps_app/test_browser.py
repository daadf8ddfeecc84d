"""End to end: the public map in the system Chromium, on a live server with the demo data.

Runs headless with Debian's chromium (never a downloaded browser). Every request that is
not to the live server is aborted, so the test needs no network and shows that the map
draws its data layers when tiles cannot load.
"""

import io
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.browser


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # around it are synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def demo(transactional_db, settings):
    settings.DEBUG = True  # load_demo's guard; the live server serves static files itself
    call_command("load_demo", stdout=io.StringIO())


def test_the_public_map_draws_statuses_cameras_legend_popups_and_restores_a_permalink(
    live_server, browser, demo, settings
):
    from maps_app.models import CameraLocation
    from maps_app.selectors import STATUS_COLOURS

    settings.MAP_TILE_URL = "https://tiles.invalid/{z}/{x}/{y}.png"
    camera = CameraLocation.objects.approved().select_related("police_service").first()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    origin = live_server.url
    blocked = []

    def only_the_site(route):
        if route.request.url.startswith(origin):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_site)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{origin}/map/?campaign=demo-alpr")  # the demo shows only when chosen
    page.wait_for_selector("#map[data-state=ready]", timeout=20_000)

    # Service markers in their status colours.
    for status in ("unclaimed", "claimed", "filed", "overdue", "released"):
        marker = page.locator(f"path.service-marker.status-{status}").first
        assert marker.get_attribute("fill") == STATUS_COLOURS[status], status
    # The legend, inside the map.
    legend = page.locator(".leaflet-control-container #map-legend.leaflet-control")
    assert legend.is_visible()
    assert "Records released" in legend.inner_text()
    # Tiles could not load, and the page said so; the data is drawn anyway.
    assert any("tiles.invalid" in url for url in blocked)
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
    page.wait_for_function("location.hash.startsWith('#map=17/')")
    page.wait_for_selector("path.camera-marker", timeout=10_000)
    assert page.locator("path.camera-cone").count() >= 1
    page.locator("path.camera-marker").first.dispatch_event("click")
    page.locator(".leaflet-popup-content .camera-popup").wait_for(timeout=5_000)

    # The permalink reopens the same view, filters included.
    page.select_option("#id_status", "overdue")
    page.wait_for_function("location.hash.includes('status=overdue')")
    permalink = page.url
    zoom, lat, lon = re.search(r"map=(\d+)/([-\d.]+)/([-\d.]+)", permalink).groups()
    fresh = browser.new_page(viewport={"width": 1280, "height": 900})
    fresh.route("**/*", only_the_site)
    fresh.goto(permalink)
    fresh.wait_for_selector("#map[data-state=ready]", timeout=20_000)
    view = fresh.evaluate(
        "() => { const c = window.campaignMap.getCenter();"
        " return [window.campaignMap.getZoom(), c.lat, c.lng]; }"
    )
    assert view[0] == int(zoom)
    assert view[1] == pytest.approx(float(lat), abs=1e-4)
    assert view[2] == pytest.approx(float(lon), abs=1e-4)
    assert fresh.locator("#id_status").input_value() == "overdue"
    assert errors == []
