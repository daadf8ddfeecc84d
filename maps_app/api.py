"""The map's data endpoints: coverage GeoJSON and cameras per view, cached with ETags."""

import math

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from requests_app.models import Province, Vendor

from . import selectors
from .cache import CachedBody, cached_body
from .clustering import BBox, camera_view
from .models import CameraLocation


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


def _respond(request, entry: CachedBody, content_type: str) -> HttpResponse:
    if entry.etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(entry.gzipped, content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(entry.body, content_type=content_type)
    response["ETag"] = entry.etag
    patch_vary_headers(response, ["Accept-Encoding"])
    # Short browser caching; the ETag makes revalidation cheap.
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_GET
def coverage(request):
    """Police services by campaign status and provinces by share covered (public)."""
    try:
        zoom = parse_zoom(request.GET.get("zoom"), default=4)
        campaign = _campaign(request.GET.get("campaign", ""))
    except BadParameter as error:
        return _bad(str(error))
    params = {"zoom": zoom, "campaign": campaign.pk if campaign else None}
    entry = cached_body("coverage", params, lambda: selectors.coverage_geojson(campaign, zoom))
    return _respond(request, entry, "application/geo+json")


@require_GET
def cameras(request):
    """Approved cameras in a bounding box: grid clusters at low zoom, points at high zoom."""
    try:
        bbox = parse_bbox(request.GET.get("bbox"))
        zoom = parse_zoom(request.GET.get("zoom"))
        vendor = parse_choice(request.GET.get("vendor"), Vendor.values, "vendor")
        source = parse_choice(request.GET.get("source"), CameraLocation.Source.values, "source")
        province = parse_choice(request.GET.get("province"), Province.values, "province")
        campaign = _campaign(request.GET.get("campaign", ""))
    except BadParameter as error:
        return _bad(str(error))
    # The demo campaign's map shows its fictional cameras, every other map the real ones.
    demo = bool(campaign and campaign.is_demo)
    params = {
        "bbox": [round(v, 5) for v in (bbox.west, bbox.south, bbox.east, bbox.north)],
        "zoom": zoom,
        "vendor": vendor,
        "source": source,
        "province": province,
        "demo": demo,
    }

    def build():
        public = selectors.public_cameras(
            vendor=vendor, source=source, province=province, demo=demo
        )
        return selectors.cameras_geojson(camera_view(public, bbox, zoom), public)

    return _respond(request, cached_body("cameras", params, build), "application/geo+json")


@login_required
@require_GET
def suggest(request):
    """For the submission form: the likely police service and possible duplicates nearby.

    Only signed-in volunteers; duplicates are cameras this person may see.
    """
    from django.conf import settings

    try:
        latitude = float(request.GET.get("lat", ""))
        longitude = float(request.GET.get("lon", ""))
    except ValueError:
        return _bad(_("lat and lon must be numbers."))
    from .geo import in_canada

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
