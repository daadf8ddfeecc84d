"""OpenStreetMap: read Overpass exports of ALPR cameras, write cameras in OSM's tagging.

Tagging follows the OSM wiki's ALPR page as DeFlock uses it: man_made=surveillance,
surveillance:type=ALPR, surveillance=public, surveillance:zone=traffic, camera:type,
camera:mount, manufacturer, operator, direction (or camera:direction; several
values separated by ;). Data from OpenStreetMap is © OpenStreetMap contributors under
the ODbL (docs/maps.md says what that obliges us to do).
"""

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import islice
from typing import TextIO
from xml.sax.saxutils import escape

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from requests_app.exports import safe_cell
from requests_app.models import PoliceService, Release
from requests_app.models.directory import search_key

from . import geo, selectors
from .models import CameraLocation, CameraRevision
from .services import camera_revision, camera_snapshot
from .signals import changed_in_bulk

# manufacturer tag (lower case, any part of it) -> our vendor code
MANUFACTURERS = [
    ("flock", "flock"),
    ("genetec", "genetec"),
    ("autovu", "genetec"),
    ("motorola", "motorola"),
    ("vigilant", "motorola"),
    ("axon", "axon"),
    ("neology", "neology"),
]
# our vendor code -> manufacturer tag written to OSM
MANUFACTURER_TAGS = {
    "flock": "Flock Safety",
    "genetec": "Genetec",
    "motorola": "Motorola Solutions",
    "axon": "Axon",
    "neology": "Neology",
}
MOUNTS = {
    "pole": "pole",
    "street_lamp": "street_lamp",
    "streetlamp": "street_lamp",
    "street_light": "street_lamp",
    "lamp": "street_lamp",
    "traffic_signals": "traffic_signals",
    "traffic_signal": "traffic_signals",
    "wall": "wall",
    "building": "wall",
    "bridge": "bridge",
    "gantry": "bridge",
    "trailer": "trailer",
}
MOUNT_TAGS = {value: key for key, value in MOUNTS.items() if key == value}


class OsmFileError(ValueError):
    """The file is not an Overpass JSON export."""


@dataclass(slots=True)
class OsmCamera:
    osm_type: str
    osm_id: int
    latitude: Decimal
    longitude: Decimal
    tags: dict
    directions: list[int]
    vendor: str
    mount: str
    warnings: list[str] = field(default_factory=list)


@dataclass
class OsmImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)


def is_alpr(tags: dict) -> bool:
    return (
        str(tags.get("man_made", "")).strip().lower() == "surveillance"
        and str(tags.get("surveillance:type", "")).strip().lower() == "alpr"
    )


def vendor_from(tags: dict) -> str:
    text = " ".join(str(tags.get(k, "")) for k in ("manufacturer", "brand")).lower().strip()
    if not text:
        return ""
    for needle, vendor in MANUFACTURERS:
        if needle in text:
            return vendor
    return "other"


# OpenStreetMap ids are 64-bit; a larger one cannot be stored (or be real).
OSM_MAX_ID = 2**63 - 1


def _float(value) -> float | None:
    """A coordinate: a number or numeric text, finite; true/false are not numbers."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def _valid_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= OSM_MAX_ID


def _scalar_tags(tags: dict) -> dict[str, str] | None:
    """Tags as text, or None when a key or value is not text or a number (OSM tags are)."""
    if not all(isinstance(v, str | int | float) and isinstance(k, str) for k, v in tags.items()):
        return None
    return {k: str(v) for k, v in tags.items()}


def _position(element: dict, nodes: dict[int, tuple[float, float]]) -> tuple[float, float] | None:
    """A node's point; a way's centre from `out center`, `out geom` or its member nodes."""
    if element.get("type") == "node":
        lat, lon = _float(element.get("lat")), _float(element.get("lon"))
        return (lat, lon) if lat is not None and lon is not None else None
    center = element.get("center")
    if isinstance(center, dict):
        lat, lon = _float(center.get("lat")), _float(center.get("lon"))
        if lat is not None and lon is not None:
            return lat, lon
    points = []
    if isinstance(element.get("geometry"), list):
        points = [
            (_float(p.get("lat")), _float(p.get("lon")))
            for p in element["geometry"]
            if isinstance(p, dict)
        ]
    elif isinstance(element.get("nodes"), list):
        points = [nodes[n] for n in element["nodes"] if _valid_id(n) and n in nodes]
    points = [p for p in points if p[0] is not None and p[1] is not None]
    if not points:
        return None
    if len(points) > 1 and points[0] == points[-1]:  # a closed way repeats its first node
        points = points[:-1]
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


@dataclass(frozen=True)
class OverpassExport:
    """An export's elements, read as many times as needed: from the decoded JSON, or from a
    file's text one element at a time (`load_file`: a 150,000-camera export is 50 MB of
    text, and about five times that decoded at once)."""

    elements: Callable[[], Iterable]


def _export(data) -> OverpassExport:
    if isinstance(data, OverpassExport):
        return data
    if not isinstance(data, dict) or not isinstance(data.get("elements"), list):
        raise OsmFileError('not an Overpass JSON export: no list of "elements"')
    return OverpassExport(lambda: data["elements"])


def parse_overpass(data) -> tuple[list[OsmCamera], list[tuple[str, str]]]:
    """The ALPR cameras in an Overpass JSON export, and the elements skipped with why."""
    skipped: list[tuple[str, str]] = []
    cameras = list(_read(_export(data), skipped))
    return cameras, skipped


def _read(export: OverpassExport, skipped: list[tuple[str, str]]) -> Iterator[OsmCamera]:
    """The ALPR cameras of an export, one at a time, adding the elements skipped with why to
    `skipped`. A first reading gathers the nodes' points (a way's nodes may come after it),
    and so finds a file that is not valid JSON before any camera is given."""
    nodes: dict[int, tuple[float, float]] = {}
    for element in export.elements():
        if isinstance(element, dict) and element.get("type") == "node":
            lat, lon = _float(element.get("lat")), _float(element.get("lon"))
            if _valid_id(element.get("id")) and lat is not None and lon is not None:
                nodes[element["id"]] = (lat, lon)
    seen = set()
    for index, element in enumerate(export.elements()):
        if not isinstance(element, dict):
            skipped.append((f"element {index + 1}", "not a JSON object"))
            continue
        kind, osm_id, tags = element.get("type"), element.get("id"), element.get("tags")
        # Only plain values go into a message: a crafted element can nest thousands deep.
        kind = kind if isinstance(kind, str) else ""
        shown_id = str(osm_id) if isinstance(osm_id, int | str) else ""
        ref = (
            f"{kind[:20]} {shown_id}"
            if kind and shown_id and len(shown_id) <= 20
            else f"element {index + 1}"
        )
        if not tags:
            continue  # an untagged member node of a way: not a camera of its own
        if not isinstance(tags, dict):
            skipped.append((ref, "tags are not a JSON object"))
            continue
        if kind not in ("node", "way"):
            what = f"a {kind[:20]}" if kind else "a typeless element"
            skipped.append((ref, f"{what}, only nodes and ways are read"))
            continue
        if not _valid_id(osm_id):
            skipped.append((ref, "no valid id"))
            continue
        tags = _scalar_tags(tags)
        if tags is None:
            skipped.append((ref, "a tag is not text"))
            continue
        if not is_alpr(tags):
            skipped.append((ref, "not tagged man_made=surveillance + surveillance:type=ALPR"))
            continue
        if (kind, osm_id) in seen:
            skipped.append((ref, "appears twice in the file"))
            continue
        position = _position(element, nodes)
        if position is None:
            skipped.append((ref, "no usable coordinates"))
            continue
        latitude, longitude = position
        if not geo.in_canada(latitude, longitude):
            skipped.append((ref, f"outside Canada ({latitude:.4f}, {longitude:.4f})"))
            continue
        seen.add((kind, osm_id))
        raw_direction = tags.get("direction") or tags.get("camera:direction") or ""
        directions, bad = geo.parse_directions(raw_direction)
        warnings = [f"direction value(s) not understood: {', '.join(bad)}"] if bad else []
        raw_mount = tags.get("camera:mount", "").strip().lower()
        mount = MOUNTS.get(raw_mount, "other" if raw_mount else "")
        if raw_mount and raw_mount not in MOUNTS:
            warnings.append(f"camera:mount={raw_mount} kept as 'other'")
        yield OsmCamera(
            osm_type=kind,
            osm_id=osm_id,
            latitude=Decimal(f"{latitude:.6f}"),
            longitude=Decimal(f"{longitude:.6f}"),
            tags=tags,
            directions=directions,
            vendor=vendor_from(tags),
            mount=mount,
            warnings=warnings,
        )


def _operator_service(operator: str, services: dict[str, PoliceService]) -> PoliceService | None:
    key = search_key(operator)
    return services.get(key) if key else None


def _service_index() -> dict[str, PoliceService]:
    index = {}
    for service in PoliceService.objects.filter(active=True):
        for name in (service.name_en, service.name_fr, service.short_name):
            if name:
                index.setdefault(search_key(name), service)
    return index


# Cameras written per round trip: few enough for SQLite's limit on query parameters.
IMPORT_BATCH = 500


def osm_import(
    data,
    *,
    status: str = CameraLocation.Status.APPROVED,
    by=None,
    progress: Callable[[int], None] | None = None,
) -> OsmImportReport:
    """Upsert cameras by OSM element, all or nothing; malformed elements are skipped and reported.

    `data` is the decoded export or `load_file`'s. A camera already known keeps its
    moderation status (a rejected one stays rejected). The cameras are read and written in
    batches with their revisions, and the map's data is marked changed once at the end: an
    export of 150,000 cameras takes minutes, not hours, and little memory.
    """
    report = OsmImportReport()
    cameras = _read(_export(data), report.skipped)
    importer = _Importer(status=status, by=by, report=report)
    with transaction.atomic():
        while batch := list(islice(cameras, IMPORT_BATCH)):
            importer.write(batch)
            if progress:
                progress(report.created + report.updated + report.unchanged)
        if report.created or report.updated:
            changed_in_bulk(CameraLocation)
    report.total = report.created + report.updated + report.unchanged + len(report.skipped)
    return report


class _Importer:
    """Writes one batch of an import at a time, with what every batch shares: the directory's
    names and the attribution data, read once."""

    def __init__(self, *, status: str, by, report: OsmImportReport):
        self.status, self.by, self.report = status, by, report
        self.services = _service_index()
        self.operators: dict[str, PoliceService | None] = {}
        self.attributor = selectors.Attributor()
        # The note of each attribution, written once: thousands of cameras share a few.
        self.attribution_notes: dict[tuple, str] = {}

    def write(self, batch: list[OsmCamera]) -> None:
        known = {
            (camera.osm_type, camera.osm_id): camera
            for camera in CameraLocation.objects.select_for_update().filter(
                # Both columns, so the lookup uses the index of OSM elements.
                osm_type__in={found.osm_type for found in batch},
                osm_id__in=[found.osm_id for found in batch],
            )
        }
        created, updated = [], []
        for found in batch:
            camera = self._camera(found, known.get((found.osm_type, found.osm_id)))
            if camera is None:
                self.report.unchanged += 1
            elif camera.pk is None:
                created.append(camera)
            else:
                updated.append(camera)
        CameraLocation.objects.bulk_create(created)
        if updated:
            CameraLocation.objects.bulk_update(updated, [*_IMPORTED_FIELDS, "updated_at"])
        CameraRevision.objects.bulk_create(
            camera_revision(camera, CameraRevision.Action.IMPORTED, by=self.by)
            for camera in [*created, *updated]
        )
        self.report.created += len(created)
        self.report.updated += len(updated)

    def _camera(self, found: OsmCamera, camera: CameraLocation | None) -> CameraLocation | None:
        """The camera to write for an element (new, or known and changed), or None when the
        known camera is unchanged."""
        ref = f"{found.osm_type} {found.osm_id}"
        for warning in found.warnings:
            self.report.warnings.append((ref, warning))
        operator = found.tags.get("operator", "")
        if operator not in self.operators:  # thousands of cameras name the same few
            self.operators[operator] = _operator_service(operator, self.services)
        service = self.operators[operator]
        if operator and service is None:
            self.report.warnings.append((ref, f"operator “{operator}” is not in the directory"))
        values = {
            "latitude": found.latitude,
            "longitude": found.longitude,
            "directions": found.directions,
            "vendor": found.vendor,
            "mount": found.mount,
            "kind": CameraLocation.Kind.TRAILER
            if found.mount == "trailer"
            else CameraLocation.Kind.FIXED,
            "osm_tags": found.tags,
        }
        if camera is None:
            notes = [f"operator={operator}"] if operator and service is None else []
            if service is None:
                attribution = self.attributor.suggest(found.latitude, found.longitude)
                service = attribution.service
                if service is not None:
                    notes.append(self._attribution_note(attribution))
            return CameraLocation(
                **values,
                police_service=service,
                source=CameraLocation.Source.OSM,
                osm_type=found.osm_type,
                osm_id=found.osm_id,
                confidence=CameraLocation.Confidence.LIKELY,
                status=self.status,
                submitted_by=self.by,
                notes="\n".join(notes),
            )
        before = camera_snapshot(camera)
        for name, value in values.items():
            setattr(camera, name, value)
        if service is not None:
            camera.police_service = service
        # The fields' own checks (ranges, choices, directions); the database checks the
        # constraints when the batch is written, which rolls the whole import back.
        camera.full_clean(
            exclude=["photo", "source_url"], validate_unique=False, validate_constraints=False
        )
        if camera_snapshot(camera) == before and camera.osm_tags == found.tags:
            return None
        camera.updated_at = timezone.now()  # bulk_update does not set auto_now fields
        return camera

    def _attribution_note(self, attribution: selectors.Attribution) -> str:
        place = attribution.municipality
        key = (attribution.how, attribution.service.pk, place.pk if place else None)
        if key not in self.attribution_notes:
            self.attribution_notes[key] = (
                f"Attributed to {attribution.service.name_en}: {attribution.reason}"
            )
        return self.attribution_notes[key]


# What an import sets on a camera it already knows.
_IMPORTED_FIELDS = [
    "latitude",
    "longitude",
    "directions",
    "vendor",
    "mount",
    "kind",
    "osm_tags",
    "police_service",
]


# --- Exports ---------------------------------------------------------------------------------

LICENCE_NOTE = (
    "Cameras whose source is 'osm' come from OpenStreetMap, © OpenStreetMap contributors, "
    "available under the Open Database License (ODbL 1.0): https://www.openstreetmap.org/copyright. "
    "A database that includes them is shared under the ODbL."
)


CSV_COLUMNS = [
    "id",
    "latitude",
    "longitude",
    "kind",
    "vendor",
    "mount",
    "directions",
    "operator",
    "province",
    "source",
    "release_url",
    "page",
    "osm_type",
    "osm_id",
    "source_url",
    "confidence",
    "approved_on",
]


# The columns worked out from what is read (the rest are stored as they are written), and
# what they are worked out from. Read as plain values rather than model objects: an export has
# every camera, and building the objects took most of its time.
_WORKED_OUT = {
    "id",
    "latitude",
    "longitude",
    "operator",
    "province",
    "release_url",
    "page",
    "osm_id",
    "approved_on",
}
_AS_STORED = [column for column in CSV_COLUMNS if column not in _WORKED_OUT]
_READ_FOR_THE_REST = [
    "pk",
    "latitude",
    "longitude",
    "page",
    "osm_id",
    "reviewed_at",
    "release_id",
    "release__moderation",
    "police_service__name_en",
    "police_service__name_fr",
    "police_service__province",
]


def export_rows(cameras: QuerySet) -> Iterator[dict]:
    """Each camera as the exports write it, in CSV_COLUMNS: the public fields only (never
    who submitted it), the operator by its name in its province's language, the release's
    page when the release is published. `directions` is the list of degrees."""
    release_url = Release.url_pattern()
    approved = Release.Moderation.APPROVED
    for read in cameras.values(*_AS_STORED, *_READ_FOR_THE_REST).iterator(chunk_size=2000):
        province = read["police_service__province"]
        name_fr = read["police_service__name_fr"]
        url = (
            release_url.format(pk=read["release_id"])
            if read["release__moderation"] == approved
            else ""
        )
        worked_out = {
            "id": read["pk"],
            "latitude": float(read["latitude"]),
            "longitude": float(read["longitude"]),
            "operator": (
                name_fr if province == "QC" and name_fr else read["police_service__name_en"]
            )
            or "",
            "province": province or "",
            "release_url": url,
            "page": read["page"] if url else "",
            "osm_id": read["osm_id"] or "",
            "approved_on": read["reviewed_at"].date().isoformat() if read["reviewed_at"] else "",
        }
        yield {column: worked_out.get(column, read.get(column)) for column in CSV_COLUMNS}


def _directions_text(directions: list[int]) -> str:
    return ";".join(str(d) for d in directions)


# The exports are written one camera at a time (they can be large), by a writer per format:
# `writer.row(row)` for each export row, then `writer.close()`. The export task feeds all
# three from one read of the cameras.


class GeoJSONWriter:
    """A FeatureCollection of points."""

    def __init__(self, out: TextIO):
        self.out, self.count = out, 0
        self.encode = json.JSONEncoder(ensure_ascii=False).encode
        out.write('{"type": "FeatureCollection", "license": ' + json.dumps(LICENCE_NOTE))
        out.write(', "features": [')

    def row(self, row: dict) -> None:
        properties = dict(row)
        longitude, latitude = properties.pop("longitude"), properties.pop("latitude")
        feature = {
            "type": "Feature",
            "id": row["id"],
            "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
            "properties": properties,
        }
        self.out.write(("," if self.count else "") + "\n" + self.encode(feature))
        self.count += 1

    def close(self) -> None:
        self.out.write("\n]}\n")


class CSVWriter:
    def __init__(self, out: TextIO):
        self.writer = csv.writer(out, lineterminator="\n")
        self.writer.writerow(CSV_COLUMNS)

    def row(self, row: dict) -> None:
        cells = {**row, "directions": _directions_text(row["directions"])}
        self.writer.writerow([safe_cell(cells[column]) for column in CSV_COLUMNS])

    def close(self) -> None:
        pass


def osm_tags(row: dict) -> dict[str, str]:
    """The tags of a new OSM node for this camera (an export row), in DeFlock's ALPR
    scheme."""
    tags = {
        "man_made": "surveillance",
        "surveillance:type": "ALPR",
        "surveillance": "public",
        "surveillance:zone": "traffic",
        "camera:type": "fixed",
    }
    if row["mount"] in MOUNT_TAGS:
        tags["camera:mount"] = MOUNT_TAGS[row["mount"]]
    if row["vendor"] in MANUFACTURER_TAGS:
        tags["manufacturer"] = MANUFACTURER_TAGS[row["vendor"]]
    if row["operator"]:
        tags["operator"] = row["operator"]
    if row["directions"]:
        tags["direction"] = _directions_text(row["directions"])
    return tags


# As ElementTree escapes an attribute, for a file JOSM reads.
_ATTRIBUTE_ESCAPES = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#09;"}


@lru_cache(maxsize=4096)  # tags repeat: the same keys, vendors, operators and directions
def _attribute(value: str) -> str:
    return '"' + escape(value, _ATTRIBUTE_ESCAPES) + '"'


class OSMXMLWriter:
    """An .osm file of new nodes (negative ids) for a mapper to review in JOSM and upload.

    Only fixed cameras: trailers move and bases of camera vehicles are not cameras, and
    OpenStreetMap maps what is durably on the ground.
    """

    def __init__(self, out: TextIO):
        self.out, self.new_id = out, 0
        out.write("<?xml version='1.0' encoding='utf-8'?>\n")
        out.write('<osm version="0.6" generator="alpr-records-campaign">\n')

    def row(self, row: dict) -> None:
        if row["kind"] != CameraLocation.Kind.FIXED:
            return
        self.new_id -= 1
        self.out.write(
            f'  <node id="{self.new_id}" visible="true"'
            f' lat="{row["latitude"]:.7f}" lon="{row["longitude"]:.7f}">\n'
        )
        for key, value in osm_tags(row).items():
            self.out.write(f"    <tag k={_attribute(key)} v={_attribute(value)} />\n")
        self.out.write("  </node>\n")

    def close(self) -> None:
        self.out.write("</osm>\n")


def load_file(path) -> OverpassExport | dict:
    """An Overpass export file. An object's "elements" are read from the text one element at
    a time (`OverpassExport`); anything else is decoded at once, to say what is wrong."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except UnicodeDecodeError as error:
        raise OsmFileError(f"not UTF-8 text: {error}") from None
    if text[_WHITESPACE.match(text).end() :][:1] == "{":
        # Read twice by the import (`_read`), which refuses a file that is not valid JSON
        # before it writes anything.
        return OverpassExport(lambda: _elements_of(text))
    with _json_errors():
        return json.loads(text)


_WHITESPACE = re.compile(r"[ \t\n\r]*")


@contextmanager
def _json_errors():
    try:
        yield
    except OsmFileError:
        raise
    except RecursionError:
        raise OsmFileError("nested too deeply to be an Overpass export") from None
    except ValueError as error:  # bad JSON, or a number too long to read
        raise OsmFileError(f"not valid JSON: {error}") from None


def _elements_of(text: str) -> Iterator:
    """Each value of the "elements" list of the JSON object `text`, decoded one at a time
    (the object's other members are decoded and dropped)."""
    decoder = json.JSONDecoder()

    def skip(position: int) -> int:
        return _WHITESPACE.match(text, position).end()

    def expect(position: int, *characters: str):
        """The character at `position`, which must be one of these (else the JSON is bad)."""
        found = text[position : position + 1]
        if found not in characters:
            raise OsmFileError(f"not valid JSON: expected {' or '.join(characters)} at {position}")
        return found

    with _json_errors():
        found = False
        position = skip(0)
        expect(position, "{")
        position = skip(position + 1)
        closed = text.startswith("}", position)
        while not closed:
            expect(position, '"')
            key, position = decoder.raw_decode(text, position)
            position = skip(position)
            expect(position, ":")
            position = skip(position + 1)
            if key == "elements" and text.startswith("[", position):
                found = True
                position = skip(position + 1)
                listed = text.startswith("]", position)
                while not listed:
                    element, position = decoder.raw_decode(text, position)
                    yield element
                    position = skip(position)
                    listed = expect(position, ",", "]") == "]"
                    position = skip(position + 1) if not listed else position
                position += 1
            else:
                found = found and key != "elements"  # a later "elements" replaces it
                _value, position = decoder.raw_decode(text, position)
            position = skip(position)
            closed = expect(position, ",", "}") == "}"
            position = skip(position + 1) if not closed else position
        if skip(position + 1) != len(text):
            raise OsmFileError(f"not valid JSON: extra data at {position + 1}")
    if not found:
        raise OsmFileError('not an Overpass JSON export: no list of "elements"')
