"""Web-Mercator maths: which z/x/y tiles (or which bounding box) a map viewport needs.

Leaflet's tiles are 256 pixels; at zoom z the world is 256 * 2**z pixels wide.
"""

import math
from dataclasses import dataclass

TILE = 256
MAX_LATITUDE = 85.0511287798

# Viewports the targets name: a laptop and a large screen.
VIEWPORTS = {"1280x800": (1280, 800), "2560x1440": (2560, 1440)}
# The middle of the country, for the views that show all of it.
COUNTRY_CENTRE = (-96.0, 56.0)


def world_pixels(lon: float, lat: float, zoom: int) -> tuple[float, float]:
    """The point's position in pixels on the whole map at this zoom."""
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
    size = TILE * 2**zoom
    x = (lon + 180.0) / 360.0 * size
    sin = math.sin(math.radians(lat))
    y = (0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)) * size
    return x, y


def lonlat(x: float, y: float, zoom: int) -> tuple[float, float]:
    """The inverse of `world_pixels`."""
    size = TILE * 2**zoom
    lon = x / size * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / size))))
    return lon, lat


@dataclass(frozen=True)
class View:
    """A map viewport: its centre (lon, lat), zoom and size in pixels."""

    lon: float
    lat: float
    zoom: int
    width: int
    height: int

    def pixel_box(self) -> tuple[float, float, float, float]:
        cx, cy = world_pixels(self.lon, self.lat, self.zoom)
        return (
            cx - self.width / 2,
            cy - self.height / 2,
            cx + self.width / 2,
            cy + self.height / 2,
        )

    def bbox(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) in degrees, clipped to the world."""
        left, top, right, bottom = self.pixel_box()
        size = TILE * 2**self.zoom
        west, north = lonlat(max(0.0, left), max(0.0, top), self.zoom)
        east, south = lonlat(min(size, right), min(size, bottom), self.zoom)
        return west, south, east, north

    def tiles(self) -> list[tuple[int, int, int]]:
        """Every (z, x, y) tile the viewport touches, row by row."""
        left, top, right, bottom = self.pixel_box()
        last = 2**self.zoom - 1
        x0, x1 = max(0, int(left // TILE)), min(last, int((right - 1e-9) // TILE))
        y0, y1 = max(0, int(top // TILE)), min(last, int((bottom - 1e-9) // TILE))
        return [(self.zoom, x, y) for y in range(y0, y1 + 1) for x in range(x0, x1 + 1)]

    def panned(self, dx: float, dy: float) -> "View":
        """The view moved by dx, dy viewport widths and heights."""
        cx, cy = world_pixels(self.lon, self.lat, self.zoom)
        lon, lat = lonlat(cx + dx * self.width, cy + dy * self.height, self.zoom)
        return View(lon, lat, self.zoom, self.width, self.height)


def tiles_covering(bbox, zoom: int) -> list[tuple[int, int, int]]:
    """Every tile at `zoom` that overlaps the (west, south, east, north) box."""
    west, south, east, north = bbox
    left, top = world_pixels(west, north, zoom)
    right, bottom = world_pixels(east, south, zoom)
    last = 2**zoom - 1
    xs = range(max(0, int(left // TILE)), min(last, int(right // TILE)) + 1)
    ys = range(max(0, int(top // TILE)), min(last, int(bottom // TILE)) + 1)
    return [(zoom, x, y) for y in ys for x in xs]
