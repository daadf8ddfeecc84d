"""Who is calling the API (a volunteer's token, or the site's session) and how often they may.

The token class comes first in DEFAULT_AUTHENTICATION_CLASSES: DRF answers a request that
needs a sign-in with the first class's `WWW-Authenticate` challenge, so it is a 401 (with
the session class first it would be a 403).
"""

from django.conf import settings
from django.core.cache import caches
from django.utils.connection import ConnectionProxy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from ..models import ApiToken
from ..ratelimit import client_address
from ..services import tokens

KEYWORD = "Bearer"


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>`, a token its volunteer made on their account page."""

    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != KEYWORD.lower().encode():
            return None
        if len(words) != 2:
            raise AuthenticationFailed(_("Give the token after “Bearer”, with one space."))
        token = tokens.api_token_authenticate(words[1].decode("latin-1"))
        if token is None:
            raise AuthenticationFailed(_("This token does not work: it was revoked or mistyped."))
        return token.user, token

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(
                _(
                    "A token you made on your account page (/me/profile/). It acts as you: "
                    "keep it secret, and revoke it there when a script no longer needs it."
                )
            ),
        }


class SessionScheme(OpenApiAuthenticationExtension):
    """drf-spectacular's own scheme for the session, with words for the docs' Authorize
    dialog, where there is nothing to type."""

    target_class = "rest_framework.authentication.SessionAuthentication"
    name = "cookieAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": str(
                _(
                    "The site's session: sign in on the site in this browser and these pages "
                    "use it by themselves. Writes also need the CSRF token, which these pages "
                    "send."
                )
            ),
        }


# --- Rate limits -------------------------------------------------------------------------------


class _LiveRate:
    """The rate of `scope` read from the settings when the request comes (DRF reads it once,
    at import), so that configuration and tests can change it; clients told apart by the
    site's one reading of their address (behind TRUSTED_PROXY_COUNT proxies)."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_ident(self, request):
        return client_address(request)


class AnonymousThrottle(_LiveRate, AnonRateThrottle):
    """Clients without a token or session, by address."""


class SignedInThrottle(_LiveRate, UserRateThrottle):
    """A volunteer, whether through the session or any of their tokens."""

    def get_cache_key(self, request, view):
        return super().get_cache_key(request, view) if request.user.is_authenticated else None


class TokenThrottle(_LiveRate, SimpleRateThrottle):
    """Each token on its own, so one runaway script does not use up its owner's budget."""

    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class MapThrottle(_LiveRate, SimpleRateThrottle):
    """The map's data endpoints, which its page calls at every pan and zoom: a budget of
    their own, per volunteer or address."""

    scope = "map"
    # Counted on every map answer the server builds: in the "map" cache (settings.CACHES).
    cache = ConnectionProxy(caches, "map")

    def get_cache_key(self, request, view):
        ident = request.user.pk if request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
