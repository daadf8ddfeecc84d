"""Cached map responses with ETags, and the campaign's figures (`/stats/`, the dashboard),
invalidated by bumping one version number.

Every cached entry's key holds the current version; a camera, claim, request, release or
finding that changes bumps it (signals.py), so stale entries are simply never read again
and expire on their own. The day is in the key too, since "overdue" changes at midnight.
Uses Django's cache: Redis when REDIS_URL is set, a database table otherwise, so every
process (web workers, management commands) sees the same version.
"""

import gzip
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

VERSION_KEY = "maps:data-version"


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY) or 1
    return int(version)


def data_changed() -> None:
    """Make every cached map response stale."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet, or evicted
        cache.set(VERSION_KEY, data_version() + 1, timeout=None)


def _key(name: str, params: dict) -> str:
    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:32]
    return f"maps:{data_version()}:{timezone.localdate().isoformat()}:{name}:{digest}"


@dataclass(frozen=True)
class Body:
    """A JSON response body in one encoding, with its type and the ETag of its content."""

    content: bytes
    etag: str
    gzipped: bool
    content_type: str


def encoded(data, content_type: str) -> tuple[Body, Body]:
    """The JSON of `data`, plain and gzipped (plain again when gzip would not make it
    smaller, as for an empty tile)."""
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    etag = '"' + hashlib.sha256(raw).hexdigest()[:32] + '"'
    plain = Body(raw, etag, False, content_type)
    packed = gzip.compress(raw, compresslevel=6, mtime=0)
    return plain, Body(packed, etag, True, content_type) if len(packed) < len(raw) else plain


class CachedBody:
    """The body of a public data endpoint's answer, cached under the data version and the
    address asked for (the path from /api/, so any language prefix shares it, and the query
    parameters): plain and gzipped as separate entries, so a hit moves only the one the
    client takes, and the ETag alone, so a revalidation moves no body."""

    def __init__(self, path: str, query: Mapping[str, str]):
        self.key = _key(path[path.index("/api/") :], dict(query.items()))

    def etag(self) -> str | None:
        return cache.get(f"{self.key}:etag")

    def get(self, *, gzipped: bool, build=None, content_type: str = "") -> Body | None:
        """The body in the encoding asked for; when not cached, built (and stored) if
        `build` is given, None otherwise."""
        hit = cache.get(f"{self.key}:{'gzip' if gzipped else 'raw'}")
        if isinstance(hit, Body):
            return hit
        if build is None:
            return None
        plain, packed = self.store(build(), content_type)
        return packed if gzipped else plain

    def store(self, data, content_type: str) -> tuple[Body, Body]:
        plain, packed = encoded(data, content_type)
        cache.set_many(
            {f"{self.key}:raw": plain, f"{self.key}:gzip": packed, f"{self.key}:etag": plain.etag},
            timeout=settings.MAP_CACHE_SECONDS,
        )
        return plain, packed


_MISSING = object()


def cached_value(name: str, params: dict, build):
    """A picklable value (figures, chart shapes), built only when not cached. None is not
    kept: the next call builds again (an answer not known yet)."""
    key = _key(name, params)
    hit = cache.get(key, _MISSING)
    if hit is not _MISSING:
        return hit
    value = build()
    if value is not None:
        cache.set(key, value, timeout=settings.MAP_CACHE_SECONDS)
    return value
