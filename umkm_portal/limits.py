"""Rate limits per client address on the public pages (catalogue search, buyer inquiries, catalogue files).

Counted where every app node counts alike, keyed by the address `umkm_portal.security.client_ip` reads:
- with Redis (CACHE_URL), in Redis, by django-ratelimit (an atomic add, then an atomic increment);
- with the database cache (no CACHE_URL), in PostgreSQL's `portal_ratecount` (umkm_portal.models.RateCount),
  one statement per request: an upsert that adds the hit and returns the window's count. django-ratelimit
  on the database cache cost 6 to 12 statements per hit (its add and its increment are each a count of the
  cache table, a read, a write, and a cull of the table when it is full) and could lose a hit to a
  simultaneous one (the cache's increment is a read then a write); the upsert loses none.
Rates are settings ("N/s", "N/m", "N/h", "N/d", as django-ratelimit reads them): PUBLIC_SEARCH_RATE,
PUBLIC_INQUIRY_RATE, PUBLIC_CATALOGUE_FILE_RATE. A window is a fixed slice of the database's clock (the
minute, the hour...), so every node agrees on it.
"""

import re

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_ratelimit.core import is_ratelimited

from umkm_portal.models import RateCount
from umkm_portal.security import client_ip

# One statement: add this hit to the key's row, or start the row (or its new window) at 1. A request that
# read the clock before another moved the row to the next window counts in that newer window.
COUNT_HIT = """
INSERT INTO portal_ratecount AS counted (key, window_ends_at, hits)
VALUES (%s, to_timestamp((floor(extract(epoch FROM statement_timestamp()) / %s) + 1) * %s), 1)
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN counted.window_ends_at >= EXCLUDED.window_ends_at THEN counted.hits + 1 ELSE 1 END,
    window_ends_at = GREATEST(counted.window_ends_at, EXCLUDED.window_ends_at)
RETURNING hits
"""


# "N/unit" or "N/Kunit", unit s, m, h or d (5/m, 100/10m): django-ratelimit's own notation, read here with its
# public meaning rather than through its private parser.
_RATE = re.compile(r"(\d+)/(\d*)([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate):
    """(requests allowed, window in seconds) of a rate such as "30/m" or "100/10m"."""
    matched = _RATE.fullmatch(rate.strip().lower())
    if not matched:
        raise ValueError(f"A rate is N/s, N/m, N/h or N/d (e.g. 30/m, 100/10m), not {rate!r}")
    count, multiple, unit = matched.groups()
    return int(count), int(multiple or 1) * _UNIT_SECONDS[unit]


def _address(group, request):
    return client_ip(request) or "-"


def _on_database_cache():
    return isinstance(caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")], DatabaseCache)


def count_hit(group, address, rate):
    """Add one request of `address` to `group`'s count in PostgreSQL; return the count in the current window."""
    _limit, seconds = parse_rate(rate)
    key = salted_hmac("umkm_portal.limits", f"{group}\n{address}", algorithm="sha256").hexdigest()
    with connections[router.db_for_write(RateCount)].cursor() as cursor:
        cursor.execute(COUNT_HIT, [key, seconds, seconds])
        return cursor.fetchone()[0]


def over_limit(request, group, rate):
    """Count this request against `group` for its address; true once the address is past `rate`."""
    if not _on_database_cache():
        return is_ratelimited(request, group=group, key=_address, rate=rate, increment=True)
    limit, _seconds = parse_rate(rate)
    return count_hit(group, _address(group, request), rate) > limit


def prune_rate_counts():
    """Forget the counts of windows that have ended; return how many."""
    deleted, _ = RateCount.objects.filter(window_ends_at__lt=timezone.now()).delete()
    return deleted


def too_many_requests(request):
    """The 429 page: what happened and when to try again, nothing written."""
    return render(request, "429.html", status=429)
