"""Reads shared by the map page, its data endpoints, the exports and the commands."""

import json
import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from django.conf import settings
from django.db.models import Count, Expression, F, FloatField, Max, QuerySet, TextField, Value
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext as _

from requests_app import selectors as requests_selectors
from requests_app.models import (
    AccessRequest,
    Campaign,
    Finding,
    FindingField,
    Municipality,
    PoliceService,
    Release,
)
from requests_app.selectors import TargetStatus

from . import geo
from .cache import cached_value
from .clustering import CameraView
from .models import CameraLocation, ProvinceBoundary, ServiceArea
from .tiles import point_rows

# Campaign status colours on the map, one per TargetStatus (the legend lists them).
STATUS_COLOURS = {
    TargetStatus.UNCLAIMED: "#8a939e",
    TargetStatus.CLAIMED: "#2b6cb0",
    TargetStatus.FILED: "#b7791f",
    TargetStatus.OVERDUE: "#c53030",
    TargetStatus.RELEASED: "#2f855a",
    TargetStatus.APPEALED: "#6b46c1",
}
FALLBACK_COLOUR = "#4a5360"


def legend() -> list[dict]:
    """The statuses the campaign knows, in order, with their label and colour."""
    return [
        {"status": status, "label": label, "colour": STATUS_COLOURS.get(status, FALLBACK_COLOUR)}
        for status, label in TargetStatus.choices
    ]


def map_campaign(slug: str = "") -> Campaign | None:
    """The campaign the map shows: an open one named in the address, or the default; None
    for a slug that names no open campaign."""
    try:
        return requests_selectors.chosen_campaign(slug)
    except Campaign.DoesNotExist:
        return None


def findings_by_service(campaign: Campaign) -> dict[int, dict]:
    """Per service, the published camera counts and vendors (from approved releases only)."""
    wanted = {FindingField.FIXED_CAMERAS, FindingField.MOBILE_UNITS, FindingField.VENDORS}
    result: dict[int, dict] = defaultdict(dict)
    findings = requests_selectors.public_findings(campaign).filter(field__in=wanted)
    rows = findings.values_list("police_service_id", "field", "number", "day", "text")
    for service, field, *stored in rows:
        result[service][field] = Finding.value_of(field, *stored)
    return result


def target_statuses(campaign: Campaign) -> dict[int, str]:
    """Every target's status, worked out once per version of the data for both the map's
    counters (the page) and its coverage (asked for by the page's script at once)."""
    return cached_value(
        "target-statuses",
        {"campaign": campaign.pk},
        lambda: requests_selectors.target_statuses(campaign),
    )


def counters(campaign: Campaign | None) -> dict:
    """The map's headline figures, all public; cached until the data changes (every view of
    the map shows them, and the statuses behind "covered" read every request)."""

    def build():
        cameras = CameraLocation.objects.public(demo=bool(campaign and campaign.is_demo)).count()
        if campaign is None:
            return {"services": 0, "covered": 0, "filed": 0, "releases": 0, "cameras": cameras}
        coverage = requests_selectors.coverage_by_province(campaign, target_statuses(campaign))
        return {
            "services": sum(row["services"] for row in coverage),
            "covered": sum(row["covered"] for row in coverage),
            "filed": AccessRequest.objects.filed().filter(campaign=campaign).count(),
            "releases": Release.objects.approved().filter(request__campaign=campaign).count(),
            "cameras": cameras,
        }

    return cached_value("map-counters", {"campaign": campaign.pk if campaign else None}, build)


# The zoom the map page asks the coverage for at each detail level (any zoom of a level gives
# the same shapes), so its few bodies can be built before anyone asks (tasks.py).
COVERAGE_ZOOMS = [max_zoom for max_zoom, *_rest in geo.DETAIL_LEVELS]


class LevelShape(Expression):
    """A stored shape's simplification at one detail level (a member of its `simplified`
    object) as JSON text, read without the other levels: the coverage reads one level of
    every area, and decoding them all took most of its time. (KT would read a level such as
    "2" as a list index.)"""

    output_field = TextField()

    def __init__(self, column: str, level: str):
        super().__init__()
        self.column, self.level = F(column), level

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, expressions):
        (self.column,) = expressions

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        if connection.vendor == "postgresql":
            return f"({column} -> CAST(%s AS text))::text", [*params, self.level]
        return f"json_extract({column}, %s)", [*params, f'$."{self.level}"']


def coverage_geojson(campaign: Campaign | None, zoom: int) -> dict:
    """Police services coloured by status (areas where imported, points otherwise) and
    provinces with the share of their services covered, as one GeoJSON FeatureCollection."""
    level = str(geo.detail_level(zoom))
    last_level = str(len(geo.DETAIL_LEVELS) - 1)
    # Plain values, and of each imported area only its shape at this level: every active
    # service is in the answer, and reading whole areas as objects took most of its time.
    services = (
        PoliceService.objects.filter(active=True)
        .values_list("pk", "slug", "name_en", "name_fr", "province", "kind")
        .annotate(
            longitude=Cast("longitude", FloatField()),
            latitude=Cast("latitude", FloatField()),
            shape=LevelShape("area__simplified", level),
        )
        .order_by("pk")
    )
    statuses = target_statuses(campaign) if campaign else {}
    appeals = requests_selectors.appeal_states(campaign) if campaign else {}
    findings = findings_by_service(campaign) if campaign else {}
    # A service page's address with "{slug}" in it: one reverse() for the whole answer.
    service_url = reverse("requests_app:service", kwargs={"slug": "--slug--"})
    service_url = service_url.replace("--slug--", "{slug}")
    features = []
    for pk, slug, name_en, name_fr, province, kind, longitude, latitude, shape in services:
        point = {"type": "Point", "coordinates": [longitude, latitude]}
        found = findings.get(pk, {})
        appeal_stage, appeal_outcome = appeals.get(pk, ("", ""))
        features.append(
            {
                "type": "Feature",
                "id": f"service-{pk}",
                "geometry": json.loads(shape) if shape else point,
                "properties": {
                    "layer": "service",
                    "id": pk,
                    "slug": slug,
                    "name_en": name_en,
                    "name_fr": name_fr,
                    "province": province,
                    "kind": kind,
                    "status": statuses.get(pk, TargetStatus.UNCLAIMED),
                    "appeal_stage": appeal_stage,
                    "appeal_outcome": appeal_outcome,
                    "url": service_url.format(slug=slug),
                    "area": bool(shape),
                    "hq": point["coordinates"],
                    "fixed_cameras": found.get(FindingField.FIXED_CAMERAS),
                    "mobile_units": found.get(FindingField.MOBILE_UNITS),
                    "vendors": found.get(FindingField.VENDORS, []),
                },
            }
        )
    coverage = {
        row["province"]: row for row in requests_selectors.coverage_by_province(campaign, statuses)
    }
    # Province shading is a view of the whole country: not drawn past zoom 9.
    drawn = level != last_level
    provinces = ProvinceBoundary.objects.defer("geometry", "simplified").annotate(
        shape=LevelShape("simplified", level) if drawn else Value(None, TextField())
    )
    for province in provinces.order_by("code"):
        row = coverage.get(province.code, {})
        total, covered = row.get("services", 0), row.get("covered", 0)
        features.append(
            {
                "type": "Feature",
                "id": f"province-{province.code}",
                "geometry": json.loads(province.shape) if province.shape else None,
                "properties": {
                    "bbox": [
                        province.min_lon,
                        province.min_lat,
                        province.max_lon,
                        province.max_lat,
                    ],
                    "layer": "province",
                    "code": province.code,
                    "name_en": province.name_en,
                    "name_fr": province.name_fr,
                    "services": total,
                    "covered": covered,
                    "share": round(covered / total, 3) if total else 0,
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "campaign": campaign.slug if campaign else None,
        "zoom": zoom,
        "counters": counters(campaign),
        "features": features,
    }


# --- Cameras -------------------------------------------------------------------------------


def public_cameras(
    *, vendor: str = "", source: str = "", province: str = "", demo: bool = False
) -> QuerySet:
    cameras = CameraLocation.objects.public(demo=demo)
    if vendor:
        cameras = cameras.filter(vendor=vendor)
    if source:
        cameras = cameras.filter(source=source)
    if province:
        cameras = cameras.filter(police_service__province=province)
    return cameras


def camera_properties(camera: CameraLocation) -> dict:
    """What the public may know about an approved camera: never who submitted it."""
    service = camera.police_service
    release = camera.release
    return {
        "id": camera.pk,
        "kind": camera.kind,
        "vendor": camera.vendor,
        "mount": camera.mount,
        "directions": camera.directions,
        "source": camera.source,
        "confidence": camera.confidence,
        "service": service.name_en if service else None,
        "service_fr": (service.name_fr or service.name_en) if service else None,
        "service_url": service.get_absolute_url() if service else None,
        "release_url": release.get_absolute_url() if release and release.is_public else None,
        "page": camera.page if release and release.is_public else None,
        "osm_url": camera.osm_url or None,
        "source_url": camera.source_url or None,
        "photo_url": _photo_url(camera) if camera.photo_id else None,
        "url": camera.get_absolute_url(),
    }


def _photo_url(camera: CameraLocation) -> str:
    from django.urls import reverse

    return reverse("maps_app:camera_photo", kwargs={"pk": camera.pk})


def cameras_geojson(view: CameraView) -> dict:
    """A view's cameras as GeoJSON: clusters with their count, and points with only what the
    map draws (id, vendor, directions); a point's details are asked for when it is clicked."""
    features = [
        {
            "type": "Feature",
            "id": f"camera-{pk}",
            "geometry": {"type": "Point", "coordinates": [float(longitude), float(latitude)]},
            "properties": {"cluster": False, "id": pk, "vendor": vendor, "directions": directions},
        }
        for pk, longitude, latitude, vendor, directions in point_rows(
            CameraLocation.objects.filter(pk__in=view.point_ids)
        )
    ]
    for cluster in view.clusters:
        features.append(
            {
                "type": "Feature",
                "id": f"cluster-{view.zoom}-{cluster.cell[0]}-{cluster.cell[1]}",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(cluster.longitude, 6), round(cluster.latitude, 6)],
                },
                "properties": {"cluster": True, "count": cluster.count},
            }
        )
    return {
        "type": "FeatureCollection",
        "mode": view.mode,
        "grid_zoom": view.zoom,
        "total": view.total,
        "features": features,
    }


def nearby_cameras(
    latitude: float, longitude: float, *, user, metres: float, exclude_pk: int | None = None
) -> list[tuple[CameraLocation, float]]:
    """Cameras the person may see within `metres` of a point, nearest first (see
    cameras_near)."""
    return cameras_near([(latitude, longitude, exclude_pk)], user=user, metres=metres)[0]


# Bounding boxes per query: four parameters each, under SQLite's historical limit of 999.
NEAR_BOXES_PER_QUERY = 200


def cameras_near(
    points: Sequence[tuple[float, float, int | None]], *, user, metres: float
) -> list[list[tuple[CameraLocation, float]]]:
    """For each (latitude, longitude, camera to leave out or None), the cameras the person may
    see within `metres`, nearest first; rejected ones are left out (a rejected report is no
    reason to doubt a new one).

    One query per NEAR_BOXES_PER_QUERY points fetches every camera in any point's bounding
    box; each point then keeps those in its own box and within `metres`.
    """
    boxes = []
    for latitude, longitude, _exclude in points:
        dlat, dlon = geo.degrees_around(latitude, metres)
        boxes.append((longitude - dlon, latitude - dlat, longitude + dlon, latitude + dlat))
    visible = CameraLocation.objects.visible_to(user).exclude(status=CameraLocation.Status.REJECTED)
    distinct = list(dict.fromkeys(boxes))
    found: dict[int, CameraLocation] = {}
    for start in range(0, len(distinct), NEAR_BOXES_PER_QUERY):
        chunk = distinct[start : start + NEAR_BOXES_PER_QUERY]
        found.update((camera.pk, camera) for camera in visible.in_any_bbox(chunk))
    # In the model's order (newest first), which breaks ties in distance; then by latitude,
    # so each point looks only at the cameras in its own band.
    candidates = sorted(found.values(), key=lambda c: (c.created_at, c.pk), reverse=True)
    by_latitude = sorted(range(len(candidates)), key=lambda i: float(candidates[i].latitude))
    latitudes = [float(candidates[i].latitude) for i in by_latitude]
    results = []
    for (latitude, longitude, exclude_pk), (west, south, east, north) in zip(
        points, boxes, strict=True
    ):
        near = []
        band = by_latitude[bisect_left(latitudes, south) : bisect_right(latitudes, north)]
        for position in band:
            camera = candidates[position]
            camera_lon = float(camera.longitude)
            if camera.pk == exclude_pk or not west <= camera_lon <= east:
                continue
            distance = geo.distance_m(latitude, longitude, float(camera.latitude), camera_lon)
            if distance <= metres:
                near.append((distance, position, camera))
        near.sort(key=lambda item: item[:2])
        results.append([(camera, distance) for distance, _position, camera in near])
    return results


# At most this many cameras on the review page, oldest first.
REVIEW_QUEUE_SIZE = 200


@dataclass(frozen=True)
class ReviewRow:
    camera: CameraLocation
    duplicates: list[tuple[CameraLocation, float]]


def review_queue(*, user) -> tuple[list[ReviewRow], int]:
    """Cameras waiting for review, oldest first (at most REVIEW_QUEUE_SIZE), each with the
    cameras the organizer may see within MAP_DUPLICATE_METRES; and how many wait in all."""
    pending = (
        CameraLocation.objects.filter(status=CameraLocation.Status.PENDING)
        .select_related("police_service", "release", "submitted_by")
        .order_by("created_at", "pk")
    )
    cameras = list(pending[:REVIEW_QUEUE_SIZE])
    duplicates = cameras_near(
        [(float(c.latitude), float(c.longitude), c.pk) for c in cameras],
        user=user,
        metres=settings.MAP_DUPLICATE_METRES,
    )
    rows = [ReviewRow(camera, near) for camera, near in zip(cameras, duplicates, strict=True)]
    return rows, pending.count()


# --- Which police service -----------------------------------------------------------------

# Each process keeps the stored areas parsed and prepared, per model, with the fingerprint of
# the rows they came from: (row count, latest updated_at). A row added, changed or deleted
# moves it, and so does a rollback of such a change, so a stale copy is never used.
_AREA_INDEXES: dict[str, tuple[dict, geo.AreaIndex]] = {}


def _area_index(areas: QuerySet, key: str) -> geo.AreaIndex:
    fingerprint = areas.aggregate(rows=Count("pk"), last=Max("updated_at"))
    cached = _AREA_INDEXES.get(areas.model._meta.label)
    if cached is None or cached[0] != fingerprint:
        rows = areas.values_list(key, "geometry", "min_lon", "min_lat", "max_lon", "max_lat")
        index = geo.AreaIndex((k, geometry, tuple(box)) for k, geometry, *box in rows)
        cached = _AREA_INDEXES[areas.model._meta.label] = (fingerprint, index)
    return cached[1]


def province_at(latitude: float, longitude: float) -> str:
    """The province or territory holding a point; the nearest within ~5 km on the coast.
    Where boundaries overlap, the first by code."""
    return Attributor().province_at(latitude, longitude)


def area_service_at(latitude: float, longitude: float) -> PoliceService | None:
    """The active police service whose imported area holds the point (the smallest if nested)."""
    return Attributor().area_service_at(latitude, longitude)


# A point counts as in a municipality up to this many times the radius of a circle of the
# municipality's land area from its point; beyond, the province's police of jurisdiction.
MUNICIPALITY_REACH = 2.0
# The radius used for a municipality whose land area is not recorded.
DEFAULT_RADIUS_KM = 3.0


@dataclass(frozen=True)
class Attribution:
    """The police service a camera at a point is attributed to, how, and why in words."""

    service: PoliceService | None
    how: str  # "area", "municipality", "jurisdiction", or "" when nothing was found
    municipality: Municipality | None = None

    @property
    def reason(self) -> str:
        if self.how == "area":
            return _("The point is inside the imported service area of %(service)s.") % {
                "service": self.service.name
            }
        if self.how == "municipality":
            return _("The point is in or nearest to %(place)s, which %(service)s polices.") % {
                "place": self.municipality.display_name,
                "service": self.service.name,
            }
        if self.how == "jurisdiction":
            return _(
                "No municipality on record is near the point: %(service)s polices the places "
                "of %(province)s without police of their own."
            ) % {"service": self.service.name, "province": self.service.get_province_display()}
        return ""


class _Places:
    """Municipalities as arrays, so the distances from a point to all of them are computed
    at once (an import asks for thousands of points)."""

    def __init__(self, municipalities: list[Municipality]):
        self.municipalities = sorted(municipalities, key=lambda m: m.pk)
        self.latitudes = np.radians([float(m.latitude) for m in self.municipalities])
        self.longitudes = np.radians([float(m.longitude) for m in self.municipalities])
        areas = np.array([float(m.land_area_km2 or 0) for m in self.municipalities])
        self.radii_km = np.where(areas > 0, np.sqrt(areas / math.pi), DEFAULT_RADIUS_KM)

    def distances_m(self, latitude: float, longitude: float):
        """geo.distance_m from the point to each municipality."""
        p1 = math.radians(latitude)
        dp = self.latitudes - p1
        dl = self.longitudes - math.radians(longitude)
        a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(self.latitudes) * np.sin(dl / 2) ** 2
        return 2 * geo.EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(a)))

    def nearest(self, latitude: float, longitude: float, *, size_weighted: bool = False):
        """The nearest municipality and its distance (in metres, or in multiples of its
        radius when size-weighted); the lowest id on a tie."""
        if not self.municipalities:
            return None, math.inf
        distances = self.distances_m(latitude, longitude)
        if size_weighted:
            distances = distances / 1000 / self.radii_km
        best = int(np.argmin(distances))  # the first minimum: the lowest id
        return self.municipalities[best], float(distances[best])


class Attributor:
    """`suggest_service` for many points: the areas, municipalities and police of
    jurisdiction are read once (an import of thousands of cameras asks for each)."""

    def __init__(self):
        self._services: dict[int, PoliceService | None] = {}

    @cached_property
    def _areas(self) -> geo.AreaIndex:
        return _area_index(ServiceArea.objects.order_by("pk"), "police_service_id")

    @cached_property
    def _provinces(self) -> geo.AreaIndex:
        return _area_index(ProvinceBoundary.objects.order_by("code"), "code")

    @cached_property
    def _municipalities(self) -> list[Municipality]:
        return list(
            Municipality.objects.select_related("policed_by").only(
                "pk",
                "name",
                "name_fr",
                "province",
                "latitude",
                "longitude",
                "land_area_km2",
                "policed_by",
            )
        )

    @cached_property
    def _everywhere(self) -> _Places:
        return _Places(self._municipalities)

    @cached_property
    def _policed(self) -> dict[str, _Places]:
        """Per province, the municipalities policed by an active service."""
        by_province = defaultdict(list)
        for municipality in self._municipalities:
            if municipality.policed_by.active:
                by_province[municipality.province].append(municipality)
        return {province: _Places(found) for province, found in by_province.items()}

    @cached_property
    def _police(self) -> dict[str, PoliceService]:
        """Per province, its police of jurisdiction (one at most, a constraint says)."""
        police = PoliceService.objects.filter(police_of_jurisdiction=True, active=True)
        return {service.province: service for service in police}

    def area_service_at(self, latitude: float, longitude: float) -> PoliceService | None:
        holding = self._areas.holding(float(latitude), float(longitude))
        missing = [pk for pk, _area in holding if pk not in self._services]
        if missing:
            active = PoliceService.objects.filter(active=True).in_bulk(missing)
            self._services.update({pk: active.get(pk) for pk in missing})
        in_force = [(pk, area) for pk, area in holding if self._services[pk] is not None]
        if not in_force:
            return None
        return self._services[min(in_force, key=lambda pair: pair[1].area)[0]]

    def province_at(self, latitude: float, longitude: float) -> str:
        latitude, longitude = float(latitude), float(longitude)
        holding = self._provinces.holding(latitude, longitude)
        if holding:
            return holding[0][0]
        return self._provinces.nearest(latitude, longitude, within=0.05) or ""

    def municipality_at(
        self, latitude: float, longitude: float, province: str
    ) -> Municipality | None:
        places = self._policed.get(province)
        if places is None:
            return None
        municipality, reach = places.nearest(latitude, longitude, size_weighted=True)
        return municipality if reach <= MUNICIPALITY_REACH else None

    def suggest(self, latitude: float, longitude: float) -> Attribution:
        latitude, longitude = float(latitude), float(longitude)
        service = self.area_service_at(latitude, longitude)
        if service:
            return Attribution(service, "area")
        province = self.province_at(latitude, longitude)
        if not province:  # offshore, or no boundary loaded: the nearest place's province
            nearest, _distance = self._everywhere.nearest(latitude, longitude)
            province = nearest.province if nearest else ""
        municipality = self.municipality_at(latitude, longitude, province)
        if municipality:
            return Attribution(municipality.policed_by, "municipality", municipality)
        police = self._police.get(province)
        return Attribution(police, "jurisdiction") if police else Attribution(None, "")


def suggest_service(latitude: float, longitude: float) -> Attribution:
    """The service a camera here is attributed to, in this order:

    1. the service whose imported area holds the point;
    2. else the service policing the municipality of the province that holds the point or
       is nearest to it (a nearer headquarters of another service never counts);
    3. else the province's police of jurisdiction (OPP, SQ, RCMP division).

    Many points at once: `Attributor().suggest` for each.
    """
    return Attributor().suggest(latitude, longitude)


# --- Drawn maps -------------------------------------------------------------------------------

OUTLINE_WIDTH = 600


def province_outlines() -> dict:
    """The provinces and territories as SVG path data (their coarsest stored shapes), for maps
    the site draws itself (`/stats/`); cached until a boundary changes."""

    def build():
        boundaries = ProvinceBoundary.objects.values_list("code", "simplified")
        shapes = {code: simplified["0"] for code, simplified in boundaries if "0" in simplified}
        return geo.svg_outlines(shapes, width=OUTLINE_WIDTH)

    return cached_value("province-outlines", {}, build)
