"""What the site refuses before any view reads a request, the headers it adds to every
answer, and how it answers an action done too often."""

import math
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

from requests_app.ratelimit import RateLimited


def refuse_nul_bytes(get_response):
    """A NUL character in an address is never meaningful, and PostgreSQL cannot hold one in
    text: views that read a parameter straight into a query (`?campaign=`, a slug in the
    path) would fail with a server error. It is a bad request, answered before any view.
    (Forms and API serializers refuse NUL in what they read themselves.)"""

    def middleware(request):
        parts = [request.path]
        for name, values in request.GET.lists():
            parts += [name, *values]
        if any("\x00" in part for part in parts):
            message = _("The address holds a NUL character, which no address of this site has.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return defaults.bad_request(request, ValueError(message))
        return get_response(request)

    return middleware


def _tile_origin(url: str) -> str | None:
    """Where the map's tiles come from, as a CSP source: `https://{s}.tile.example.org/...`
    is `https://*.tile.example.org`; a tile URL on the site itself needs nothing more."""
    parts = urlsplit(url.replace("{s}", "*"))
    if not (parts.scheme and parts.netloc):
        return None
    return f"{parts.scheme}://{parts.netloc}"


class ContentSecurityPolicy(CSPMiddleware):
    """django-csp's policy (settings.CONTENT_SECURITY_POLICY), with the tile server of
    MAP_TILE_URL allowed for images: read at each request, so the policy follows the
    setting wherever it is changed."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        origin = _tile_origin(settings.MAP_TILE_URL)
        if origin and not report_only:
            update = dict(parts.update or {})
            update["img-src"] = [*update.get("img-src", []), origin]
            parts.update = update
        return parts


class RateLimitedPage:
    """A page action over its rate (`requests_app.ratelimit.check`) answered with the 429 page
    and `Retry-After`; the API answers the same exception itself, as JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RateLimited):
            return None
        response = render(
            request,
            "429.html",
            {"message": exception.detail, "minutes": math.ceil(exception.wait / 60)},
            status=429,
        )
        response["Retry-After"] = str(exception.wait)
        return response
