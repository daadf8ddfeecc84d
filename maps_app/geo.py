"""Plain geometry: validation, distances, simplification per zoom, which area holds a point.

Shapely does the work; nothing here touches the web layer.
"""

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import shapely
from shapely.geometry import Point, mapping, shape
from shapely.validation import make_valid

from requests_app.models.directory import LATITUDE_RANGE, LONGITUDE_RANGE

# Canada's extent as the directory defines it, as floats for arithmetic.
LAT_RANGE = (float(LATITUDE_RANGE[0]), float(LATITUDE_RANGE[1]))
LON_RANGE = (float(LONGITUDE_RANGE[0]), float(LONGITUDE_RANGE[1]))

EARTH_RADIUS_M = 6_371_008.8

# Detail levels of simplified geometry: (highest map zoom it serves, tolerance in degrees,
# smallest part kept in square degrees, decimals kept). The largest part of a shape is always
# kept. The last level is the stored geometry itself.
DETAIL_LEVELS = [
    (4, 0.1, 0.1, 2),
    (6, 0.03, 0.02, 3),
    (9, 0.01, 0.005, 3),
    (20, 0.0, 0.0, 5),
]


# Bump when DETAIL_LEVELS change, so stored simplifications are made again.
SIMPLIFY_VERSION = 3


def detail_level(zoom: int) -> int:
    for level, (max_zoom, *_rest) in enumerate(DETAIL_LEVELS):
        if zoom <= max_zoom:
            return level
    return len(DETAIL_LEVELS) - 1


def in_canada(latitude: float, longitude: float) -> bool:
    """Inside the rectangle around Canada the directory uses (a cheap, generous check)."""
    return (
        LAT_RANGE[0] <= float(latitude) <= LAT_RANGE[1]
        and LON_RANGE[0] <= float(longitude) <= LON_RANGE[1]
    )


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def degrees_around(latitude: float, metres: float) -> tuple[float, float]:
    """Half-widths (latitude, longitude) in degrees of a square of `metres` around a point."""
    dlat = metres / 111_320
    dlon = metres / (111_320 * max(0.01, math.cos(math.radians(latitude))))
    return dlat, dlon


COMPASS = {
    name: index * 22.5
    for index, name in enumerate(
        [
            "N",
            "NNE",
            "NE",
            "ENE",
            "E",
            "ESE",
            "SE",
            "SSE",
            "S",
            "SSW",
            "SW",
            "WSW",
            "W",
            "WNW",
            "NW",
            "NNW",
        ]
    )
}


def parse_directions(text: str) -> tuple[list[int], list[str]]:
    """Directions from text such as "90;270", "NE", "45-135": (degrees, values not understood).

    A range gives its middle; degrees are rounded and wrapped into 0-359.
    """
    directions, bad = [], []
    for raw in str(text or "").replace(",", ";").split(";"):
        value = raw.strip()
        if not value:
            continue
        degrees = _one_direction(value)
        if degrees is None:
            bad.append(value)
        elif degrees not in directions:
            directions.append(degrees)
    return directions, bad


def _one_direction(value: str) -> int | None:
    upper = value.upper()
    if upper in COMPASS:
        return round(COMPASS[upper]) % 360
    if "-" in value[1:]:
        start, _sep, end = value.partition("-") if not value.startswith("-") else ("", "", "")
        a, b = _number(start), _number(end)
        if a is None or b is None:
            return None
        if b < a:
            b += 360
        return round((a + b) / 2) % 360
    number = _number(value)
    return None if number is None else round(number) % 360


def _number(value: str) -> float | None:
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


# --- Areas -------------------------------------------------------------------------------


@dataclass
class CleanGeometry:
    geometry: dict
    repaired: bool
    bounds: tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat


class GeometryError(ValueError):
    pass


# How deep the coordinates of each area type nest above a position.
_POSITION_DEPTH = {"Polygon": 2, "MultiPolygon": 3}


def _check_positions(coordinates, depth: int) -> None:
    """Every position is two or three numbers (not true/false), a longitude and latitude in
    degrees; nothing deeper or shallower than the type says."""
    if not isinstance(coordinates, list | tuple):  # tuples: shapely's own mapping()
        raise GeometryError("its coordinates are not nested lists as GeoJSON says")
    if depth:
        for part in coordinates:
            _check_positions(part, depth - 1)
        return
    if not 2 <= len(coordinates) <= 3 or not all(
        isinstance(c, int | float) and not isinstance(c, bool) for c in coordinates
    ):
        raise GeometryError("a position is not two numbers (longitude, latitude)")
    longitude, latitude = coordinates[0], coordinates[1]
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):  # also refuses NaN
        raise GeometryError("a position is not a longitude and latitude in degrees")


def clean_area(geojson: dict) -> CleanGeometry:
    """A valid (Multi)Polygon from GeoJSON, repaired if it can be, or GeometryError."""
    kind = geojson.get("type") if isinstance(geojson, dict) else None
    if not kind or not isinstance(kind, str):
        raise GeometryError("no geometry")
    if kind not in _POSITION_DEPTH:
        raise GeometryError(f"a {kind[:40]}, not a polygon")
    _check_positions(geojson.get("coordinates"), _POSITION_DEPTH[kind])
    try:
        geom = shape(geojson)
    except Exception as error:  # shapely raises several kinds for malformed input
        raise GeometryError(f"not a readable geometry ({error})") from None
    if geom.is_empty:
        raise GeometryError("empty geometry")
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise GeometryError(f"a {geom.geom_type}, not a polygon")
    repaired = False
    if not geom.is_valid:
        geom = make_valid(geom)
        repaired = True
        polygons = _polygons_of(geom)
        if not polygons:
            raise GeometryError("invalid and cannot be repaired into a polygon")
        geom = shapely.MultiPolygon(polygons) if len(polygons) > 1 else polygons[0]
    if geom.area == 0:
        raise GeometryError("no area")
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    if not (in_canada(min_lat, min_lon) and in_canada(max_lat, max_lon)):
        raise GeometryError("outside Canada (are the coordinates longitude/latitude in WGS84?)")
    return CleanGeometry(mapping(geom), repaired, geom.bounds)


def _polygons_of(geom) -> list:
    if geom.geom_type == "Polygon":
        return [geom]
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in _polygons_of(g)]
    return []


def simplified_levels(geojson: dict) -> dict:
    """The geometry simplified once for each detail level, keyed by level number."""
    geom = shape(geojson)
    parts = _polygons_of(geom)
    result: dict = {"version": SIMPLIFY_VERSION}
    for level, (_max_zoom, tolerance, min_area, decimals) in enumerate(DETAIL_LEVELS):
        kept = [p for p in parts if p.area >= min_area] or [max(parts, key=lambda p: p.area)]
        simple = shapely.MultiPolygon(kept) if len(kept) > 1 else kept[0]
        if tolerance:
            simple = simple.simplify(tolerance, preserve_topology=True)
        simple = shapely.set_precision(simple, 10**-decimals)
        if simple.is_empty:  # too small for this grid: keep its outline's box
            simple = geom.envelope
        result[str(level)] = _rounded(mapping(simple), decimals)
    return result


def _rounded(geojson: dict, decimals: int) -> dict:
    def walk(coords):
        if coords and isinstance(coords[0], (int, float)):
            return [round(c, decimals) for c in coords]
        return [walk(c) for c in coords]

    return {"type": geojson["type"], "coordinates": walk(geojson["coordinates"])}


class AreaIndex:
    """Stored areas parsed and prepared once, for many "which area holds this point" questions.

    `rows` are (key, GeoJSON geometry, stored bounding box as min_lon, min_lat, max_lon,
    max_lat). The tree holds the stored boxes, the same pre-filter the indexed columns give;
    the prepared geometries answer the exact question. Answers keep the order of `rows`.
    """

    def __init__(self, rows: Iterable[tuple[Hashable, dict, tuple[float, float, float, float]]]):
        self.keys: list[Hashable] = []
        self.geometries: list = []
        boxes = []
        for key, geojson, bounds in rows:
            geom = shape(geojson)
            shapely.prepare(geom)
            self.keys.append(key)
            self.geometries.append(geom)
            boxes.append(shapely.box(*bounds))
        self.tree = shapely.STRtree(boxes)

    def _candidates(self, target) -> list[int]:
        """Positions of the areas whose stored box meets `target`, in the order of the rows."""
        return sorted(int(i) for i in self.tree.query(target))

    def holding(self, latitude: float, longitude: float) -> list[tuple[Hashable, object]]:
        """(key, geometry) of the areas that hold the point, edges included."""
        point = Point(longitude, latitude)
        return [
            (self.keys[i], self.geometries[i])
            for i in self._candidates(point)
            if self.geometries[i].covers(point)
        ]

    def nearest(self, latitude: float, longitude: float, *, within: float) -> Hashable | None:
        """The key of the area closest to the point, if closer than `within` degrees."""
        point = Point(longitude, latitude)
        around = shapely.box(
            longitude - within, latitude - within, longitude + within, latitude + within
        )
        best, best_distance = None, within
        for i in self._candidates(around):
            distance = self.geometries[i].distance(point)
            if distance < best_distance:
                best, best_distance = self.keys[i], distance
        return best


# --- Flat maps drawn by the site ------------------------------------------------------------

# Statistics Canada's Lambert conformal conic (standard parallels 49° and 77° N, origin
# 63.390675° N, 91.866667° W): the country's familiar shape on a flat page.
_PHI1, _PHI2 = math.radians(49), math.radians(77)
_PHI0, _LAMBDA0 = math.radians(63.390675), math.radians(-91.866667)
_N = math.log(math.cos(_PHI1) / math.cos(_PHI2)) / math.log(
    math.tan(math.pi / 4 + _PHI2 / 2) / math.tan(math.pi / 4 + _PHI1 / 2)
)
_F = math.cos(_PHI1) * math.tan(math.pi / 4 + _PHI1 / 2) ** _N / _N
_RHO0 = _F / math.tan(math.pi / 4 + _PHI0 / 2) ** _N


def lambert(coords):
    """Longitude/latitude pairs (an array of N rows of 2) projected to x east, y north (unit sphere)."""
    import numpy

    lon, lat = numpy.radians(coords[:, 0]), numpy.radians(coords[:, 1])
    rho = _F / numpy.tan(math.pi / 4 + lat / 2) ** _N
    theta = _N * (lon - _LAMBDA0)
    return numpy.column_stack([rho * numpy.sin(theta), _RHO0 - rho * numpy.cos(theta)])


def svg_outlines(shapes: dict[str, dict], *, width: int) -> dict:
    """GeoJSON areas as SVG path data in one frame `width` wide (y down), projected with
    `lambert`, simplified to about a unit and without parts too small to see."""
    # Straight edges (the 60th parallel) curve once projected: add points along them first.
    projected = {
        key: shapely.transform(shapely.segmentize(shape(geojson), 0.5), lambert)
        for key, geojson in shapes.items()
    }
    if not projected:
        return {"width": width, "height": 0, "paths": {}}
    min_x, min_y, max_x, max_y = shapely.GeometryCollection(list(projected.values())).bounds
    scale = width / (max_x - min_x)
    height = math.ceil((max_y - min_y) * scale)

    def to_frame(coords):
        return (coords - [min_x, max_y]) * [scale, -scale]

    paths = {}
    for key, geom in projected.items():
        framed = shapely.transform(geom, to_frame).simplify(0.8)
        parts = [p for p in _polygons_of(framed) if p.area >= 4] or _polygons_of(framed)
        paths[key] = " ".join(_svg_path(part) for part in parts)
    return {"width": width, "height": height, "paths": paths}


def _svg_path(polygon) -> str:
    rings = [polygon.exterior, *polygon.interiors]
    return " ".join(
        "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in ring.coords[:-1]) + "Z" for ring in rings
    )
