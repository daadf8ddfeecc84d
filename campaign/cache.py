"""The cache backend used with Redis: when Redis cannot be reached, the site runs as if
nothing were cached (docs/reliability.md, "Cache and broker outages").

Everything that uses Django's cache goes through this one place: the map's cached
responses and data version (`maps_app.cache`), the campaign's figures, the API's and
allauth's rate-limit counts. A read answers "not cached", a write is dropped, and the
outage is logged once until Redis answers again. Rate limits therefore do not count
while Redis is down; the site stays up rather than refusing everyone. Each call gives up
after the connection timeout set in settings (a second).
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _fail_soft(fallback):
    """Run the cache operation; on a Redis error log (once per outage) and return what a
    cache holding nothing would answer."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                result = method(self, *args, **kwargs)
            except RedisError as error:
                if not FailSoftRedisCache.unavailable:
                    logger.warning("The cache is unavailable, running without it: %s", error)
                    FailSoftRedisCache.unavailable = True
                return fallback(*args, **kwargs)
            if FailSoftRedisCache.unavailable:
                logger.warning("The cache is available again.")
                FailSoftRedisCache.unavailable = False
            return result

        return wrapper

    return decorate


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _stored(*args, **kwargs):
    # As if stored and at once evicted, which any cache may do: a caller taking a lock with
    # `add` (allauth's rate limits) goes on instead of waiting for a lock it cannot get.
    return True


def _default(key, default=None, *args, **kwargs):
    return default


def _no_values(*args, **kwargs):
    return {}


def _all_keys_failed(data, *args, **kwargs):
    return list(data)


def _missing_key(key, *args, **kwargs):
    # What a cache without the key answers; callers already handle it (and set the key).
    raise ValueError(f"Key {key!r} not found (the cache is unavailable).")


class FailSoftRedisCache(RedisCache):
    """Django's Redis cache, degrading to no cache when Redis is down."""

    unavailable = False  # for the whole process, so that an outage is logged once

    get = _fail_soft(_default)(RedisCache.get)
    get_many = _fail_soft(_no_values)(RedisCache.get_many)
    has_key = _fail_soft(_false)(RedisCache.has_key)
    add = _fail_soft(_stored)(RedisCache.add)
    set = _fail_soft(_nothing)(RedisCache.set)
    set_many = _fail_soft(_all_keys_failed)(RedisCache.set_many)
    touch = _fail_soft(_false)(RedisCache.touch)
    delete = _fail_soft(_false)(RedisCache.delete)
    delete_many = _fail_soft(_nothing)(RedisCache.delete_many)
    incr = _fail_soft(_missing_key)(RedisCache.incr)
    clear = _fail_soft(_false)(RedisCache.clear)
