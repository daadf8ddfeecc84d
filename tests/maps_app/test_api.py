"""The map's data endpoints: contents, clustering, caching, parameters, privacy."""

import random
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maps_app import exports, selectors
from maps_app.cache import local_copies
from maps_app.models import CameraGrid, CameraLocation
from maps_app.tiles import cameras_fingerprint
from requests_app.models import FindingField, PoliceService, Release
from requests_app.services.claims import claim_create
from tests.factories import ClaimFactory, PoliceServiceFactory
from tests.services import tasks_in_process

from .conftest import cameras_to_filter, make_camera, make_finding, make_release

COVERAGE = "/api/map/coverage.geojson"
CAMERAS = "/api/map/cameras"
CANADA = "-141,41.6,-52.5,83.2"


def features(response, layer):
    return [f for f in response.json()["features"] if f["properties"].get("layer") == layer]


def by_slug(response):
    return {f["properties"]["slug"]: f for f in features(response, "service")}


# --- Coverage ------------------------------------------------------------------------------


def test_coverage_colours_each_service_by_its_campaign_status(
    client, campaign, toronto, ottawa, bob
):
    claim_create(campaign=campaign, service=toronto, volunteer=bob)
    response = client.get(COVERAGE)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    services = by_slug(response)
    assert services["toronto-police-service"]["properties"]["status"] == "claimed"
    assert services["ottawa-police-service"]["properties"]["status"] == "unclaimed"
    assert services["toronto-police-service"]["geometry"] == {
        "type": "Point",
        "coordinates": [-79.3832, 43.6532],
    }
    assert (
        services["toronto-police-service"]["properties"]["url"]
        == "/services/toronto-police-service/"
    )


def test_coverage_shades_provinces_by_the_share_of_services_covered(
    client, campaign, provinces, toronto, ottawa, bob
):
    PoliceServiceFactory(province="QC", latitude=Decimal("46.81"), longitude=Decimal("-71.21"))
    claim_create(campaign=campaign, service=toronto, volunteer=bob)
    provinces_ = {
        f["properties"]["code"]: f["properties"] for f in features(client.get(COVERAGE), "province")
    }
    ontario = PoliceService.objects.filter(active=True, province="ON").count()
    assert provinces_["ON"]["services"] == ontario
    assert provinces_["ON"]["covered"] == 1
    assert provinces_["ON"]["share"] == round(1 / ontario, 3)
    assert provinces_["QC"]["share"] == 0


def test_coverage_counts_what_the_campaign_did(client, campaign, toronto, alice):
    release = make_release(campaign=campaign, service=toronto, volunteer=alice)
    make_release(
        campaign=campaign, service=toronto, volunteer=alice, moderation=Release.Moderation.PENDING
    )
    make_camera()
    make_camera(status=CameraLocation.Status.PENDING)
    counters = client.get(COVERAGE).json()["counters"]
    assert counters["filed"] == 1  # one request going per target, with both releases
    assert counters["releases"] == 1  # the pending one is not public
    assert counters["cameras"] == 1
    assert release.is_public


def test_vehicle_counts_are_a_figure_of_the_service_only_from_published_releases(
    client, campaign, toronto, ottawa, alice
):
    published = make_release(campaign=campaign, service=toronto, volunteer=alice)
    make_finding(release=published, field=FindingField.MOBILE_UNITS, number=4, by=alice)
    make_finding(release=published, field=FindingField.VENDORS, text="genetec", by=alice)
    private = make_release(
        campaign=campaign, service=ottawa, volunteer=alice, moderation=Release.Moderation.PENDING
    )
    make_finding(release=private, field=FindingField.MOBILE_UNITS, number=9, by=alice)
    services = by_slug(client.get(COVERAGE))
    assert services["toronto-police-service"]["properties"]["mobile_units"] == 4
    assert services["toronto-police-service"]["properties"]["vendors"] == ["genetec"]
    assert services["ottawa-police-service"]["properties"]["mobile_units"] is None
    # ... and never as camera dots.
    assert client.get(CAMERAS, {"bbox": CANADA, "zoom": 16}).json()["features"] == []


def test_coverage_at_high_zoom_leaves_out_province_shapes_but_keeps_their_bounds(
    client, campaign, provinces
):
    low = features(client.get(COVERAGE, {"zoom": 3}), "province")
    high = features(client.get(COVERAGE, {"zoom": 12}), "province")
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in low)
    assert all(f["geometry"] is None for f in high)
    assert all(len(f["properties"]["bbox"]) == 4 for f in high)


# --- Cameras ----------------------------------------------------------------------------------


def test_points_carry_what_the_map_draws_and_the_details_come_on_click(
    client, campaign, toronto, alice
):
    release = make_release(campaign=campaign, service=toronto, volunteer=alice)
    camera = make_camera(
        police_service=toronto,
        source=CameraLocation.Source.RELEASE,
        release=release,
        page=3,
        directions=[90, 270],
        submitted_by=alice,
        notes="seen from the organizer's car",
    )
    response = client.get(CAMERAS, {"bbox": "-79.5,43.6,-79.3,43.7", "zoom": 16})
    assert response.status_code == 200
    data = response.json()
    assert data["mode"] == "points"
    [feature] = data["features"]
    assert feature["geometry"]["coordinates"] == [-79.3832, 43.6532]
    assert feature["properties"] == {
        "cluster": False,
        "id": camera.pk,
        "vendor": "flock",
        "directions": [90, 270],
    }
    details = client.get(f"/api/map/cameras/{camera.pk}")
    assert details.status_code == 200
    props = details.json()
    assert props["id"] == camera.pk
    assert props["directions"] == [90, 270]
    assert props["release_url"] == f"/releases/{release.pk}/"
    assert props["page"] == 3
    assert props["service"] == "Toronto Police Service"
    assert props["url"] == f"/map/cameras/{camera.pk}/"
    text = details.content.decode()
    assert "alice" not in text and "organizer's car" not in text
    assert "submitted_by" not in props and "notes" not in props


def test_a_camera_citing_an_unpublished_release_does_not_link_it(client, campaign, toronto, alice):
    release = make_release(
        campaign=campaign, service=toronto, volunteer=alice, moderation=Release.Moderation.PENDING
    )
    camera = make_camera(source=CameraLocation.Source.RELEASE, release=release, page=2)
    props = client.get(f"/api/map/cameras/{camera.pk}").json()
    assert props["release_url"] is None
    assert props["page"] is None


def test_a_pending_camera_is_shown_only_to_its_reporter_and_organizers(client, alice, bob, olivia):
    pending = make_camera(status=CameraLocation.Status.PENDING, submitted_by=alice)
    address = f"/api/map/cameras/{pending.pk}"
    assert client.get(address).status_code == 404
    client.force_login(bob)
    assert client.get(address).status_code == 404
    for person in (alice, olivia):
        client.force_login(person)
        response = client.get(address)
        assert response.status_code == 200
        assert response.json()["status"] == "pending"
        assert response["Cache-Control"] == "private, no-store"
    assert client.get("/api/map/cameras/999999").status_code == 404


def test_pending_and_rejected_cameras_never_appear(client, db):
    make_camera(status=CameraLocation.Status.PENDING)
    make_camera(status=CameraLocation.Status.REJECTED, latitude=Decimal("43.7"))
    for zoom in (3, 16):
        assert client.get(CAMERAS, {"bbox": CANADA, "zoom": zoom}).json()["features"] == []


@pytest.mark.parametrize("zoom", [0, 3, 5, 8, 11, 13])
def test_cluster_counts_add_up_to_the_cameras_in_the_view(client, db, zoom):
    rng = random.Random(zoom)
    inside = 0
    bbox = (-80.0, 43.0, -75.0, 46.0)
    for _ in range(300):
        lat = Decimal(str(round(rng.uniform(42.5, 46.5), 6)))
        lon = Decimal(str(round(rng.uniform(-80.5, -74.5), 6)))
        make_camera(latitude=lat, longitude=lon)
        if bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]:
            inside += 1
    data = client.get(CAMERAS, {"bbox": ",".join(map(str, bbox)), "zoom": zoom}).json()
    counted = sum(
        f["properties"]["count"] if f["properties"]["cluster"] else 1 for f in data["features"]
    )
    assert counted == inside == data["total"]
    assert data["mode"] == "clusters"
    for feature in data["features"]:
        if feature["properties"]["cluster"]:
            assert feature["properties"]["count"] > 1
            lon, lat = feature["geometry"]["coordinates"]
            assert bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]


def test_the_response_stays_small_however_many_cameras(client, db, settings):
    settings.MAP_MAX_CELLS = 20
    settings.MAP_MAX_POINTS = 30
    rng = random.Random(1)
    CameraLocation.objects.bulk_create(
        CameraLocation(
            latitude=Decimal(str(round(rng.uniform(43.0, 44.0), 6))),
            longitude=Decimal(str(round(rng.uniform(-80.0, -79.0), 6))),
            source="field",
            status="approved",
        )
        for _ in range(400)
    )
    for zoom in (4, 9, 16, 20):
        data = client.get(CAMERAS, {"bbox": "-80,43,-79,44", "zoom": zoom}).json()
        assert len(data["features"]) <= 30
        counted = sum(f["properties"].get("count", 1) for f in data["features"])
        assert counted == 400


def test_cameras_filter_by_vendor_source_and_province(client, toronto):
    cameras_to_filter(toronto, Decimal("46.8"), Decimal("-71.2"))

    def count(**params):
        return len(client.get(CAMERAS, {"bbox": CANADA, "zoom": 16, **params}).json()["features"])

    assert count() == 3
    assert count(vendor="genetec") == 2
    assert count(source="osm") == 1
    assert count(province="QC") == 1


@pytest.mark.parametrize(
    "params, message",
    [
        ({"zoom": 5}, "bbox is required"),
        ({"bbox": "-80,43,-79", "zoom": 5}, "four numbers"),
        ({"bbox": "a,b,c,d", "zoom": 5}, "four numbers"),
        ({"bbox": "-80,43,-79,nan", "zoom": 5}, "four numbers"),
        ({"bbox": "-200,43,-79,44", "zoom": 5}, "out of range"),
        ({"bbox": "-80,43,-79,95", "zoom": 5}, "out of range"),
        ({"bbox": "-79,43,-80,44", "zoom": 5}, "inverted"),
        ({"bbox": "-80,44,-79,43", "zoom": 5}, "inverted"),
        ({"bbox": "-80,43,-79,44"}, "zoom is required"),
        ({"bbox": "-80,43,-79,44", "zoom": 21}, "zoom must be"),
        ({"bbox": "-80,43,-79,44", "zoom": -1}, "zoom must be"),
        ({"bbox": "-80,43,-79,44", "zoom": "5.5"}, "zoom must be"),
        ({"bbox": "-80,43,-79,44", "zoom": 5, "vendor": "acme"}, "vendor must be"),
        ({"bbox": "-80,43,-79,44", "zoom": 5, "source": "rumour"}, "source must be"),
        ({"bbox": "-80,43,-79,44", "zoom": 5, "province": "XX"}, "province must be"),
    ],
)
def test_bad_parameters_get_a_400_with_a_message(client, db, params, message):
    response = client.get(CAMERAS, params)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_bad_coverage_parameters_get_a_400(client, db):
    assert client.get(COVERAGE, {"zoom": "x"}).status_code == 400
    assert client.get(COVERAGE, {"campaign": "no-such"}).status_code == 400


def test_a_view_outside_canada_is_empty_not_an_error(client, db):
    make_camera()
    data = client.get(CAMERAS, {"bbox": "2,48,3,49", "zoom": 10}).json()
    assert data["features"] == [] and data["total"] == 0


# --- Caching -----------------------------------------------------------------------------------


def test_it_answers_304_when_the_etag_matches(client, db):
    make_camera()
    params = {"bbox": CANADA, "zoom": 16}
    first = client.get(CAMERAS, params)
    etag = first["ETag"]
    again = client.get(CAMERAS, params, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag


def test_it_serves_gzip_to_clients_that_accept_it(client, db):
    import gzip
    import json

    response = client.get(COVERAGE, HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["type"] == "FeatureCollection"


def test_an_approved_camera_invalidates_the_cached_cameras(
    client, olivia, django_capture_on_commit_callbacks
):
    from maps_app.services import camera_decide

    pending = make_camera(status=CameraLocation.Status.PENDING)
    params = {"bbox": CANADA, "zoom": 16}
    before = client.get(CAMERAS, params)
    assert before.json()["features"] == []
    # The cached data's version moves once the change is committed.
    with django_capture_on_commit_callbacks(execute=True):
        camera_decide(camera=pending, by=olivia, decision="approved")
    after = client.get(CAMERAS, params)
    assert len(after.json()["features"]) == 1
    assert after["ETag"] != before["ETag"]
    assert client.get(CAMERAS, params, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


def test_a_claim_and_its_release_invalidate_the_cached_coverage(
    client, campaign, toronto, bob, olivia, django_capture_on_commit_callbacks
):
    from requests_app.services.claims import claim_release

    assert (
        by_slug(client.get(COVERAGE))["toronto-police-service"]["properties"]["status"]
        == "unclaimed"
    )
    with django_capture_on_commit_callbacks(execute=True):
        claim = claim_create(campaign=campaign, service=toronto, volunteer=bob)
    assert (
        by_slug(client.get(COVERAGE))["toronto-police-service"]["properties"]["status"] == "claimed"
    )
    # Ending a claim is a queryset update; its activity record is what invalidates.
    with django_capture_on_commit_callbacks(execute=True):
        claim_release(claim=claim, by=bob, reason="moving away")
    assert (
        by_slug(client.get(COVERAGE))["toronto-police-service"]["properties"]["status"]
        == "unclaimed"
    )


def test_a_filed_request_invalidates_the_cached_coverage(
    client, campaign, toronto, django_capture_on_commit_callbacks
):
    ClaimFactory(campaign=campaign, police_service=toronto)
    assert client.get(COVERAGE).json()["counters"]["filed"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        make_release(campaign=campaign, service=toronto, volunteer=toronto.claims.get().volunteer)
    data = client.get(COVERAGE).json()
    assert data["counters"]["filed"] == 1
    assert by_slug_data(data)["toronto-police-service"]["properties"]["status"] == "released"


def by_slug_data(data):
    return {
        f["properties"]["slug"]: f
        for f in data["features"]
        if f["properties"]["layer"] == "service"
    }


# --- Coverage from the cache ------------------------------------------------------------------


def not_the_cache(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if "campaign_cache" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]


def test_a_warm_coverage_answer_reads_nothing_but_the_cache(client, campaign, toronto):
    params = {"zoom": 4, "campaign": campaign.slug}
    client.get(COVERAGE, params)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(COVERAGE, params).status_code == 200
    assert not_the_cache(queries) == []


def cache_reads(monkeypatch) -> list[str]:
    """The keys the site reads from its cache from now on (any backend)."""
    keys, read = [], cache.get

    def get(key, *args, **kwargs):
        keys.append(key)
        return read(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", get)
    return keys


def test_a_hit_moves_only_the_encoding_asked_for_and_a_revalidation_no_body(
    client, campaign, monkeypatch
):
    params = {"zoom": 4, "campaign": campaign.slug}
    etag = client.get(COVERAGE, params)["ETag"]
    local_copies.clear()  # as in another web process: from the shared cache
    read = cache_reads(monkeypatch)
    packed = client.get(COVERAGE, params, HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert any(k.endswith(":gzip") for k in read) and not any(k.endswith(":raw") for k in read)
    read.clear()
    local_copies.clear()
    unchanged = client.get(COVERAGE, params, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert any(k.endswith(":etag") for k in read)
    assert not any(k.endswith((":gzip", ":raw")) for k in read)


def test_a_change_has_the_map_data_built_before_anyone_asks(
    client, campaign, toronto, bob, settings, django_capture_on_commit_callbacks
):
    settings.MAP_PREBUILD = True
    make_camera()
    client.force_login(bob)
    # In-process: the services run's worker cannot see this test's rows.
    with tasks_in_process(settings), django_capture_on_commit_callbacks(execute=True):
        claimed = client.post(f"/services/{toronto.slug}/claim/", {"campaign": campaign.slug})
    assert claimed.status_code == 302
    client.logout()
    with CaptureQueriesContext(connection) as queries:
        for zoom in selectors.COVERAGE_ZOOMS:
            data = client.get(COVERAGE, {"zoom": zoom, "campaign": campaign.slug}).json()
            assert by_slug_data(data)["toronto-police-service"]["properties"]["status"] == "claimed"
    assert not_the_cache(queries) == []
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/map/", {"campaign": campaign.slug})
    assert page.context["counters"]["covered"] == 1
    assert not [sql for sql in not_the_cache(queries) if "requests_app_accessrequest" in sql]
    assert exports.built_fingerprint() == cameras_fingerprint()
    assert CameraGrid.objects.get().fingerprint == cameras_fingerprint()


def test_a_cached_answer_is_sent_before_the_site_reads_a_session(client, campaign, alice):
    params = {"zoom": 4, "campaign": campaign.slug}
    first = client.get(COVERAGE, params)
    client.force_login(alice)  # a session the cached answer has no use for
    with CaptureQueriesContext(connection) as queries:
        again = client.get(COVERAGE, params)
        french = client.get("/fr" + COVERAGE, params)
    assert again.content == french.content == first.content
    assert french["ETag"] == first["ETag"]
    assert not any("django_session" in q["sql"] for q in queries)
    assert not_the_cache(queries) == []
