"""Cameras for one map view: grid clusters aggregated in SQL at low zoom, points at high zoom.

The grid is fixed per zoom (it does not move as the map pans): a cell is a quarter of a
256-pixel web map tile in longitude and half that in latitude, roughly square at 60°N.
`GROUP BY floor(lon / width), floor(lat / height)` runs the same on SQLite and
PostgreSQL. A response never holds more than `MAP_MAX_CELLS` clusters or
`MAP_MAX_POINTS` points, whatever the number of cameras: when a view would exceed
them, the grid is made coarser.
"""

import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, Count, F, FloatField, Min, QuerySet
from django.db.models.functions import Cast, Floor

from .geo import LAT_RANGE, LON_RANGE

CELLS_PER_TILE = 4


@dataclass(frozen=True)
class BBox:
    west: float
    south: float
    east: float
    north: float

    def clipped_to_canada(self) -> "BBox | None":
        west, east = max(self.west, LON_RANGE[0]), min(self.east, LON_RANGE[1])
        south, north = max(self.south, LAT_RANGE[0]), min(self.north, LAT_RANGE[1])
        if west > east or south > north:
            return None
        return BBox(west, south, east, north)


def cell_size(zoom: int) -> tuple[float, float]:
    """(latitude, longitude) size in degrees of a grid cell at this zoom."""
    dlon = 360.0 / (2**zoom * CELLS_PER_TILE)
    return dlon / 2, dlon


def cell_count(bbox: BBox, zoom: int) -> int:
    dlat, dlon = cell_size(zoom)
    columns = math.floor(bbox.east / dlon) - math.floor(bbox.west / dlon) + 1
    rows = math.floor(bbox.north / dlat) - math.floor(bbox.south / dlat) + 1
    return columns * rows


def grid_zoom(bbox: BBox, zoom: int) -> int:
    """The finest grid at or below `zoom` that keeps the view under the cell limit."""
    while zoom > 0 and cell_count(bbox, zoom) > settings.MAP_MAX_CELLS:
        zoom -= 1
    return zoom


@dataclass
class Cluster:
    latitude: float
    longitude: float
    count: int
    first_id: int
    cell: tuple[int, int]


def with_cells(cameras: QuerySet, zoom: int) -> QuerySet:
    """The cameras with their grid cell at this zoom (`cell_x`, `cell_y`)."""
    dlat, dlon = cell_size(zoom)
    return cameras.annotate(
        cell_x=Floor(Cast(F("longitude"), FloatField()) / dlon),
        cell_y=Floor(Cast(F("latitude"), FloatField()) / dlat),
    )


def grouped(cameras_with_cells: QuerySet) -> list[Cluster]:
    """Cameras annotated by `with_cells`, grouped by cell, each with its count and the mean
    position of its points."""
    rows = (
        cameras_with_cells.values("cell_x", "cell_y")
        .annotate(
            n=Count("pk"),
            lat=Avg(Cast(F("latitude"), FloatField())),
            lon=Avg(Cast(F("longitude"), FloatField())),
            first_id=Min("pk"),
        )
        .order_by()
    )
    return [
        Cluster(
            latitude=float(row["lat"]),
            longitude=float(row["lon"]),
            count=row["n"],
            first_id=row["first_id"],
            cell=(int(row["cell_x"]), int(row["cell_y"])),
        )
        for row in rows
    ]


def clusters(cameras: QuerySet, zoom: int) -> list[Cluster]:
    """Cameras grouped by grid cell at this zoom."""
    return grouped(with_cells(cameras, zoom))


@dataclass
class CameraView:
    mode: str  # "points" or "clusters"
    zoom: int  # the zoom of the grid used
    total: int
    clusters: list[Cluster]
    point_ids: list[int]


def camera_view(cameras: QuerySet, bbox: BBox, zoom: int) -> CameraView:
    """What the map draws for the cameras in a bounding box at a zoom."""
    clipped = bbox.clipped_to_canada()
    if clipped is None:
        return CameraView("points", zoom, 0, [], [])
    in_view = cameras.in_bbox(clipped.west, clipped.south, clipped.east, clipped.north)
    if zoom >= settings.MAP_CLUSTER_MAX_ZOOM:
        ids = list(
            in_view.order_by("pk").values_list("pk", flat=True)[: settings.MAP_MAX_POINTS + 1]
        )
        if len(ids) <= settings.MAP_MAX_POINTS:
            return CameraView("points", zoom, len(ids), [], ids)
    used = grid_zoom(clipped, zoom)
    cells = clusters(in_view, used)
    singles = [c.first_id for c in cells if c.count == 1]
    return CameraView(
        mode="clusters",
        zoom=used,
        total=sum(c.count for c in cells),
        clusters=[c for c in cells if c.count > 1],
        point_ids=singles,
    )
