"""API tokens: a volunteer makes, names and revokes them; the API authenticates with them."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ApiToken

# Tokens start with this, so a leaked one is easy to recognise (and to search for).
TOKEN_PREFIX = "alpr_"
TOKEN_NAME_MAX_CHARS = 80
# The last use is written at most this often, so a busy script does not write on every call.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenError(Exception):
    """A token action that cannot be done; the message is shown to the person as is."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for the volunteer; returns it with its secret, which is never stored."""
    name = name.strip()
    if not name:
        raise TokenError(_("Name the token, e.g. after the script that uses it."))
    if len(name) > TOKEN_NAME_MAX_CHARS:
        raise TokenError(
            _("Keep the name under %(count)s characters.") % {"count": TOKEN_NAME_MAX_CHARS}
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=secret[: len(TOKEN_PREFIX) + 4], key_hash=_hash(secret)
    )
    return token, secret


def api_token_revoke(*, token: ApiToken, by) -> None:
    """Its owner revokes a token; it stops working at once (revoking twice changes nothing)."""
    if token.user_id != by.pk:
        raise PermissionDenied
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The active token with this secret, its use noted; None for a wrong or revoked one."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.active().select_related("user").filter(key_hash=_hash(secret)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
