"""What the site refuses before any view reads a request."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


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
