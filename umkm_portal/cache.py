"""Django's Redis cache, except that a Redis that does not answer costs a page its cache, not the page.

Every node shares one Redis (CACHE_URL). If it goes away, each call would wait CACHE_TIMEOUT_SECONDS and
then fail the request; here a call that cannot reach Redis is logged and answered as a miss (a read) or
dropped (a write), and the node leaves Redis alone for RETRY_SECONDS before trying again, so pages keep
their usual speed without the cache. /healthz still reports the cache as down (its probe is not read back).
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
RETRY_SECONDS = 10
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0  # this process's own note; nothing another process needs

    def _call(self, method, fallback, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return method(*args, **kwargs)
        except UNAVAILABLE as error:
            self._down_until = time.monotonic() + RETRY_SECONDS
            logger.warning("cache unreachable (%s); serving without it for %d s", type(error).__name__, RETRY_SECONDS)
            return fallback

    def get(self, key, default=None, version=None):
        return self._call(super().get, default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set, None, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, False, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(super().delete, False, key, version)

    def delete_many(self, keys, version=None):
        return self._call(super().delete_many, None, keys, version)

    def probe(self, key):
        """Set and read back `key` with no tolerance (for /healthz): raises when Redis does not answer."""
        RedisCache.set(self, key, "ok", 10)
        found = RedisCache.get(self, key)
        RedisCache.delete(self, key)
        return found == "ok"
