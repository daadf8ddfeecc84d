"""The map's cached data, answered before the rest of the site's middleware."""

import re

from .api import cached_answer

# The public, cached data endpoints (api.py): coverage, camera tiles, cameras by bounding box.
CACHED_DATA = re.compile(r"(/[a-z]{2})?/api/map/(coverage\.geojson|cameras(/\d+/\d+/\d+\.json)?)")


def cached_map_data(get_response):
    """A map screen asks for dozens of tiles at once, and most are cached: a cached answer is
    sent from here, as a static file is sent by WhiteNoise just before, without sessions,
    authentication or the API framework, none of which it needs (it is public and the same for
    everyone; the rate limit counts only answers built). Everything else, a miss included,
    goes on to the view, which builds and caches the answer (Django's per-site cache does the
    same, for every page)."""

    def middleware(request):
        if request.method == "GET" and CACHED_DATA.fullmatch(request.path_info):
            response = cached_answer(request)
            if response is not None:
                return response
        return get_response(request)

    return middleware
