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
from django.db import transaction
from django.db.models import Count, F, FloatField, Max, Min, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from .cache import cached_value
from .clustering import CELLS_PER_TILE, cell_size, grouped, with_cells
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


def in_tile(cameras: QuerySet, cells: TileCells) -> QuerySet:
    """The cameras whose cell at the tile's zoom is one of the tile's (annotated with it)."""
    dlat, dlon = cell_size(cells.zoom)
    near = cameras.filter(
        latitude__gte=cells.y_min * dlat - EDGE_MARGIN,
        latitude__lte=(cells.y_max + 1) * dlat + EDGE_MARGIN,
        longitude__gte=cells.x_min * dlon - EDGE_MARGIN,
        longitude__lte=(cells.x_max + 1) * dlon + EDGE_MARGIN,
    )
    return with_cells(near, cells.zoom).filter(
        cell_x__gte=cells.x_min,
        cell_x__lte=cells.x_max,
        cell_y__gte=cells.y_min,
        cell_y__lte=cells.y_max,
    )


def decimals(zoom: int) -> int:
    """Decimal places of a position that still place it within a pixel at this zoom."""
    pixels_per_degree = 256 * 2**zoom / 360
    return min(6, max(1, math.ceil(math.log10(pixels_per_degree))))


def point_rows(cameras: QuerySet) -> QuerySet:
    """What the map needs of a camera to draw it: the rest comes when it is clicked."""
    return cameras.order_by("pk").values_list("pk", "longitude", "latitude", "vendor", "directions")


def _point(row, places: int) -> list:
    pk, longitude, latitude, vendor, directions = row
    return [pk, round(float(longitude), places), round(float(latitude), places), vendor, directions]


# --- The pre-counted low zooms ---------------------------------------------------------------


def cameras_fingerprint() -> str:
    """Changes whenever a camera is added, removed or saved (indexed, a few milliseconds)."""
    state = CameraLocation.objects.aggregate(n=Count("pk"), last=Max("updated_at"), top=Max("pk"))
    last = state["last"].isoformat() if state["last"] else ""
    return f"{state['n']}:{state['top'] or 0}:{last}"


def _grid_cells() -> list[CameraCell]:
    """Approved cameras per cell and filter values at GRID_MAX_ZOOM, in one grouped query,
    then added up for each zoom below (a cell's four children at the next zoom down are its
    columns and rows halved, floor division of the same integers)."""
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
    return [
        CameraCell(
            zoom=zoom,
            x=x,
            y=y,
            is_demo=is_demo,
            vendor=vendor,
            source=source,
            province=province,
            count=n,
            latitude_sum=lat,
            longitude_sum=lon,
            first_id=first,
        )
        for (zoom, x, y, is_demo, vendor, source, province), (n, lat, lon, first) in totals.items()
    ]


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
            cells = _grid_cells()
            CameraCell.objects.all().delete()
            CameraCell.objects.bulk_create(cells, batch_size=2000)
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
        "camera-grid", {}, lambda: None if camera_grid_refresh() is None else True
    )
    return current is not None


def _grid_clusters(cells: TileCells, *, vendor, source, province, demo) -> list[tuple]:
    rows = CameraCell.objects.filter(
        is_demo=demo,
        zoom=cells.zoom,
        x__gte=cells.x_min,
        x__lte=cells.x_max,
        y__gte=cells.y_min,
        y__lte=cells.y_max,
    )
    for name, value in (("vendor", vendor), ("source", source), ("province", province)):
        if value:
            rows = rows.filter(**{name: value})
    grouped_rows = (
        rows.values("x", "y")
        .annotate(
            n=Sum("count"), lat=Sum("latitude_sum"), lon=Sum("longitude_sum"), first=Min("first_id")
        )
        .order_by("x", "y")
    )
    return [(r["lon"] / r["n"], r["lat"] / r["n"], r["n"], r["first"]) for r in grouped_rows]


# --- A tile ------------------------------------------------------------------------------------


def camera_tile(z: int, x: int, y: int, cameras: QuerySet, *, filters: dict) -> dict:
    """The tile's cameras: `clusters` as [longitude, latitude, count] (two or more cameras in
    a cell, at their mean position) and `points` as [id, longitude, latitude, vendor,
    directions]; `total` is every camera in the tile.

    `cameras` are the public ones with the map's filters applied; `filters` are the same
    filters by name (vendor, source, province, demo), for the pre-counted grid."""
    cells = tile_cells(z, x, y)
    places = decimals(z)
    tile = {"mode": "points", "total": 0, "clusters": [], "points": []}
    if cells.y_min > cells.y_max:  # a sliver of a row near a pole: no row's middle in it
        return tile
    if z >= settings.MAP_CLUSTER_MAX_ZOOM:
        rows = list(point_rows(in_tile(cameras, cells))[: settings.MAP_TILE_MAX_POINTS + 1])
        if len(rows) <= settings.MAP_TILE_MAX_POINTS:
            tile["total"] = len(rows)
            tile["points"] = [_point(row, places) for row in rows]
            return tile
    if z <= GRID_MAX_ZOOM and camera_grid_current():
        found = _grid_clusters(cells, **filters)
    else:
        found = [
            (c.longitude, c.latitude, c.count, c.first_id)
            for c in sorted(grouped(in_tile(cameras, cells)), key=lambda c: c.cell)
        ]
    singles = [first for _lon, _lat, n, first in found if n == 1]
    tile["mode"] = "clusters"
    tile["total"] = sum(n for _lon, _lat, n, _first in found)
    tile["clusters"] = [
        [round(lon, places), round(lat, places), n] for lon, lat, n, _first in found if n > 1
    ]
    if singles:
        single_rows = point_rows(CameraLocation.objects.filter(pk__in=singles))
        tile["points"] = [_point(row, places) for row in single_rows]
    return tile
