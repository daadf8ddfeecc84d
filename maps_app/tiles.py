"""Cameras in fixed web map tiles (z/x/y): what the map page asks for as it pans and zooms.

A tile holds the grid cells of clustering.py at its zoom. A cell is a quarter of a tile wide,
so a tile's four columns of cells are exactly its own. Rows are even in latitude while tiles
are not (Web Mercator), so a row belongs to the tile holding its middle. Every camera is then
in exactly one tile at each zoom: the counts of the tiles add up to the cameras, and a cluster
is never cut in two at a tile's edge (its mean position may sit a little past the edge; the
map draws every tile in one layer).

Up to GRID_MAX_ZOOM (the whole country down to a region) the counts come from `CameraCell`,
built from the cameras once per change (`camera_grid_refresh`), so a tile reads a few dozen
rows whatever the number of cameras; above it, from the cameras themselves, through the
latitude and longitude index. From MAP_CLUSTER_MAX_ZOOM up a tile holds points, unless it has
more than MAP_TILE_MAX_POINTS, which keeps every tile, and so every view, small.
"""

import math
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, FloatField, Max, Min, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from requests_app.models import PoliceService

from .cache import cached_value
from .clustering import CELLS_PER_TILE, cell_size, with_cells
from .models import CameraCell, CameraGrid, CameraLocation

GRID_MAX_ZOOM = 8
GRID_LOCK = "maps:camera-grid-building"
# Longer than a build of the grid; a process that dies mid-build frees it then.
GRID_LOCK_SECONDS = 5 * 60
MAX_ZOOM = 20
# A cell's bounds in degrees are compared with six-decimal positions: this margin keeps a
# camera on a cell's edge in the index's range; its cell (floor()) decides the tile.
EDGE_MARGIN = 1e-6


@dataclass(frozen=True)
class TileCells:
    """The cells of one tile: columns x_min..x_max and rows y_min..y_max at `zoom`."""

    zoom: int
    x_min: int
    x_max: int
    y_min: int
    y_max: int


def _tile_latitude(y: int, tiles: int) -> float:
    """Latitude of the northern edge of tile row `y` (Web Mercator)."""
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / tiles))))


def tile_cells(z: int, x: int, y: int) -> TileCells:
    tiles = 2**z
    dlat, _dlon = cell_size(z)
    # Longitude -180 is column -CELLS_PER_TILE * tiles / 2 exactly (cells are powers of two).
    x_min = CELLS_PER_TILE * x - CELLS_PER_TILE * tiles // 2
    north, south = _tile_latitude(y, tiles), _tile_latitude(y + 1, tiles)
    # The rows whose middle, (row + 0.5) * dlat, is in [south, north).
    return TileCells(
        zoom=z,
        x_min=x_min,
        x_max=x_min + CELLS_PER_TILE - 1,
        y_min=math.ceil(south / dlat - 0.5),
        y_max=math.ceil(north / dlat - 0.5) - 1,
    )


def decimals(zoom: int) -> int:
    """Decimal places of a position that still place it within a pixel at this zoom."""
    pixels_per_degree = 256 * 2**zoom / 360
    return min(6, max(1, math.ceil(math.log10(pixels_per_degree))))


def point_rows(cameras: QuerySet) -> QuerySet:
    """What the map needs of a camera to draw it: the rest comes when it is clicked."""
    return cameras.order_by("pk").values_list("pk", "longitude", "latitude", "vendor", "directions")


# --- The pre-counted low zooms ---------------------------------------------------------------


def cameras_fingerprint() -> str:
    """Changes whenever a camera is added, removed or saved (indexed, a few milliseconds)."""
    state = CameraLocation.objects.aggregate(n=Count("pk"), last=Max("updated_at"), top=Max("pk"))
    last = state["last"].isoformat() if state["last"] else ""
    return f"{state['n']}:{state['top'] or 0}:{last}"


def _grid_cells() -> list[tuple]:
    """Approved cameras per cell and filter values at GRID_MAX_ZOOM, in one grouped query,
    then added up for each zoom below (a cell's four children at the next zoom down are its
    columns and rows halved, floor division of the same integers). Rows of `_CELL_COLUMNS`."""
    rows = (
        with_cells(CameraLocation.objects.approved(), GRID_MAX_ZOOM)
        .values(
            "cell_x",
            "cell_y",
            "is_demo",
            "vendor",
            "source",
            province=F("police_service__province"),
        )
        .annotate(
            n=Count("pk"),
            lat=Sum(Cast(F("latitude"), FloatField())),
            lon=Sum(Cast(F("longitude"), FloatField())),
            first=Min("pk"),
        )
        .order_by()
    )
    totals: dict[tuple, list] = {}
    for row in rows:
        x, y = int(row["cell_x"]), int(row["cell_y"])
        filters = (row["is_demo"], row["vendor"], row["source"], row["province"] or "")
        for zoom in range(GRID_MAX_ZOOM + 1):
            shift = GRID_MAX_ZOOM - zoom
            key = (zoom, x >> shift, y >> shift, *filters)
            total = totals.get(key)
            if total is None:
                totals[key] = [row["n"], row["lat"], row["lon"], row["first"]]
            else:
                total[0] += row["n"]
                total[1] += row["lat"]
                total[2] += row["lon"]
                total[3] = min(total[3], row["first"])
    return [(*key, *total) for key, total in totals.items()]


_CELL_COLUMNS = (
    "zoom, x, y, is_demo, vendor, source, province, count, latitude_sum, longitude_sum, first_id"
)


def _grid_write(cells: list[tuple]) -> None:
    """Replace the grid's cells (tens of thousands of rows at full size: written as plain
    rows, without building a model object for each)."""
    CameraCell.objects.all().delete()
    marks = ", ".join(["%s"] * len(_CELL_COLUMNS.split(",")))
    sql = f"INSERT INTO {CameraCell._meta.db_table} ({_CELL_COLUMNS}) VALUES ({marks})"
    with connection.cursor() as cursor:
        for start in range(0, len(cells), 5000):
            cursor.executemany(sql, cells[start : start + 5000])


def camera_grid_refresh() -> bool | None:
    """Rebuild `CameraCell` if the cameras changed since it was built: True if it was,
    False if it was current, None if another process is building it now.

    One builder at a time (a lock in the cache, and the grid's row locked in the database);
    the others go on without the grid meanwhile. The fingerprint is read before the
    cameras: a change made during the build leaves the grid marked older than it is, and the
    next check builds it again."""
    if CameraGrid.objects.filter(fingerprint=cameras_fingerprint()).exists():
        return False
    if not cache.add(GRID_LOCK, True, timeout=GRID_LOCK_SECONDS):
        return None
    try:
        with transaction.atomic():
            grid, _created = CameraGrid.objects.select_for_update().get_or_create(pk=1)
            fingerprint = cameras_fingerprint()
            if grid.fingerprint == fingerprint:
                return False
            _grid_write(_grid_cells())
            grid.fingerprint = fingerprint
            grid.built_at = timezone.now()
            grid.save()
    finally:
        cache.delete(GRID_LOCK)
    return True


def camera_grid_current() -> bool:
    """Whether the grid reflects the cameras, building it if not (and no one else is). Known
    once per version of the map's data (every change to a camera bumps it), so a tile costs
    no check when the cache is warm."""
    current = cached_value(
        "camera-grid", {}, lambda: None if camera_grid_refresh() is None else True, flag=True
    )
    return current is not None


# --- The queries of a tile, in SQL ---------------------------------------------------------
# Written once rather than built by the ORM for each tile: building the queries took most of
# a cold tile's time. Plain SQL (CAST, FLOOR, GROUP BY) that SQLite and PostgreSQL both run,
# with the cells computed as clustering.with_cells computes them and the position bounds
# read through the (status, latitude, longitude) index.

_CAMERAS = CameraLocation._meta.db_table
_CELLS = CameraCell._meta.db_table
_SERVICES = PoliceService._meta.db_table
_LATITUDE = CameraLocation._meta.get_field("latitude")
_LONGITUDE = CameraLocation._meta.get_field("longitude")
_DIRECTIONS = CameraLocation._meta.get_field("directions")
_LON = "CAST(c.longitude AS DOUBLE PRECISION)"
_LAT = "CAST(c.latitude AS DOUBLE PRECISION)"


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _filtered(sql: str, params: list, filters: dict, *, columns: dict) -> tuple[str, list]:
    """`sql` and `params` with the map's vendor, source and province filters that are
    given, on the `columns` named for them."""
    for name, column in columns.items():
        if filters[name]:
            sql += f" AND {column} = %s"
            params.append(filters[name])
    return sql, params


def _in_tile(columns: str, cells: TileCells, filters: dict) -> tuple[str, list]:
    """A query of `columns` from `near`: the public cameras (id, lon, lat, vendor,
    directions) whose cell (cell_x, cell_y) at the tile's zoom is one of the tile's."""
    dlat, dlon = cell_size(cells.zoom)
    bounds = [
        _LATITUDE.get_db_prep_value(cells.y_min * dlat - EDGE_MARGIN, connection),
        _LATITUDE.get_db_prep_value((cells.y_max + 1) * dlat + EDGE_MARGIN, connection),
        _LONGITUDE.get_db_prep_value(cells.x_min * dlon - EDGE_MARGIN, connection),
        _LONGITUDE.get_db_prep_value((cells.x_max + 1) * dlon + EDGE_MARGIN, connection),
    ]
    join = f" JOIN {_SERVICES} s ON s.id = c.police_service_id" if filters["province"] else ""
    near, params = _filtered(
        f"SELECT c.id AS id, {_LON} AS lon, {_LAT} AS lat, c.vendor AS vendor,"
        f" c.directions AS directions, FLOOR({_LON} / %s) AS cell_x,"
        f" FLOOR({_LAT} / %s) AS cell_y FROM {_CAMERAS} c{join}"
        " WHERE c.status = %s AND c.is_demo = %s AND c.latitude >= %s AND c.latitude <= %s"
        " AND c.longitude >= %s AND c.longitude <= %s",
        [dlon, dlat, CameraLocation.Status.APPROVED.value, filters["demo"], *bounds],
        filters,
        columns={"vendor": "c.vendor", "source": "c.source", "province": "s.province"},
    )
    return (
        f"SELECT {columns} FROM ({near}) near"
        " WHERE cell_x BETWEEN %s AND %s AND cell_y BETWEEN %s AND %s",
        [*params, cells.x_min, cells.x_max, cells.y_min, cells.y_max],
    )


def _tile_points(cells: TileCells, filters: dict, limit: int) -> list[tuple]:
    sql, params = _in_tile("id, lon, lat, vendor, directions", cells, filters)
    return _rows(f"{sql} ORDER BY id LIMIT %s", [*params, limit])


def _tile_clusters(cells: TileCells, filters: dict) -> list[tuple]:
    sql, params = _in_tile("SUM(lon), SUM(lat), COUNT(*), MIN(id)", cells, filters)
    rows = _rows(f"{sql} GROUP BY cell_x, cell_y ORDER BY cell_x, cell_y", params)
    return [(lon / n, lat / n, n, first) for lon, lat, n, first in rows]


def _grid_clusters(cells: TileCells, filters: dict) -> list[tuple]:
    sql, params = _filtered(
        "SELECT SUM(longitude_sum), SUM(latitude_sum), SUM(count), MIN(first_id)"
        f" FROM {_CELLS} WHERE is_demo = %s AND zoom = %s AND x BETWEEN %s AND %s"
        " AND y BETWEEN %s AND %s",
        [filters["demo"], cells.zoom, cells.x_min, cells.x_max, cells.y_min, cells.y_max],
        filters,
        columns={"vendor": "vendor", "source": "source", "province": "province"},
    )
    rows = _rows(f"{sql} GROUP BY x, y ORDER BY x, y", params)
    return [(lon / n, lat / n, n, first) for lon, lat, n, first in rows]


def _points_by_id(ids: list[int]) -> list[tuple]:
    marks = ", ".join(["%s"] * len(ids))
    return _rows(
        f"SELECT c.id, {_LON}, {_LAT}, c.vendor, c.directions FROM {_CAMERAS} c"
        f" WHERE c.id IN ({marks}) ORDER BY c.id",
        ids,
    )


def _point(row, places: int) -> list:
    pk, longitude, latitude, vendor, directions = row
    directions = _DIRECTIONS.from_db_value(directions, None, connection)
    return [pk, round(longitude, places), round(latitude, places), vendor, directions]


# --- A tile ------------------------------------------------------------------------------------


def camera_tile(z: int, x: int, y: int, *, filters: dict) -> dict:
    """The tile's public cameras with the map's `filters` (vendor, source, province, demo):
    `clusters` as [longitude, latitude, count] (two or more cameras in a cell, at their mean
    position) and `points` as [id, longitude, latitude, vendor, directions]; `total` is every
    camera in the tile."""
    cells = tile_cells(z, x, y)
    places = decimals(z)
    tile = {"mode": "points", "total": 0, "clusters": [], "points": []}
    if cells.y_min > cells.y_max:  # a sliver of a row near a pole: no row's middle in it
        return tile
    if z >= settings.MAP_CLUSTER_MAX_ZOOM:
        rows = _tile_points(cells, filters, settings.MAP_TILE_MAX_POINTS + 1)
        if len(rows) <= settings.MAP_TILE_MAX_POINTS:
            tile["total"] = len(rows)
            tile["points"] = [_point(row, places) for row in rows]
            return tile
    if z <= GRID_MAX_ZOOM and camera_grid_current():
        found = _grid_clusters(cells, filters)
    else:
        found = _tile_clusters(cells, filters)
    singles = [first for _lon, _lat, n, first in found if n == 1]
    tile["mode"] = "clusters"
    tile["total"] = sum(n for _lon, _lat, n, _first in found)
    tile["clusters"] = [
        [round(lon, places), round(lat, places), n] for lon, lat, n, _first in found if n > 1
    ]
    if singles:
        tile["points"] = [_point(row, places) for row in _points_by_id(singles)]
    return tile
