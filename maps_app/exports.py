"""The camera exports (GeoJSON, CSV, an OSM file for JOSM) as files: built by a task once the
cameras change, written whole into EXPORTS_ROOT and swapped in at once (a reader never sees
half a file), then served as they are. A request never builds them, except the very first
one, which finds no file at all: it builds them once under a lock, and anyone asking while
that runs is told to come back in a few seconds (503 with Retry-After), never a second build.

Approved real cameras only: the demo's fictional ones are never in an export.
"""

import gzip
import json
import os
import shutil
import tempfile
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from . import osm
from .cache import cached_value
from .models import CameraLocation
from .tiles import cameras_fingerprint


@dataclass(frozen=True)
class Export:
    filename: str
    content_type: str
    writer: type  # osm.GeoJSONWriter...: made on a text handle, then .row(row)..., .close()
    with_osm_cameras: bool = True

    def takes(self, row: dict) -> bool:
        return self.with_osm_cameras or row["source"] != CameraLocation.Source.OSM


FORMATS = {
    "geojson": Export("alpr-cameras.geojson", "application/geo+json", osm.GeoJSONWriter),
    "csv": Export("alpr-cameras.csv", "text/csv", osm.CSVWriter),
    # OpenStreetMap's own cameras are there already.
    "osm": Export("alpr-cameras.osm", "application/xml", osm.OSMXMLWriter, False),
}
MANIFEST = "exports.json"
LOCK = "maps:exports-building"
# Longer than a build of the largest export; a worker that dies mid-build frees it then.
LOCK_SECONDS = 15 * 60


def exports_root() -> Path:
    return Path(settings.EXPORTS_ROOT or Path(settings.MEDIA_ROOT) / "exports")


def export_path(name: str) -> Path:
    return exports_root() / FORMATS[name].filename


def _rows():
    return osm.export_rows(CameraLocation.objects.public().order_by("pk"))


def export_write(name: str, out) -> None:
    """Write one export to a text handle (the command's output)."""
    export = FORMATS[name]
    writer = export.writer(out)
    for row in _rows():
        if export.takes(row):
            writer.row(row)
    writer.close()


def packed_path(path: Path) -> Path:
    return path.with_name(path.name + ".gz")


@contextmanager
def _building(path: Path, *, binary: bool = False):
    """A handle on a new file beside `path`, renamed over `path` once written whole (atomic
    on one disk); removed if writing it fails."""
    descriptor, building = tempfile.mkstemp(dir=path.parent, prefix=".building-")
    try:
        with (
            open(descriptor, "wb")
            if binary
            else open(descriptor, "w", encoding="utf-8", newline="")
        ) as handle:
            yield handle
        os.chmod(building, 0o644)
        os.replace(building, path)
    except BaseException:
        os.unlink(building)
        raise


def _pack(path: Path, out) -> None:
    """The file gzipped, for clients that accept gzip (every browser): the GeoJSON is
    fifteen times smaller, so a server sends fifteen times as many."""
    with (
        open(path, "rb") as source,
        gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=0) as packed,
    ):
        shutil.copyfileobj(source, packed, 1024 * 1024)


def built_fingerprint() -> str | None:
    try:
        return json.loads((exports_root() / MANIFEST).read_text())["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def exports_build() -> str:
    """Write every export from the cameras as they are now, all from one read of them;
    returns their fingerprint (read first, so a change during the build makes the next
    check build again)."""
    fingerprint = cameras_fingerprint()
    exports_root().mkdir(parents=True, exist_ok=True)
    with ExitStack() as files:
        writers = {
            export: export.writer(files.enter_context(_building(export_path(name))))
            for name, export in FORMATS.items()
        }
        for row in _rows():
            for export, writer in writers.items():
                if export.takes(row):
                    writer.row(row)
        for writer in writers.values():
            writer.close()
    for name in FORMATS:
        path = export_path(name)
        with _building(packed_path(path), binary=True) as out:
            _pack(path, out)
    manifest = {"fingerprint": fingerprint, "built_at": timezone.now().isoformat()}
    with _building(exports_root() / MANIFEST) as out:
        json.dump(manifest, out)
    return fingerprint


def exports_refresh(*, missing: bool = False) -> bool | None:
    """Build the exports if the cameras changed since they were built (or, with `missing`,
    because a file is not there): True if built, False if they were current, None if
    another process is building them now."""
    if not missing and built_fingerprint() == cameras_fingerprint():
        return False
    if not cache.add(LOCK, True, timeout=LOCK_SECONDS):
        return None
    try:
        exports_build()
    finally:
        cache.delete(LOCK)
    return True


def export_file(name: str, *, queue_refresh, gzipped: bool = False) -> Path | None:
    """The export's file to serve (its gzipped copy when the client takes gzip and it is
    there), or None while its very first build runs elsewhere.

    A file already built is served even if a camera changed since: the rebuild is queued
    (`queue_refresh`, checked once per version of the map's data) and the next visitor gets
    the new one."""
    path = export_path(name)
    if not path.exists():
        exports_refresh(missing=True)
        if not path.exists():
            return None
    else:
        cached_value("exports-checked", {}, lambda: _queue_if_stale(queue_refresh))
    if gzipped and packed_path(path).exists():
        return packed_path(path)
    return path


def _queue_if_stale(queue_refresh) -> bool:
    if built_fingerprint() != cameras_fingerprint():
        queue_refresh()
    return True
