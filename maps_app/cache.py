"""Cached map responses with ETags, and the campaign's figures (`/stats/`, the dashboard),
invalidated by bumping one version number.

Every cached entry's key holds the current version; a camera, claim, request, release or
finding that changes bumps it (signals.py), so stale entries are simply never read again
and expire on their own. The day is in the key too, since "overdue" changes at midnight.
Uses Django's cache: Redis when REDIS_URL is set, a database table otherwise, so every
process (web workers, management commands) sees the same version.

In front of it, each process keeps the version it read for MAP_VERSION_MEMO_SECONDS (a
change made by another process shows on the map within that time; one made by this process
at once) and its own copies of the map's answers it served last (`_LocalCopies`), so a
cached tile costs neither the database nor Redis.
"""

import gzip
import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.utils import timezone

VERSION_KEY = "maps:data-version"
# (version, monotonic time until which it is taken as current), or None: read it again.
_version_memo: tuple[int, float] | None = None


def _first_version() -> int:
    """A version no process has used before (microseconds since 1970): after the cache is
    emptied, a process's own copies under an older number are never served again."""
    return time.time_ns() // 1000


def data_version() -> int:
    global _version_memo
    now = time.monotonic()
    memo = _version_memo
    if memo is not None and now < memo[1]:
        return memo[0]
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _first_version(), timeout=None)
        # A cache that cannot be reached gives a new version each time: nothing is reused.
        version = cache.get(VERSION_KEY) or _first_version()
    version = int(version)
    _version_memo = (version, now + settings.MAP_VERSION_MEMO_SECONDS)
    return version


def data_changed() -> None:
    """Make every cached map response stale."""
    global _version_memo
    _version_memo = None
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet, or evicted
        cache.set(VERSION_KEY, data_version() + 1, timeout=None)
    _version_memo = None
    local_copies.clear()  # all under the old version, never read again


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


def _size(value) -> int:
    if isinstance(value, Body):
        return len(value.content) + 100
    if isinstance(value, tuple):
        return sum(_size(part) for part in value)
    return len(value) + 50 if isinstance(value, bytes | str) else 100


class _LocalCopies:
    """This process's copies of the map's cached answers it read or built last: at most
    `entries` of them and `size` bytes, dropped after MAP_CACHE_SECONDS as the shared
    entries are. Keys hold the data version, so a change is never served stale."""

    def __init__(self, entries: int, size: int):
        self.entries, self.size = entries, size
        self._copies: OrderedDict[str, tuple[float, int, object]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str, default=None):
        with self._lock:
            copy = self._copies.get(key)
            if copy is None:
                return default
            if copy[0] < time.monotonic():
                self._drop(key)
                return default
            self._copies.move_to_end(key)
            return copy[2]

    def put(self, key: str, value) -> None:
        size = _size(value)
        if size > self.size:
            return
        with self._lock:
            if key in self._copies:
                self._drop(key)
            self._copies[key] = (time.monotonic() + settings.MAP_CACHE_SECONDS, size, value)
            self._bytes += size
            while len(self._copies) > self.entries or self._bytes > self.size:
                self._drop(next(iter(self._copies)))

    def clear(self) -> None:
        with self._lock:
            self._copies.clear()
            self._bytes = 0

    def _drop(self, key: str) -> None:
        self._bytes -= self._copies.pop(key)[1]


# A few screens of tiles and the coverage at each zoom, in a few megabytes per process.
local_copies = _LocalCopies(entries=4000, size=16 * 1024 * 1024)


class CachedBody:
    """The body of a public data endpoint's answer, cached under the data version and the
    address asked for (the path from /api/, so any language prefix shares it, and the query
    parameters), in this process (`local_copies`) and in the shared cache.

    A `small` body (a camera tile) is one entry, both encodings with the ETag: a miss writes
    it once. A large one (the coverage) is stored plain and gzipped as separate entries, so a
    hit from the shared cache moves only the one the client takes, and the ETag alone, so a
    revalidation moves no body."""

    def __init__(self, path: str, query: Mapping[str, str], *, small: bool = False):
        self.key = _key(path[path.index("/api/") :], dict(query.items()))
        self.small = small
        self._missing: set[str] = set()  # not cached when asked: not asked again

    @property
    def _shared(self):
        # Tiles are many and small, written by the requests themselves: the "map" cache
        # (settings.CACHES). The coverage, pre-built by a task, is in the default one.
        return caches["map"] if self.small else cache

    def _read(self, part: str):
        if part in self._missing:
            return None
        key = f"{self.key}:{part}"
        hit = local_copies.get(key)
        if hit is None:
            hit = self._shared.get(key)
            if hit is None:
                self._missing.add(part)
            else:
                local_copies.put(key, hit)
        return hit

    def etag(self) -> str | None:
        if self.small:
            both = self._read("both")
            return both[0].etag if both else None
        return self._read("etag")

    def get(self, *, gzipped: bool, build=None, content_type: str = "") -> Body | None:
        """The body in the encoding asked for; when not cached, built (and stored) if
        `build` is given, None otherwise."""
        if self.small:
            both = self._read("both")
            hit = (both[1] if gzipped else both[0]) if both else None
        else:
            hit = self._read("gzip" if gzipped else "raw")
        if isinstance(hit, Body):
            return hit
        if build is None:
            return None
        plain, packed = self.store(build(), content_type)
        return packed if gzipped else plain

    def store(self, data, content_type: str) -> tuple[Body, Body]:
        plain, packed = encoded(data, content_type)
        if self.small:
            entries = {f"{self.key}:both": (plain, packed)}
        else:
            entries = {
                f"{self.key}:raw": plain,
                f"{self.key}:gzip": packed,
                f"{self.key}:etag": plain.etag,
            }
        self._shared.set_many(entries, timeout=settings.MAP_CACHE_SECONDS)
        for key, value in entries.items():
            local_copies.put(key, value)
        return plain, packed


_MISSING = object()


def cached_value(name: str, params: dict, build, *, flag: bool = False):
    """A picklable value (figures, chart shapes), built only when not cached. None is not
    kept: the next call builds again (an answer not known yet).

    A `flag` (a yes or no that a cold tile needs, quick to work out) is kept in this
    process's copies only: the first tiles after a change come dozens at once, and each
    would otherwise write the shared cache (on the database cache, one writer at a time)."""
    key = _key(name, params)
    if flag:
        return _flag(key, build)
    hit = cache.get(key, _MISSING)
    if hit is not _MISSING:
        return hit
    value = build()
    if value is not None:
        cache.set(key, value, timeout=settings.MAP_CACHE_SECONDS)
    return value


_flags_lock = threading.Lock()


def _flag(key: str, build):
    """Worked out by one thread of the process while the others wait for it."""
    hit = local_copies.get(key, _MISSING)
    if hit is _MISSING:
        with _flags_lock:
            hit = local_copies.get(key, _MISSING)
            if hit is _MISSING:
                hit = build()
                if hit is not None:
                    local_copies.put(key, hit)
    return hit
