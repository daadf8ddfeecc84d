"""Geography: province boundaries, police service areas and camera locations.

No GeoDjango (docs/architecture.md): points are two indexed decimal columns, areas are
GeoJSON in a JSON column with their bounding box in four indexed columns, and shapely
answers the spatial questions.
"""

import operator
from functools import reduce

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from requests_app.models import PoliceService, Province, Release, StoredFile, Vendor
from requests_app.models.base import AppendOnly
from requests_app.models.directory import (
    coordinates_in_canada,
    latitude_field,
    longitude_field,
)


class ProvinceBoundary(models.Model):
    """A province or territory as shipped in data/provinces.geojson."""

    code = models.CharField(_("code"), max_length=2, choices=Province, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_fr = models.CharField(_("name (French)"), max_length=80, blank=True)
    geometry = models.JSONField(_("geometry (GeoJSON)"))
    # {"<detail level>": GeoJSON geometry}, computed once when the boundary is loaded.
    simplified = models.JSONField(default=dict, editable=False)
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("province boundary")
        verbose_name_plural = _("province boundaries")
        ordering = ["code"]
        indexes = [
            # Is the province lookup's prepared copy still current: MAX(updated_at).
            models.Index(fields=["updated_at"], name="province_updated"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_fr if get_language() == "fr" and self.name_fr else self.name_en


class ServiceArea(models.Model):
    """The territory a police service patrols, imported by an organizer (import_areas)."""

    police_service = models.OneToOneField(
        PoliceService,
        on_delete=models.CASCADE,
        related_name="area",
        verbose_name=_("police service"),
    )
    geometry = models.JSONField(_("geometry (GeoJSON)"))
    simplified = models.JSONField(default=dict, editable=False)
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    source = models.CharField(_("source"), max_length=300, blank=True)
    feature_name = models.CharField(_("name in the source file"), max_length=200, blank=True)
    repaired = models.BooleanField(_("geometry was repaired"), default=False)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")
        indexes = [
            # Which areas may hold this point: a bounding-box pre-filter before shapely.
            models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"], name="area_bbox"),
            # Is the area lookup's prepared copy still current: MAX(updated_at).
            models.Index(fields=["updated_at"], name="area_updated"),
        ]

    def __str__(self):
        return str(self.police_service)


def validate_directions(value) -> None:
    if not isinstance(value, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and 0 <= d < 360 for d in value
    ):
        raise ValidationError(_("Directions are whole degrees from 0 (north) to 359."))


class CameraLocationQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=CameraLocation.Status.APPROVED)

    def public(self, *, demo: bool = False):
        """Approved cameras the public sees: the real ones, or with `demo` the fictional
        ones of the demo campaign (never both, so demo cameras never count as real)."""
        return self.approved().filter(is_demo=demo)

    def visible_to(self, user):
        """Approved cameras for everyone; a volunteer's own submissions; all for organizers."""
        from requests_app.roles import is_organizer

        if is_organizer(user):
            return self
        if not user.is_authenticated:
            return self.approved()
        return self.filter(Q(status=CameraLocation.Status.APPROVED) | Q(submitted_by=user))

    def in_bbox(self, west: float, south: float, east: float, north: float):
        return self.in_any_bbox([(west, south, east, north)])

    def in_any_bbox(self, boxes):
        """Cameras inside at least one of the (west, south, east, north) boxes."""
        inside = [
            Q(latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east)
            for west, south, east, north in boxes
        ]
        return self.filter(reduce(operator.or_, inside)) if inside else self.none()


class CameraLocation(models.Model):
    """Where one ALPR camera (or a base of camera vehicles) is, and how we know."""

    class Kind(models.TextChoices):
        FIXED = "fixed", _("Fixed camera")
        MOBILE_BASE = "mobile_base", _("Base of mobile units")
        TRAILER = "trailer", _("Camera trailer")

    class Mount(models.TextChoices):
        POLE = "pole", _("Pole")
        STREET_LAMP = "street_lamp", _("Street light")
        TRAFFIC_SIGNALS = "traffic_signals", _("Traffic signals")
        WALL = "wall", _("Wall")
        BRIDGE = "bridge", _("Bridge or gantry")
        TRAILER = "trailer", _("Trailer")
        OTHER = "other", _("Other")

    class Source(models.TextChoices):
        RELEASE = "release", _("Released record")
        OSM = "osm", _("OpenStreetMap")
        COUNCIL = "council", _("Council or board document")
        FIELD = "field", _("Field observation")

    class Confidence(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        LIKELY = "likely", _("Likely")
        POSSIBLE = "possible", _("Possible")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    latitude = latitude_field()
    longitude = longitude_field()
    directions = models.JSONField(
        _("directions (degrees)"),
        default=list,
        blank=True,
        validators=[validate_directions],
        help_text=_("Where the camera looks: 0 is north, 90 east. None, one or several."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.FIXED)
    vendor = models.CharField(_("vendor"), max_length=12, choices=Vendor, blank=True)
    mount = models.CharField(_("mount"), max_length=16, choices=Mount, blank=True)
    police_service = models.ForeignKey(
        PoliceService,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cameras",
        verbose_name=_("operated by"),
    )
    source = models.CharField(_("source"), max_length=8, choices=Source)
    release = models.ForeignKey(
        Release,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cameras",
        verbose_name=_("release"),
    )
    page = models.PositiveIntegerField(_("page"), null=True, blank=True)
    osm_type = models.CharField(_("OpenStreetMap element type"), max_length=4, blank=True)
    osm_id = models.BigIntegerField(_("OpenStreetMap id"), null=True, blank=True)
    osm_tags = models.JSONField(_("OpenStreetMap tags"), default=dict, blank=True)
    source_url = models.URLField(_("document address"), max_length=500, blank=True)
    # Accepted and served by requests_app.filetypes: re-encoded, without its metadata.
    photo = models.ForeignKey(
        StoredFile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("photo"),
    )
    observed_on = models.DateField(_("observed on"), null=True, blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=10, choices=Confidence, default=Confidence.LIKELY
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    is_demo = models.BooleanField(
        _("demonstration data"),
        default=False,
        help_text=_("A fictional camera of the demo campaign (`load_demo`)."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="camera_submissions",
        verbose_name=_("submitted by"),
    )
    notes = models.TextField(_("notes"), blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CameraLocationQuerySet.as_manager()

    class Meta:
        verbose_name = _("camera location")
        verbose_name_plural = _("camera locations")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The public map: approved cameras in a bounding box, and its grid clusters.
            models.Index(fields=["status", "latitude", "longitude"], name="camera_status_lat_lon"),
            # The moderation queue, oldest first.
            models.Index(fields=["status", "created_at"], name="camera_status_created"),
            # Are the camera grid and the exports current: MAX(updated_at) (tiles.py).
            models.Index(fields=["updated_at"], name="camera_updated"),
        ]
        constraints = [
            *coordinates_in_canada("camera"),
            # The OpenStreetMap import upserts by element.
            models.UniqueConstraint(
                fields=["osm_type", "osm_id"],
                condition=Q(osm_id__isnull=False),
                name="one_camera_per_osm_element",
            ),
            models.CheckConstraint(
                condition=Q(page__isnull=True) | Q(page__gte=1), name="camera_page_from_one"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.latitude}, {self.longitude})"

    def get_absolute_url(self):
        return reverse("maps_app:camera", kwargs={"pk": self.pk})

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def osm_url(self) -> str:
        if self.osm_id is None or self.osm_type not in ("node", "way"):
            return ""
        return f"https://www.openstreetmap.org/{self.osm_type}/{self.osm_id}"


class CameraCell(models.Model):
    """Approved cameras counted per grid cell at the low zooms (`tiles.GRID_MAX_ZOOM` and
    below), per value of the map's filters, so a tile of the whole country reads a few
    dozen rows instead of every camera. Rebuilt from the cameras when they change
    (`tiles.camera_grid_refresh`); never edited by hand."""

    zoom = models.PositiveSmallIntegerField()
    # The cell: floor(longitude / width), floor(latitude / height) at this zoom (clustering.py).
    x = models.IntegerField()
    y = models.IntegerField()
    is_demo = models.BooleanField()
    vendor = models.CharField(max_length=20, blank=True)
    source = models.CharField(max_length=10)
    province = models.CharField(max_length=2, blank=True)  # the operating service's
    count = models.PositiveIntegerField()
    latitude_sum = models.FloatField()
    longitude_sum = models.FloatField()
    first_id = models.PositiveIntegerField()

    class Meta:
        indexes = [
            # A tile: the cells of one zoom in a range of columns and rows.
            models.Index(fields=["is_demo", "zoom", "x", "y"], name="camera_cell_tile"),
        ]

    def __str__(self):
        return f"{self.count} at zoom {self.zoom}, cell {self.x},{self.y}"


class CameraGrid(models.Model):
    """The one row saying which state of the cameras `CameraCell` was built from."""

    fingerprint = models.CharField(max_length=100, blank=True)
    built_at = models.DateTimeField(null=True)

    def __str__(self):
        return f"camera grid built {self.built_at}"


class CameraRevision(AppendOnly, models.Model):
    """Every version of a camera location: who changed what and why; append-only."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        EDITED = "edited", _("edited")
        IMPORTED = "imported", _("imported from OpenStreetMap")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    camera = models.ForeignKey(CameraLocation, on_delete=models.CASCADE, related_name="revisions")
    action = models.CharField(max_length=10, choices=Action)
    data = models.JSONField(help_text=_("The camera's fields after the change."))
    reason = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("camera revision")
        verbose_name_plural = _("camera revisions")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d}"
