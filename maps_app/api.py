"""The map's data endpoints (coverage GeoJSON and cameras per view, cached with ETags) and
the cameras of the REST API: approved ones for everyone, as JSON or GeoJSON, and reporting
one through the camera form's own service."""

import math

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import (
    action,
    api_view,
    content_negotiation_class,
    permission_classes,
    renderer_classes,
    throttle_classes,
)
from rest_framework.exceptions import Throttled
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from requests_app import ratelimit
from requests_app.api.auth import MapThrottle
from requests_app.api.common import (
    CAMPAIGN_PARAMETER,
    SlugRelatedField,
    campaign_of,
    refusals,
    validated,
)
from requests_app.models import PoliceService, Province, Release, Vendor

from . import selectors, services, tiles
from .cache import CachedBody, cached_value
from .clustering import BBox, camera_view
from .geo import in_canada
from .models import CameraLocation


class GeoJSONRenderer(JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


class FirstRenderer(BaseContentNegotiation):
    """The map's data endpoints answer their GeoJSON, and errors as JSON, whatever the
    client accepts (its page asks for application/geo+json, a browser for anything)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class BadParameter(ValueError):
    pass


def _bad(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=400)


def parse_zoom(raw: str | None, *, default: int | None = None) -> int:
    if raw in (None, ""):
        if default is None:
            raise BadParameter(_("zoom is required: a whole number from 0 to 20."))
        return default
    try:
        zoom = int(raw)
    except ValueError:
        raise BadParameter(_("zoom must be a whole number from 0 to 20.")) from None
    if not 0 <= zoom <= 20:
        raise BadParameter(_("zoom must be a whole number from 0 to 20."))
    return zoom


def parse_bbox(raw: str | None) -> BBox:
    if not raw:
        raise BadParameter(_("bbox is required: west,south,east,north in degrees."))
    parts = raw.split(",")
    if len(parts) != 4:
        raise BadParameter(_("bbox must be four numbers: west,south,east,north."))
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise BadParameter(_("bbox must be four numbers: west,south,east,north.")) from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise BadParameter(_("bbox must be four numbers: west,south,east,north."))
    if not (
        -180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90
    ):
        raise BadParameter(
            _("bbox is out of range: longitudes from -180 to 180, latitudes from -90 to 90.")
        )
    if west >= east or south >= north:
        raise BadParameter(
            _("bbox is inverted: west must be less than east, south less than north.")
        )
    return BBox(west, south, east, north)


def parse_choice(raw: str | None, choices, name: str) -> str:
    if not raw:
        return ""
    if raw not in choices:
        raise BadParameter(
            _("%(name)s must be one of: %(choices)s.")
            % {"name": name, "choices": ", ".join(choices)}
        )
    return raw


def _campaign(slug: str):
    campaign = selectors.map_campaign(slug)
    if slug and campaign is None:
        raise BadParameter(_("No open campaign has that slug."))
    return campaign


def _answer(request, entry: CachedBody, build=None, content_type: str = ""):
    """A cached JSON body with its ETag, or None when it is not cached and there is no
    `build`. A revalidation reads only the ETag, and a hit moves only the encoding the
    client takes."""
    wanted = {t.strip() for t in request.headers.get("If-None-Match", "").split(",")} - {""}
    etag = entry.etag() if wanted else None
    if etag is None or etag not in wanted:
        gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
        body = entry.get(gzipped=gzipped, build=build, content_type=content_type)
        if body is None:
            return None
        etag = body.etag
    if etag in wanted:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body.content, content_type=body.content_type)
        if body.gzipped:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    patch_vary_headers(response, ["Accept-Encoding"])
    # Short browser caching; the ETag makes revalidation cheap.
    response["Cache-Control"] = "public, max-age=60"
    return response


def _entry(request) -> CachedBody:
    """Where the answer to a map data request is cached: a camera tile
    (`/api/map/cameras/z/x/y.json`, a kilobyte or so) as one small entry. Made once per
    request, so the view does not look again for what the middleware did not find."""
    entry = getattr(request, "map_cache_entry", None)
    if entry is None:
        entry = CachedBody(request.path, request.GET, small="/cameras/" in request.path)
        request.map_cache_entry = entry
    return entry


def cached_answer(request) -> HttpResponse | None:
    """The answer to a map data request when it is cached, else None (middleware.py)."""
    return _answer(request, _entry(request))


def _respond(request, build, content_type: str) -> HttpResponse:
    """A map data endpoint's answer, from the cache (asked before anything else: `build`
    reads the database only on a miss, and only a miss counts against the map's rate
    limit)."""

    def counted_build():
        throttle = MapThrottle()
        if not throttle.allow_request(request, None):
            raise Throttled(wait=throttle.wait())
        return build()

    return _answer(request, _entry(request), counted_build, content_type)


# --- The map's data endpoints ------------------------------------------------------------


class MapErrorSerializer(serializers.Serializer):
    """A bad parameter, as `error`; an address refused before the endpoint reads it (a NUL
    character), as `detail`."""

    error = serializers.CharField(
        required=False, help_text=gettext_lazy("What is wrong with which parameter.")
    )
    detail = serializers.CharField(required=False)


class FeatureSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.CharField()
    geometry = serializers.JSONField(allow_null=True, help_text=gettext_lazy("A GeoJSON geometry."))
    properties = serializers.DictField()


class CountersSerializer(serializers.Serializer):
    services = serializers.IntegerField()
    covered = serializers.IntegerField()
    filed = serializers.IntegerField()
    releases = serializers.IntegerField()
    cameras = serializers.IntegerField()


class CoverageSerializer(serializers.Serializer):
    type = serializers.CharField()
    campaign = serializers.CharField(allow_null=True)
    zoom = serializers.IntegerField()
    counters = CountersSerializer()
    features = FeatureSerializer(
        many=True,
        help_text=gettext_lazy(
            "Police services (`layer` service: status, appeal, published camera counts) and "
            "provinces (`layer` province: services and the share covered)."
        ),
    )


class CameraViewSerializer(serializers.Serializer):
    type = serializers.CharField()
    mode = serializers.CharField(help_text=gettext_lazy("`points`, or `clusters` at low zoom."))
    grid_zoom = serializers.IntegerField()
    total = serializers.IntegerField()
    features = FeatureSerializer(many=True)


class SuggestionServiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    how = serializers.CharField()
    reason = serializers.CharField()


class DuplicateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    distance_m = serializers.FloatField()
    status = serializers.CharField()
    url = serializers.CharField()


class SuggestionSerializer(serializers.Serializer):
    service = SuggestionServiceSerializer(allow_null=True)
    duplicates = DuplicateSerializer(many=True)


def _map_answers(body) -> dict:
    return {
        (200, "application/geo+json"): body,
        (304, "application/geo+json"): OpenApiResponse(
            description=gettext_lazy("Unchanged since the ETag given in If-None-Match.")
        ),
        (400, "application/json"): MapErrorSerializer,
    }


_MAP_CAMPAIGN = OpenApiParameter(
    "campaign",
    OpenApiTypes.STR,
    description=gettext_lazy("Slug of an open campaign; the real campaign when left out."),
)
_ZOOM = OpenApiParameter("zoom", OpenApiTypes.INT, description=gettext_lazy("0 to 20."))
_PROVINCE = OpenApiParameter("province", OpenApiTypes.STR, enum=Province.values)


def map_data(func=None, *, cached: bool = False):
    """A map data endpoint: public GET, its own rate limit; the view writes its body, DRF
    only its errors. A `cached` one counts against the limit only the answers it has to
    build (`_respond`): a cached answer costs the server what a static file does, and a
    screen of the map asks for dozens of tiles."""
    if func is None:
        return lambda func: map_data(func, cached=cached)
    func = content_negotiation_class(FirstRenderer)(func)
    func = renderer_classes([JSONRenderer])(func)
    func = permission_classes([AllowAny])(func)
    func = throttle_classes([] if cached else [MapThrottle])(func)
    return api_view(["GET"])(func)


@extend_schema(
    summary=gettext_lazy("The map's coverage"),
    parameters=[_ZOOM, _MAP_CAMPAIGN],
    responses=_map_answers(CoverageSerializer),
)
@map_data(cached=True)
def coverage(request):
    """Police services by campaign status and provinces by share covered (public)."""
    try:
        zoom = parse_zoom(request.GET.get("zoom"), default=4)
        slug = request.GET.get("campaign", "")
        return _respond(
            request,
            lambda: selectors.coverage_geojson(_campaign(slug), zoom),
            "application/geo+json",
        )
    except BadParameter as error:
        return _bad(str(error))


def coverage_cache(zoom: int, slug: str) -> CachedBody:
    """Where the coverage the map page asks for is cached, for its pre-building (tasks.py):
    the address map.js asks for."""
    query = {"zoom": str(zoom), "campaign": slug} if slug else {"zoom": str(zoom)}
    return CachedBody(reverse("maps_app:api_coverage"), query)


# The filters' values, listed once (a tile is answered in about a millisecond when cached).
_FILTER_CHOICES = {
    "vendor": Vendor.values,
    "source": CameraLocation.Source.values,
    "province": Province.values,
}


def _camera_filters(request) -> dict:
    return {
        name: parse_choice(request.GET.get(name), choices, name)
        for name, choices in _FILTER_CHOICES.items()
    }


def _demo_map(slug: str) -> bool:
    campaign = _campaign(slug)
    return bool(campaign and campaign.is_demo)


def _with_demo(filters: dict, slug: str) -> dict:
    """The map's filters with `demo`: the demo campaign's map shows its fictional cameras,
    every other map the real ones. Which one a slug names is cached as the answers are (a
    lookup cost a cold tile a fifth of its time)."""
    demo = bool(slug) and cached_value(
        "map-demo", {"campaign": slug}, lambda: _demo_map(slug), flag=True
    )
    return {**filters, "demo": demo}


_CAMERA_FILTERS = [
    OpenApiParameter("vendor", OpenApiTypes.STR, enum=Vendor.values),
    OpenApiParameter("source", OpenApiTypes.STR, enum=CameraLocation.Source.values),
    _PROVINCE,
    _MAP_CAMPAIGN,
]


@extend_schema(
    summary=gettext_lazy("The map's cameras in a view"),
    parameters=[
        OpenApiParameter(
            "bbox",
            OpenApiTypes.STR,
            required=True,
            description=gettext_lazy("west,south,east,north in degrees"),
        ),
        OpenApiParameter(
            "zoom", OpenApiTypes.INT, required=True, description=gettext_lazy("0 to 20.")
        ),
        *_CAMERA_FILTERS,
    ],
    responses=_map_answers(CameraViewSerializer),
)
@map_data(cached=True)
def cameras(request):
    """Approved cameras in a bounding box: grid clusters at low zoom, points at high zoom.
    A point gives the camera's id, vendor and directions; the rest is at
    `/api/map/cameras/{id}`. The map page asks for tiles instead
    (`/api/map/cameras/{z}/{x}/{y}.json`), which its browser and the server cache."""
    try:
        bbox = parse_bbox(request.GET.get("bbox"))
        zoom = parse_zoom(request.GET.get("zoom"))
        filters = _camera_filters(request)
        slug = request.GET.get("campaign", "")

        def build():
            public = selectors.public_cameras(**_with_demo(filters, slug))
            return selectors.cameras_geojson(camera_view(public, bbox, zoom))

        return _respond(request, build, "application/geo+json")
    except BadParameter as error:
        return _bad(str(error))


def parse_tile(z: int, x: int, y: int) -> None:
    if not 0 <= z <= tiles.MAX_ZOOM:
        raise BadParameter(_("z must be a zoom from 0 to %(max)d.") % {"max": tiles.MAX_ZOOM})
    if not (0 <= x < 2**z and 0 <= y < 2**z):
        raise BadParameter(
            _("x and y must be from 0 to %(last)d at zoom %(z)d.") % {"last": 2**z - 1, "z": z}
        )


class CameraTileSerializer(serializers.Serializer):
    mode = serializers.CharField(
        help_text=gettext_lazy("`points`, or `clusters` at low zoom or in a crowded tile.")
    )
    total = serializers.IntegerField(help_text=gettext_lazy("Every camera in the tile."))
    clusters = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField()),
        help_text=gettext_lazy(
            "[longitude, latitude, count]: two or more cameras of a grid cell, at their mean "
            "position."
        ),
    )
    points = serializers.ListField(
        child=serializers.ListField(child=serializers.JSONField()),
        help_text=gettext_lazy(
            "[id, longitude, latitude, vendor, directions]: one camera; its details are at "
            "/api/map/cameras/{id}."
        ),
    )


@extend_schema(
    operation_id="map_camera_tile_retrieve",
    summary=gettext_lazy("The map's cameras in a tile"),
    parameters=[
        OpenApiParameter(
            "z", OpenApiTypes.INT, OpenApiParameter.PATH, description=gettext_lazy("0 to 20.")
        ),
        OpenApiParameter(
            "x", OpenApiTypes.INT, OpenApiParameter.PATH, description=gettext_lazy("0 to 2^z - 1.")
        ),
        OpenApiParameter(
            "y",
            OpenApiTypes.INT,
            OpenApiParameter.PATH,
            description=gettext_lazy("0 to 2^z - 1, from the north."),
        ),
        *_CAMERA_FILTERS,
    ],
    responses={
        (200, "application/json"): CameraTileSerializer,
        (304, "application/json"): OpenApiResponse(
            description=gettext_lazy("Unchanged since the ETag given in If-None-Match.")
        ),
        (400, "application/json"): MapErrorSerializer,
    },
)
@map_data(cached=True)
def camera_tile(request, z: int, x: int, y: int):
    """Approved cameras in one web map tile (the OpenStreetMap tile numbers): grid clusters
    below zoom 14, points from there on unless the tile is crowded. Every camera is in
    exactly one tile at each zoom, so the tiles' counts add up."""
    try:
        parse_tile(z, x, y)
        filters = _camera_filters(request)
        slug = request.GET.get("campaign", "")

        def build():
            return tiles.camera_tile(z, x, y, filters=_with_demo(filters, slug))

        return _respond(request, build, "application/json")
    except BadParameter as error:
        return _bad(str(error))


@extend_schema(
    summary=gettext_lazy("Who operates a camera here, and known cameras nearby"),
    parameters=[
        OpenApiParameter("lat", OpenApiTypes.NUMBER, required=True),
        OpenApiParameter("lon", OpenApiTypes.NUMBER, required=True),
    ],
    responses={200: SuggestionSerializer, 400: MapErrorSerializer},
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
@throttle_classes([MapThrottle])
def suggest(request):
    """For the submission form: the likely police service and possible duplicates nearby.

    Only signed-in volunteers; duplicates are cameras this person may see.
    """
    ratelimit.check(request, "suggest")
    try:
        latitude = float(request.GET.get("lat", ""))
        longitude = float(request.GET.get("lon", ""))
    except ValueError:
        return _bad(_("lat and lon must be numbers."))
    if not (math.isfinite(latitude) and math.isfinite(longitude)) or not in_canada(
        latitude, longitude
    ):
        return _bad(_("The point is outside Canada."))
    attribution = selectors.suggest_service(latitude, longitude)
    service = attribution.service
    nearby = selectors.nearby_cameras(
        latitude, longitude, user=request.user, metres=settings.MAP_DUPLICATE_METRES
    )
    return JsonResponse(
        {
            "service": {
                "id": service.pk,
                "name": service.name,
                "how": attribution.how,
                "reason": attribution.reason,
            }
            if service
            else None,
            "duplicates": [
                {
                    "id": camera.pk,
                    "distance_m": round(distance, 1),
                    "status": camera.status,
                    "url": camera.get_absolute_url(),
                }
                for camera, distance in nearby
            ],
        }
    )


# --- Cameras in the REST API -------------------------------------------------------------


class CameraPropertiesSerializer(serializers.Serializer):
    """What the public may know about a camera (`selectors.camera_properties`: never who
    reported it), and the status its reporter sees."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CameraLocation.Kind.choices)
    vendor = serializers.CharField(help_text=gettext_lazy("Blank when unknown."))
    mount = serializers.CharField(help_text=gettext_lazy("Blank when unknown."))
    directions = serializers.ListField(child=serializers.IntegerField())
    source = serializers.ChoiceField(choices=CameraLocation.Source.choices)
    confidence = serializers.ChoiceField(choices=CameraLocation.Confidence.choices)
    police_service = serializers.CharField(allow_null=True, help_text=gettext_lazy("Its slug."))
    service = serializers.CharField(allow_null=True)
    service_fr = serializers.CharField(allow_null=True)
    service_url = serializers.CharField(allow_null=True)
    release_url = serializers.CharField(
        allow_null=True, help_text=gettext_lazy("The release it is in, once approved.")
    )
    page = serializers.IntegerField(allow_null=True)
    osm_url = serializers.CharField(allow_null=True)
    source_url = serializers.CharField(allow_null=True)
    photo_url = serializers.CharField(allow_null=True)
    url = serializers.CharField()
    status = serializers.ChoiceField(choices=CameraLocation.Status.choices)
    demo = serializers.BooleanField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, camera):
        service = camera.police_service
        return {
            **selectors.camera_properties(camera),
            "police_service": service.slug if service else None,
            "status": camera.status,
            "demo": camera.is_demo,
            "updated_at": serializers.DateTimeField().to_representation(camera.updated_at),
        }


class CameraSerializer(CameraPropertiesSerializer):
    """A camera with its place."""

    latitude = serializers.FloatField()
    longitude = serializers.FloatField()

    def to_representation(self, camera):
        return {
            **super().to_representation(camera),
            "latitude": float(camera.latitude),
            "longitude": float(camera.longitude),
        }


@extend_schema(
    operation_id="map_camera_retrieve",
    summary=gettext_lazy("One camera, for the map's popup"),
    responses={
        200: CameraSerializer,
        404: MapErrorSerializer,
    },
)
@map_data
def camera_detail(request, pk: int):
    """What the public may know about one approved camera (its reporter and organizers also
    see it before it is approved; for everyone else it does not exist)."""
    camera = (
        CameraLocation.objects.visible_to(request.user)
        .select_related("police_service", "release")
        .filter(pk=pk)
        .first()
    )
    if camera is None:
        return JsonResponse({"error": _("No such camera.")}, status=404)
    response = JsonResponse(CameraSerializer(camera).data)
    response["Cache-Control"] = "public, max-age=60" if camera.is_public else "private, no-store"
    return response


class CameraFeatureSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.IntegerField()
    geometry = serializers.DictField(help_text=gettext_lazy("A GeoJSON Point."))
    properties = CameraPropertiesSerializer()

    def to_representation(self, camera):
        return {
            "type": "Feature",
            "id": camera.pk,
            "geometry": {
                "type": "Point",
                "coordinates": [float(camera.longitude), float(camera.latitude)],
            },
            "properties": CameraPropertiesSerializer(camera).data,
        }


class CameraCollectionSerializer(serializers.Serializer):
    """A page of cameras as a GeoJSON FeatureCollection, with the page links."""

    type = serializers.CharField()
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    features = CameraFeatureSerializer(many=True)


class CameraInputSerializer(serializers.Serializer):
    """A camera report, as the camera form takes it (its photo goes through the form)."""

    latitude = serializers.DecimalField(max_digits=9, decimal_places=6)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6)
    source = serializers.ChoiceField(choices=CameraLocation.Source.choices)
    directions = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=359),
        required=False,
        default=list,
        help_text=gettext_lazy("Degrees from north (0) clockwise; none, one or several."),
    )
    kind = serializers.ChoiceField(
        choices=CameraLocation.Kind.choices, default=CameraLocation.Kind.FIXED
    )
    vendor = serializers.ChoiceField(choices=Vendor.choices, allow_blank=True, default="")
    mount = serializers.ChoiceField(
        choices=CameraLocation.Mount.choices, allow_blank=True, default=""
    )
    police_service = SlugRelatedField(
        slug_field="slug",
        queryset=PoliceService.objects.filter(active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("Its slug; suggested from where the point is when left out."),
    )
    # Whether this person may cite the release is the service's to say (a 403 otherwise).
    release = serializers.PrimaryKeyRelatedField(
        queryset=Release.objects.all(), required=False, allow_null=True, default=None
    )
    page = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    osm_id = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    source_url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    observed_on = serializers.DateField(required=False, allow_null=True, default=None)
    confidence = serializers.ChoiceField(
        choices=CameraLocation.Confidence.choices, default=CameraLocation.Confidence.LIKELY
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    not_a_duplicate = serializers.BooleanField(
        default=False,
        help_text=gettext_lazy("You checked it is a different camera from the one(s) nearby."),
    )


class CameraFilter(filters.FilterSet):
    province = filters.ChoiceFilter(field_name="police_service__province", choices=Province.choices)
    police_service = filters.CharFilter(
        field_name="police_service__slug", label=gettext_lazy("Slug of the police service")
    )
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = CameraLocation
        fields = ["vendor", "kind", "source", "confidence"]


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("Approved cameras"), parameters=[CAMPAIGN_PARAMETER])
)
class CameraViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Approved camera locations: the real ones, or the demo campaign's fictional ones when
    it is chosen (`?campaign=`), never both."""

    queryset = CameraLocation.objects.none()  # the schema's model; get_queryset gives the rows
    serializer_class = CameraSerializer
    filterset_class = CameraFilter
    ordering_fields = ["id", "updated_at"]
    ordering = ["id"]

    def get_queryset(self):
        campaign = campaign_of(self.request)
        return CameraLocation.objects.public(
            demo=bool(campaign and campaign.is_demo)
        ).select_related("police_service", "release")

    @extend_schema(
        summary=gettext_lazy("Approved cameras as GeoJSON"),
        parameters=[CAMPAIGN_PARAMETER],
        responses=CameraCollectionSerializer,
    )
    @action(detail=False, renderer_classes=[GeoJSONRenderer, JSONRenderer])
    def geojson(self, request):
        """The same cameras, filters and pages as a GeoJSON FeatureCollection of points."""
        cameras = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return Response(
            {
                "type": "FeatureCollection",
                "count": self.paginator.page.paginator.count,
                "next": self.paginator.get_next_link(),
                "previous": self.paginator.get_previous_link(),
                "features": CameraFeatureSerializer(cameras, many=True).data,
            }
        )

    @extend_schema(
        summary=gettext_lazy("Report a camera"),
        request=CameraInputSerializer,
        responses={201: CameraSerializer},
    )
    def create(self, request):
        """A camera you found in a release, on OpenStreetMap, in a council document or in
        the street. It stays private until an organizer approves it; one within a few metres
        of a known camera is refused unless you say it is a different one."""
        ratelimit.check(request, "cameras")
        data = validated(CameraInputSerializer, request)
        with refusals(services.CameraError):
            camera = services.camera_submit(
                by=request.user,
                duplicate_confirmed=data.pop("not_a_duplicate"),
                **data,
            )
        return Response(CameraSerializer(camera).data, status=status.HTTP_201_CREATED)
