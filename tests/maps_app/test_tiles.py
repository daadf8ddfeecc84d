"""Camera tiles (z/x/y): exact counts, the pre-counted low zooms, filters, errors, caching and
the size of what a screen of tiles weighs."""

import gzip
import math
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maps_app import tiles
from maps_app.cache import data_changed
from maps_app.clustering import cell_size, clusters, with_cells
from maps_app.models import CameraLocation
from maps_app.services import camera_decide
from maps_app.tiles import camera_tile, tile_cells
from tests.factories import CampaignFactory

from .conftest import cameras_to_filter, make_camera

TORONTO = (43.6532, -79.3832)


def tile_url(z, x, y):
    return f"/api/map/cameras/{z}/{x}/{y}.json"


def tile_of(latitude, longitude, zoom):
    """The OpenStreetMap tile numbers of a point."""
    n = 2**zoom
    x = int((longitude + 180) / 360 * n)
    lat = math.radians(latitude)
    y = int((1 - math.log(math.tan(lat) + 1 / math.cos(lat)) / math.pi) / 2 * n)
    return x, y


def tiles_around(box, zoom):
    """Every tile that may hold a camera inside (west, south, east, north)."""
    west, south, east, north = box
    x0, y0 = tile_of(north, west, zoom)
    x1, y1 = tile_of(south, east, zoom)
    # One more on each side: a row of cells belongs to the tile holding its middle.
    return [(x, y) for x in range(x0 - 1, x1 + 2) for y in range(y0 - 1, y1 + 2)]


def scatter(n, box, *, seed, **fields):
    rng = random.Random(seed)
    west, south, east, north = box
    return CameraLocation.objects.bulk_create(
        CameraLocation(
            latitude=Decimal(str(round(rng.uniform(south, north), 6))),
            longitude=Decimal(str(round(rng.uniform(west, east), 6))),
            source=fields.get("source", "field"),
            vendor=fields.get("vendor", rng.choice(["flock", "genetec", ""])),
            directions=[rng.randrange(360)],
            status="approved",
            **{k: v for k, v in fields.items() if k not in ("source", "vendor")},
        )
        for _ in range(n)
    )


def public():
    return CameraLocation.objects.public()


def in_tile(cameras, cells):
    """The cameras whose cell is one of the tile's, by the ORM: what the tile's own SQL
    must find."""
    return with_cells(cameras, cells.zoom).filter(
        cell_x__gte=cells.x_min,
        cell_x__lte=cells.x_max,
        cell_y__gte=cells.y_min,
        cell_y__lte=cells.y_max,
    )


FILTERS = {"vendor": "", "source": "", "province": "", "demo": False}


def test_a_tiles_columns_of_cells_are_exactly_its_own():
    for z, x, y in [(0, 0, 0), (4, 4, 5), (8, 70, 90), (12, 1115, 1493), (16, 17850, 23900)]:
        cells = tile_cells(z, x, y)
        _dlat, dlon = cell_size(z)
        assert cells.x_max - cells.x_min + 1 == 4
        assert cells.x_min * dlon == x / 2**z * 360 - 180
        assert (cells.x_max + 1) * dlon == (x + 1) / 2**z * 360 - 180
        # Rows are split between tiles by their middle: the next tile down starts where
        # this one ends, so no row is in two tiles and none is left out.
        assert tile_cells(z, x, y + 1).y_max == cells.y_min - 1


@pytest.mark.parametrize("zoom", [2, 5, 8, 9, 11, 13, 14, 16])
def test_the_tiles_counts_add_up_to_the_cameras_and_no_cluster_is_cut(db, settings, zoom):
    box = (-79.6, 43.5, -79.2, 43.8)
    scatter(300, box, seed=zoom)
    total = 0
    for x, y in tiles_around(box, zoom):
        tile = camera_tile(zoom, x, y, filters=FILTERS)
        counted = sum(c[2] for c in tile["clusters"]) + len(tile["points"])
        assert counted == tile["total"]
        assert all(c[2] > 1 for c in tile["clusters"])
        total += tile["total"]
    assert total == 300
    if zoom < settings.MAP_CLUSTER_MAX_ZOOM:
        # The tiles hold exactly the clusters of the grid, each whole.
        whole = sorted(c.count for c in clusters(public(), zoom))
        found = []
        for x, y in tiles_around(box, zoom):
            tile = camera_tile(zoom, x, y, filters=FILTERS)
            found += [c[2] for c in tile["clusters"]] + [1] * len(tile["points"])
        assert sorted(found) == whole


@pytest.mark.parametrize("zoom", [0, 3, 6, 8])
def test_the_pre_counted_grid_gives_what_the_cameras_give(db, zoom):
    scatter(200, (-80.0, 43.0, -73.0, 46.0), seed=zoom)
    scatter(50, (-123.3, 49.0, -122.8, 49.4), seed=zoom + 10, source="osm")
    for x, y in {tile_of(lat, lon, zoom) for lat, lon in [(44, -79), (45.5, -73.6), (49.2, -123)]}:
        from_grid = camera_tile(zoom, x, y, filters=FILTERS)
        cells = tile_cells(zoom, x, y)
        live = sorted(
            (round(c.longitude, 4), round(c.latitude, 4), c.count)
            for c in clusters(in_tile(public(), cells), zoom)
        )
        grid = sorted(
            [(round(lon, 4), round(lat, 4), n) for lon, lat, n in from_grid["clusters"]]
            + [(round(p[1], 4), round(p[2], 4), 1) for p in from_grid["points"]]
        )
        assert len(grid) == len(live)
        for found, expected in zip(grid, live, strict=True):
            # Positions are sent to within a pixel of this zoom.
            assert found == pytest.approx(expected, abs=10 ** -tiles.decimals(zoom))


def test_a_single_camera_in_a_cell_is_a_point_with_only_what_the_map_draws(client, db):
    camera = make_camera(directions=[90, 270])
    x, y = tile_of(*TORONTO, 4)
    data = client.get(tile_url(4, x, y)).json()
    assert data["clusters"] == []
    assert data["points"] == [[camera.pk, -79.38, 43.65, "flock", [90, 270]]]  # within a pixel
    x, y = tile_of(*TORONTO, 16)
    data = client.get(tile_url(16, x, y)).json()
    assert data["mode"] == "points"
    assert data["points"] == [[camera.pk, -79.3832, 43.6532, "flock", [90, 270]]]


def test_a_crowded_tile_close_up_is_clustered(client, db, settings):
    settings.MAP_TILE_MAX_POINTS = 10
    x, y = tile_of(*TORONTO, 15)
    cells = tile_cells(15, x, y)
    dlat, dlon = cell_size(15)
    inside = (
        cells.x_min * dlon,
        (cells.y_min + 0.5) * dlat,
        (cells.x_max + 1) * dlon,
        (cells.y_max + 0.5) * dlat,
    )
    scatter(40, inside, seed=3)
    data = client.get(tile_url(15, x, y)).json()
    assert data["mode"] == "clusters"
    assert data["total"] == 40
    assert sum(c[2] for c in data["clusters"]) + len(data["points"]) == 40


def test_tiles_filter_by_vendor_source_province_and_campaign(client, toronto):
    cameras_to_filter(toronto, Decimal("45.5"), Decimal("-73.6"))
    make_camera(is_demo=True, latitude=Decimal("43.67"))
    demo = CampaignFactory(is_demo=True, slug="demo-alpr")

    def count(zoom, **params):
        x, y = tile_of(45, -76, 0 if zoom == 0 else zoom)
        return client.get(tile_url(zoom, x, y), params).json()["total"]

    for zoom in (0, 2):  # the whole of eastern Canada in one tile: the pre-counted grid
        assert count(zoom) == 3
        assert count(zoom, vendor="genetec") == 2
        assert count(zoom, source="osm") == 1
        assert count(zoom, province="QC") == 1
        assert count(zoom, campaign=demo.slug) == 1
    x, y = tile_of(*TORONTO, 14)
    assert client.get(tile_url(14, x, y), {"vendor": "flock"}).json()["total"] == 1


@pytest.mark.parametrize(
    "address, message",
    [
        (tile_url(21, 0, 0), "z must be a zoom from 0 to 20"),
        (tile_url(3, 8, 0), "x and y must be from 0 to 7 at zoom 3"),
        (tile_url(3, 0, 8), "x and y must be from 0 to 7 at zoom 3"),
        (tile_url(3, 0, 0) + "?vendor=acme", "vendor must be"),
        (tile_url(3, 0, 0) + "?province=XX", "province must be"),
        (tile_url(3, 0, 0) + "?campaign=no-such", "No open campaign"),
    ],
)
def test_a_bad_tile_gets_a_400_with_a_message(client, db, address, message):
    response = client.get(address)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_a_tile_has_an_etag_and_may_be_cached(client, db):
    scatter(100, (-79.40, 43.64, -79.37, 43.66), seed=4)
    x, y = tile_of(*TORONTO, 12)
    first = client.get(tile_url(12, x, y))
    assert first["Content-Type"] == "application/json"
    assert first["Cache-Control"] == "public, max-age=60"
    assert client.get(tile_url(12, x, y), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    packed = client.get(tile_url(12, x, y), HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == first.content
    # An empty tile is smaller as it is: sent plain to everyone.
    empty = client.get(tile_url(12, 0, 0), HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in empty
    assert empty.json() == {"mode": "clusters", "total": 0, "clusters": [], "points": []}


def test_an_approved_camera_is_in_the_tiles_at_once(
    client, olivia, django_capture_on_commit_callbacks
):
    pending = make_camera(status=CameraLocation.Status.PENDING)
    x, y = tile_of(*TORONTO, 3)
    assert client.get(tile_url(3, x, y)).json()["total"] == 0
    with django_capture_on_commit_callbacks(execute=True):  # the change is announced on commit
        camera_decide(camera=pending, by=olivia, decision="approved")
    assert client.get(tile_url(3, x, y)).json()["total"] == 1


def test_cameras_written_in_bulk_are_counted_once_the_data_changed(client, db):
    x, y = tile_of(*TORONTO, 4)
    assert client.get(tile_url(4, x, y)).json()["total"] == 0
    scatter(20, (-79.6, 43.5, -79.2, 43.8), seed=1)  # no signal, as an import writes them
    data_changed()  # what an import says once it is done
    assert client.get(tile_url(4, x, y)).json()["total"] == 20


def camera_reads(queries) -> list[str]:
    """Queries reading camera rows (not the fingerprint, nor the few single cameras)."""
    return [
        q["sql"]
        for q in queries
        if "maps_app_cameralocation" in q["sql"]
        and not q["sql"].startswith("SELECT COUNT(")
        and " c.id IN (" not in q["sql"]
    ]


@pytest.mark.parametrize("size", [30, 600])
def test_a_cold_tile_at_country_zoom_reads_the_grid_not_the_cameras(client, db, size):
    scatter(size, (-80.0, 43.0, -73.0, 46.0), seed=size)
    x, y = tile_of(45, -76, 4)
    client.get(tile_url(4, x, y))  # builds the grid
    data_changed()  # a claim, say: every cached tile is stale, the grid still current
    with CaptureQueriesContext(connection) as queries:
        assert client.get(tile_url(4, x, y)).json()["total"] == size
    assert camera_reads(queries) == []
    data = [
        q["sql"]
        for q in queries
        if "campaign_cache" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]
    # The campaign, the grid's check (its row, the cameras' fingerprint), the cells and the
    # few single cameras, if any: whatever the number of cameras.
    assert len(data) <= 5


# --- What a screen of tiles weighs ---------------------------------------------------------

VIEWPORTS = [(1280, 800), (2560, 1440)]


def screen_tiles(latitude, longitude, zoom, width, height):
    """The tiles a map of this size centred here shows (as map.js works them out)."""
    world = 256 * 2**zoom
    cx = (longitude + 180) / 360 * world
    lat = math.radians(latitude)
    cy = (1 - math.log(math.tan(lat) + 1 / math.cos(lat)) / math.pi) / 2 * world
    x0, x1 = math.floor((cx - width / 2) / 256), math.floor((cx + width / 2 - 1) / 256)
    y0, y1 = math.floor((cy - height / 2) / 256), math.floor((cy + height / 2 - 1) / 256)
    last = 2**zoom - 1
    return [
        (x, y)
        for x in range(max(0, x0), min(last, x1) + 1)
        for y in range(max(0, y0), min(last, y1) + 1)
    ]


@pytest.fixture
def crowded(db):
    """A few thousand cameras: a dense city centre, its region, and the rest of Canada."""
    scatter(1500, (-79.42, 43.63, -79.35, 43.67), seed=1)
    scatter(1500, (-80.2, 43.2, -78.8, 44.1), seed=2)
    scatter(1000, (-130.0, 42.5, -55.0, 60.0), seed=3)
    return 4000


@pytest.mark.parametrize("zoom", [3, 5, 8, 10, 12, 14, 16, 18])
def test_a_screen_of_tiles_stays_under_100_kb_and_30_kb_gzipped(client, crowded, zoom):
    for width, height in VIEWPORTS:
        raw = packed = 0
        for x, y in screen_tiles(*TORONTO, zoom, width, height):
            raw += len(client.get(tile_url(zoom, x, y)).content)
            packed += len(client.get(tile_url(zoom, x, y), HTTP_ACCEPT_ENCODING="gzip").content)
        assert raw <= 100_000, (zoom, width, raw)
        assert packed <= 30_000, (zoom, width, packed)


def test_while_another_process_builds_the_grid_a_tile_is_counted_from_the_cameras(client, db):
    from django.core.cache import cache

    scatter(40, (-79.6, 43.5, -79.2, 43.8), seed=7)
    cache.add(tiles.GRID_LOCK, True)  # a build is under way elsewhere
    x, y = tile_of(*TORONTO, 4)
    assert client.get(tile_url(4, x, y)).json()["total"] == 40
    cache.delete(tiles.GRID_LOCK)
    data_changed()
    assert client.get(tile_url(4, x, y)).json()["total"] == 40
    assert tiles.CameraGrid.objects.get().fingerprint == tiles.cameras_fingerprint()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan; PostgreSQL's varies")
def test_a_tile_reads_its_cameras_through_the_position_index(db):
    scatter(200, (-79.5, 43.6, -79.3, 43.7), seed=7)
    sql, params = tiles._in_tile("COUNT(*)", tile_cells(12, *tile_of(*TORONTO, 12)), FILTERS)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "USING INDEX camera_status_lat_lon" in plan
