"""How often one person may do what others then read or review: claims, camera reports,
uploads, comments, corrections and the camera form's suggestions.

A person is a signed-in volunteer, else the client's address (`client_address`, which the
API's throttles and allauth's limits read too). Each action has a rate in
`settings.RATE_LIMITS` ("60/hour"), counted in the default cache in fixed windows with
`add` and `incr` (atomic on Redis). Over the rate, `check` raises `RateLimited`: the API
answers it as any throttle (a 429 with `Retry-After`), pages through
`campaign.middleware.RateLimitedPage`. Pages and the API call the same check with the same
action name, so they share one budget. A cache that does not answer lets the action through:
a limit is not worth refusing a volunteer's work.
"""

import logging
import math
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import Throttled

logger = logging.getLogger(__name__)

SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

# What the person did too often, in their words (the 429 page and the API's `detail`).
TOO_OFTEN = {
    "claims": _("You have claimed many targets in a short time."),
    "cameras": _("You have reported many cameras in a short time."),
    "uploads": _("You have uploaded many files in a short time."),
    "comments": _("You have posted many comments in a short time."),
    "corrections": _("You have proposed many corrections in a short time."),
    "suggest": _("The camera form asked for many suggestions in a short time."),
}


class RateLimited(Throttled):
    """Too many of one action from one person; nothing was saved."""

    def __init__(self, action: str, wait: float):
        super().__init__(
            wait=wait,
            detail=_("%(too_often)s Nothing was saved; please wait and try again.")
            % {"too_often": TOO_OFTEN[action]},
        )


def client_address(request) -> str:
    """The address of the person calling. With TRUSTED_PROXY_COUNT proxies in front of the
    site, each appending the address it saw to X-Forwarded-For, it is the entry that many
    from the right: entries further left come from the client and prove nothing."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [address.strip() for address in forwarded.split(",")]
        return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR", "")


def _parse(rate: str) -> tuple[int, int]:
    number, _slash, period = rate.partition("/")
    return int(number), SECONDS[period[0]]


def check(request, action: str) -> None:
    """Count one `action` for the person making `request`; raise `RateLimited` past its rate."""
    allowed, period = _parse(settings.RATE_LIMITS[action])
    user = getattr(request, "user", None)
    who = (
        f"user:{user.pk}" if user is not None and user.is_authenticated else client_address(request)
    )
    now = time.time()
    window = int(now // period)
    key = f"ratelimit:{action}:{who}:{window}"
    try:
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between the two calls: a new window
            cache.add(key, 1, timeout=period + 1)
            count = 1
    except Exception:  # any backend's failure (Redis down, database cache unreachable)
        logger.warning("Rate limit %s not counted: the cache did not answer", action, exc_info=True)
        return
    if count > allowed:
        raise RateLimited(action, wait=math.ceil((window + 1) * period - now))


def limited(action: str, *, files_only: bool = False):
    """A page view whose posts count as `action` (reading the page never does); with
    `files_only`, only posts that carry a file (a step with its letter attached)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD", "OPTIONS") and (
                request.FILES or not files_only
            ):
                check(request, action)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
