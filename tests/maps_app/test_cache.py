"""The map's cache in each process: the data version kept for a moment, the process's own
copies of the answers, and a camera tile kept as one entry."""

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maps_app import cache as map_cache
from maps_app.cache import VERSION_KEY, CachedBody, data_changed, data_version, local_copies

from .conftest import make_camera
from .test_tiles import TORONTO, tile_of, tile_url


@pytest.fixture
def memo(settings, monkeypatch):
    """Versions kept for a minute in this test, and none of them after it."""
    settings.MAP_VERSION_MEMO_SECONDS = 60
    monkeypatch.setattr(map_cache, "_version_memo", None)


def test_a_change_elsewhere_is_seen_after_the_memo_one_here_at_once(db, memo, monkeypatch):
    before = data_version()
    cache.incr(VERSION_KEY)  # another process's change
    assert data_version() == before  # kept for MAP_VERSION_MEMO_SECONDS
    memo_expired = (before, 0.0)
    monkeypatch.setattr(map_cache, "_version_memo", memo_expired)
    assert data_version() == before + 1
    data_changed()  # this process's change
    assert data_version() == before + 2


def test_without_a_memo_the_version_is_read_every_time(db):
    before = data_version()
    cache.incr(VERSION_KEY)
    assert data_version() == before + 1


def test_a_warm_tile_reads_neither_the_database_nor_the_cache(client, db, memo):
    make_camera()
    url = tile_url(12, *tile_of(*TORONTO, 12))
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert queries.captured_queries == []


def test_a_tile_is_one_cache_entry_with_both_encodings(client, db):
    make_camera()
    url = tile_url(12, *tile_of(*TORONTO, 12))
    answer = client.get(url)
    key = CachedBody(url, {}, small=True).key
    plain, packed = caches["map"].get(f"{key}:both")
    assert plain.content == answer.content and plain.etag == answer["ETag"] == packed.etag
    assert caches["map"].get_many([f"{key}:raw", f"{key}:gzip", f"{key}:etag"]) == {}
    local_copies.clear()  # as in another web process: served from the shared entry
    assert client.get(url, HTTP_IF_NONE_MATCH=answer["ETag"]).status_code == 304


def test_a_cold_tile_only_reads_the_database(client, db):
    """Tiles and the map's rate-limit counts are in the "map" cache (Redis, or each process's
    memory): a database cache write would cost more than the tile."""
    make_camera()
    data_changed()
    url = tile_url(12, *tile_of(*TORONTO, 12))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).json()["total"] == 1
    written = [q["sql"] for q in queries if not q["sql"].startswith(("SELECT", "SAVEPOINT"))]
    assert written == [] and queries.captured_queries


def test_an_emptied_cache_never_serves_a_process_its_old_copies(client, db):
    url = tile_url(12, *tile_of(*TORONTO, 12))
    assert client.get(url).json()["total"] == 0
    make_camera()  # no change announced (outside a commit in this test)
    assert client.get(url).json()["total"] == 0  # the cached answer
    cache.clear()  # the cache emptied (Redis restarted): the version starts afresh
    assert client.get(url).json()["total"] == 1


def test_local_copies_keep_within_their_bounds(settings):
    copies = map_cache._LocalCopies(entries=2, size=10_000)
    copies.put("a", "x" * 100)
    copies.put("b", "y" * 100)
    assert copies.get("a") is not None  # a is now the latest used
    copies.put("c", "z" * 100)
    assert copies.get("b") is None and copies.get("a") and copies.get("c")
    copies.put("big", "w" * 20_000)  # larger than the whole: not kept
    assert copies.get("big") is None
    copies.put("d", "v" * 9_900)  # the others make room for it
    assert copies.get("d") and copies.get("a") is None and copies.get("c") is None
    settings.MAP_CACHE_SECONDS = -1  # copies expire as the shared entries do
    copies.put("e", "e")
    assert copies.get("e") is None
