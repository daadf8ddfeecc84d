from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_POST

from requests_app import filetypes, ratelimit
from requests_app import selectors as requests_selectors
from requests_app.models import Outcome, Province, Stage, Vendor
from requests_app.roles import is_organizer
from requests_app.selectors import TargetStatus

from . import exports, selectors, services, tasks
from .forms import CameraForm, DecisionForm, MapFilterForm
from .models import CameraLocation


def _map_config(request, campaign, *, embed: bool) -> dict:
    user = request.user
    return {
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "center": list(settings.LEAFLET_CONFIG["DEFAULT_CENTER"]),
        "zoom": settings.LEAFLET_CONFIG["DEFAULT_ZOOM"],
        "minZoom": settings.LEAFLET_CONFIG["MIN_ZOOM"],
        "maxZoom": settings.LEAFLET_CONFIG["MAX_ZOOM"],
        "coverageUrl": reverse("maps_app:api_coverage"),
        "coverageZooms": selectors.COVERAGE_ZOOMS,
        # Address templates: {z}/{x}/{y} of a camera tile, {id} of a camera's details.
        "cameraTileUrl": reverse(
            "maps_app:api_camera_tile", kwargs={"z": 0, "x": 0, "y": 0}
        ).replace("/0/0/0.json", "/{z}/{x}/{y}.json"),
        "cameraUrl": reverse("maps_app:api_camera_detail", kwargs={"pk": 0}).removesuffix("0")
        + "{id}",
        "campaign": campaign.slug if campaign else "",
        "language": get_language(),
        "embed": embed,
        "canClaim": bool(user.is_authenticated and campaign and not embed),
        "claimUrl": reverse("requests_app:claim_create", kwargs={"slug": "__slug__"}),
        "colours": {item["status"]: item["colour"] for item in selectors.legend()},
        "fallbackColour": selectors.FALLBACK_COLOUR,
        "labels": {
            "status": {k: str(v) for k, v in TargetStatus.choices},
            "appealStage": {k: str(v) for k, v in Stage.choices},
            "appealOutcome": {k: str(v) for k, v in Outcome.choices},
            "vendor": {k: str(v) for k, v in Vendor.choices},
            "kind": {k: str(v) for k, v in CameraLocation.Kind.choices},
            "mount": {k: str(v) for k, v in CameraLocation.Mount.choices},
            "source": {k: str(v) for k, v in CameraLocation.Source.choices},
            "province": {k: str(v) for k, v in Province.choices},
            "fixedCameras": _("Fixed cameras (records)"),
            "mobileUnits": _("Camera vehicles (records)"),
            "vendors": _("Vendors (records)"),
            "servicePage": _("Service page"),
            "claim": _("Claim this target"),
            "claimHint": _("Claim it to send the request yourself."),
            "releasePage": _("Released record"),
            "page": _("page"),
            "osm": _("OpenStreetMap element"),
            "document": _("Council or board document"),
            "field": _("Seen by a volunteer"),
            "photo": _("Photo"),
            "directions": _("Faces"),
            "operatedBy": _("Operated by"),
            "unknownVendor": _("Vendor unknown"),
            "cameras": _("cameras"),
            "covered": _("covered"),
            "services": _("services"),
            "zoomIn": _("Zoom in to see them"),
            "tilesDown": _(
                "The background map could not load; the campaign's data is still shown."
            ),
            "details": _("Details"),
            "loading": _("Loading…"),
            "notLoaded": _("The details could not be loaded."),
        },
    }


def _map_context(request, *, embed: bool) -> dict:
    campaign = selectors.map_campaign(request.GET.get("campaign", ""))
    return {
        "campaign": campaign,
        "campaigns": requests_selectors.open_campaigns(),
        "legend": selectors.legend(),
        "counters": selectors.counters(campaign),
        "filter_form": MapFilterForm(request.GET or None),
        "map_config": _map_config(request, campaign, embed=embed),
        "embed": embed,
        "viewer_is_organizer": is_organizer(request.user),
    }


@require_GET
def map_page(request):
    """The public coverage map: no login needed."""
    context = _map_context(request, embed=False)
    context["embed_url"] = request.build_absolute_uri(reverse("maps_app:embed"))
    return render(request, "maps_app/map.html", context)


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
@require_GET
def map_embed(request):
    """The map alone, for other sites' pages (may be framed by any)."""
    return render(request, "maps_app/embed.html", _map_context(request, embed=True))


# --- Cameras ---------------------------------------------------------------------------------


def _camera_for(user, pk) -> CameraLocation:
    """A camera this person may see, or 404 (a pending one does not exist for others)."""
    return get_object_or_404(
        CameraLocation.objects.visible_to(user).select_related(
            "police_service", "release", "submitted_by", "reviewed_by"
        ),
        pk=pk,
    )


@login_required
@ratelimit.limited("cameras")
def camera_new(request):
    # "Report a camera from this release" links here with ?release=<pk>.
    initial = (
        {"source": "release", "release": request.GET["release"]} if "release" in request.GET else {}
    )
    form = CameraForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = selectors.nearby_cameras(
            float(data["latitude"]),
            float(data["longitude"]),
            user=request.user,
            metres=settings.MAP_DUPLICATE_METRES,
        )
        try:
            camera = services.camera_submit(
                by=request.user,
                latitude=data["latitude"],
                longitude=data["longitude"],
                directions=data["directions"],
                kind=data["kind"],
                vendor=data["vendor"],
                mount=data["mount"],
                police_service=data["police_service"],
                source=data["source"],
                release=data["release"],
                page=data["page"],
                osm_id=data["osm_id"],
                source_url=data["source_url"],
                photo=data["photo"],
                observed_on=data["observed_on"],
                confidence=data["confidence"],
                notes=data["notes"],
                duplicate_confirmed=data["not_a_duplicate"],
            )
        except services.CameraError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Thank you. The camera stays private until an organizer reviews it.")
            )
            return redirect(camera)
    context = {
        "form": form,
        "duplicates": duplicates,
        "map_config": _map_config(request, None, embed=False),
        "suggest_url": reverse("maps_app:api_suggest"),
    }
    return render(request, "maps_app/camera_form.html", context)


@login_required
def my_cameras(request):
    cameras = CameraLocation.objects.filter(submitted_by=request.user).select_related(
        "police_service"
    )
    return render(request, "maps_app/my_cameras.html", {"cameras": cameras})


def camera_detail(request, pk):
    camera = _camera_for(request.user, pk)
    organizer = is_organizer(request.user)
    context = {
        "camera": camera,
        "organizer": organizer,
        "is_submitter": request.user.is_authenticated and camera.submitted_by_id == request.user.pk,
        "decision_form": DecisionForm() if organizer else None,
        "revisions": camera.revisions.select_related("by") if organizer else None,
        "duplicates": selectors.nearby_cameras(
            float(camera.latitude),
            float(camera.longitude),
            user=request.user,
            metres=settings.MAP_DUPLICATE_METRES,
            exclude_pk=camera.pk,
        )
        if organizer
        else [],
        "show_release": bool(camera.release and (camera.release.is_public or organizer)),
    }
    return render(request, "maps_app/camera_detail.html", context)


@login_required
@require_POST
def camera_decide(request, pk):
    if not is_organizer(request.user):
        raise PermissionDenied
    camera = get_object_or_404(CameraLocation, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect(camera)
    try:
        services.camera_decide(
            camera=camera,
            by=request.user,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        )
    except services.CameraError as error:
        messages.error(request, str(error))
        return redirect(camera)
    messages.success(request, _("Decision recorded."))
    return redirect((request.POST.get("next") == "queue" and "maps_app:review") or camera)


@login_required
def camera_queue(request):
    """Organizers: cameras waiting for review, oldest first, with possible duplicates."""
    if not is_organizer(request.user):
        raise PermissionDenied
    rows, pending_count = selectors.review_queue(user=request.user)
    return render(
        request,
        "maps_app/review.html",
        {"rows": rows, "pending_count": pending_count, "decision_form": DecisionForm()},
    )


def camera_photo(request, pk):
    """A camera's photo: public once the camera is approved, before that only to its
    submitter and organizers. Never served from a public media address."""
    camera = _camera_for(request.user, pk)
    if camera.photo_id is None:
        raise Http404
    return filetypes.file_response(
        camera.photo, name=f"camera-{camera.pk}-photo", public=camera.is_public
    )


# --- Exports ---------------------------------------------------------------------------------


def _export(request, name: str):
    """A camera export, served from its built file (exports.py)."""
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    path = exports.export_file(name, queue_refresh=tasks.exports_refresh_queue, gzipped=gzipped)
    if path is None:
        response = HttpResponse(
            _("The export is being prepared. Please try again in a few seconds."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "5"
        return response
    stat = path.stat()
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        export = exports.FORMATS[name]
        response = FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=export.filename,
            content_type=export.content_type,
        )
        if path.suffix == ".gz":
            response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ["Accept-Encoding"])
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stat.st_mtime)
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_GET
def export_geojson(request):
    return _export(request, "geojson")


@require_GET
def export_csv(request):
    return _export(request, "csv")


@require_GET
def export_osm(request):
    """Cameras found in records and in the field, as new nodes for JOSM (not those that
    came from OpenStreetMap, which are there already)."""
    return _export(request, "osm")
