"""Writes: loading province boundaries, submitting and moderating camera locations."""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from requests_app import filetypes
from requests_app.models import PoliceService, Release
from requests_app.roles import is_organizer

from . import geo, selectors
from .models import CameraLocation, CameraRevision, ProvinceBoundary

PROVINCES_FILE = Path(settings.BASE_DIR) / "data" / "provinces.geojson"


class CameraError(Exception):
    """A camera action that cannot be done; the message is shown to the person as is."""


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def provinces_load(path: Path = PROVINCES_FILE) -> LoadReport:
    """Load the shipped province and territory boundaries; a second run changes nothing."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    report = LoadReport()
    with transaction.atomic():
        for feature in data["features"]:
            props = feature["properties"]
            code = props["code"]
            geometry = feature["geometry"]
            existing = ProvinceBoundary.objects.filter(code=code).first()
            if (
                existing
                and existing.geometry == geometry
                and existing.simplified.get("version") == geo.SIMPLIFY_VERSION
            ):
                report.unchanged += 1
                continue
            clean = geo.clean_area(geometry)
            min_lon, min_lat, max_lon, max_lat = clean.bounds
            ProvinceBoundary.objects.update_or_create(
                code=code,
                defaults={
                    "name_en": props.get("name", code),
                    "name_fr": props.get("name_fr", ""),
                    "geometry": geometry,
                    "simplified": geo.simplified_levels(clean.geometry),
                    "min_lon": min_lon,
                    "min_lat": min_lat,
                    "max_lon": max_lon,
                    "max_lat": max_lat,
                },
            )
            if existing:
                report.updated += 1
            else:
                report.created += 1
    return report


# --- Cameras ---------------------------------------------------------------------------------

SNAPSHOT_FIELDS = [
    "latitude",
    "longitude",
    "directions",
    "kind",
    "vendor",
    "mount",
    "police_service_id",
    "source",
    "release_id",
    "page",
    "osm_type",
    "osm_id",
    "source_url",
    "observed_on",
    "confidence",
    "status",
    "notes",
]


def camera_snapshot(camera: CameraLocation) -> dict:
    data = {}
    for name in SNAPSHOT_FIELDS:
        value = getattr(camera, name)
        if isinstance(value, date):
            value = value.isoformat()
        elif value is not None and not isinstance(value, (str, int, float, list, dict, bool)):
            value = str(value)
        data[name] = value
    data["photo"] = camera.photo_id is not None
    return data


def camera_revision(camera: CameraLocation, action: str, *, by=None, reason: str = ""):
    """The revision a change to the camera writes (unsaved, so an import can write many at once)."""
    return CameraRevision(
        camera=camera, action=action, data=camera_snapshot(camera), reason=reason, by=by
    )


def revision_record(camera: CameraLocation, action: str, *, by=None, reason: str = "") -> None:
    camera_revision(camera, action, by=by, reason=reason).save()


def _check_source(
    *, source: str, release: Release | None, osm_id: int | None, source_url: str, by
) -> None:
    if source == CameraLocation.Source.RELEASE:
        if release is None:
            raise CameraError(_("Choose the release that shows this camera."))
        if not Release.objects.visible_to(by).filter(pk=release.pk).exists():
            raise PermissionDenied
    elif source == CameraLocation.Source.OSM and not osm_id:
        raise CameraError(_("Give the OpenStreetMap node id."))
    elif source == CameraLocation.Source.COUNCIL and not source_url:
        raise CameraError(_("Give the address of the council or board document."))


def camera_submit(
    *,
    by,
    latitude: float,
    longitude: float,
    source: str,
    directions: list[int] = (),
    kind: str = CameraLocation.Kind.FIXED,
    vendor: str = "",
    mount: str = "",
    police_service: PoliceService | None = None,
    release: Release | None = None,
    page: int | None = None,
    osm_id: int | None = None,
    source_url: str = "",
    photo=None,
    observed_on: date | None = None,
    confidence: str = CameraLocation.Confidence.LIKELY,
    notes: str = "",
    duplicate_confirmed: bool = False,
) -> CameraLocation:
    """A volunteer reports a camera; it waits for an organizer's review.

    Raises CameraError when a camera the person can see is within MAP_DUPLICATE_METRES
    and they have not confirmed it is a different one.
    """
    if not by.is_authenticated:
        raise PermissionDenied
    latitude, longitude = float(latitude), float(longitude)
    if not geo.in_canada(latitude, longitude):
        raise CameraError(_("The point is outside Canada."))
    _check_source(source=source, release=release, osm_id=osm_id, source_url=source_url, by=by)
    if not duplicate_confirmed and selectors.nearby_cameras(
        latitude, longitude, user=by, metres=settings.MAP_DUPLICATE_METRES
    ):
        raise CameraError(
            _("A known camera is within %(m)s m. Check it is not the same one.")
            % {"m": settings.MAP_DUPLICATE_METRES}
        )
    if police_service is None:
        police_service = selectors.suggest_service(latitude, longitude).service
    with transaction.atomic():
        camera = CameraLocation(
            latitude=Decimal(f"{latitude:.6f}"),
            longitude=Decimal(f"{longitude:.6f}"),
            directions=list(directions),
            kind=kind,
            vendor=vendor,
            mount=mount,
            police_service=police_service,
            source=source,
            release=release if source == CameraLocation.Source.RELEASE else None,
            page=page if source == CameraLocation.Source.RELEASE else None,
            osm_type="node" if source == CameraLocation.Source.OSM and osm_id else "",
            osm_id=osm_id if source == CameraLocation.Source.OSM else None,
            source_url=source_url.strip(),
            observed_on=observed_on,
            confidence=confidence,
            notes=notes.strip(),
            submitted_by=by,
            status=CameraLocation.Status.PENDING,
        )
        if photo is not None:
            try:
                camera.photo, _created = filetypes.accept(photo, filetypes.PHOTO)
            except filetypes.UploadError as error:
                raise CameraError(str(error)) from None
        try:
            camera.full_clean()
        except ValidationError as error:
            raise CameraError(" ".join(error.messages)) from None
        camera.save()
        revision_record(camera, CameraRevision.Action.SUBMITTED, by=by)
    return camera


def camera_decide(*, camera: CameraLocation, by, decision: str, reason: str = "") -> CameraLocation:
    """An organizer approves a camera (it becomes public) or rejects it with a reason."""
    if not is_organizer(by):
        raise PermissionDenied
    if decision not in (CameraLocation.Status.APPROVED, CameraLocation.Status.REJECTED):
        raise CameraError(_("Choose approve or reject."))
    reason = reason.strip()
    if decision == CameraLocation.Status.REJECTED and not reason:
        raise CameraError(_("Say why, so the volunteer knows what to do."))
    with transaction.atomic():
        camera = CameraLocation.objects.select_for_update().get(pk=camera.pk)
        if camera.status == decision:  # decided already (two organizers, or a second click)
            raise CameraError(
                _("This camera is already approved.")
                if decision == CameraLocation.Status.APPROVED
                else _("This camera is already rejected.")
            )
        camera.status = decision
        camera.decision_reason = reason
        camera.reviewed_by = by
        camera.reviewed_at = timezone.now()
        camera.save()
        action = (
            CameraRevision.Action.APPROVED
            if decision == CameraLocation.Status.APPROVED
            else CameraRevision.Action.REJECTED
        )
        revision_record(camera, action, by=by, reason=reason)
    return camera


def camera_edit(*, camera: CameraLocation, by) -> CameraLocation:
    """An organizer saves a camera they changed (or added) in the admin; the new version is
    kept like every other."""
    if not is_organizer(by):
        raise PermissionDenied
    action = CameraRevision.Action.SUBMITTED if camera.pk is None else CameraRevision.Action.EDITED
    with transaction.atomic():
        camera.save()
        revision_record(camera, action, by=by)
    return camera
