"""Rate limits per client address on the public pages (catalogue search, buyer inquiries).

django-ratelimit counts in the configured cache, which every app node shares (the database cache, or
Redis with CACHE_URL), keyed by the address `umkm_portal.security.client_ip` reads. With the database
cache a count can miss a hit when two requests land in the same instant (get-then-set); a limit against
abuse, not an exact meter. Rates are settings ("N/s", "N/m", "N/h", "N/d"): PUBLIC_SEARCH_RATE,
PUBLIC_INQUIRY_RATE.
"""

from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

from umkm_portal.security import client_ip


def _address(group, request):
    return client_ip(request) or "-"


def over_limit(request, group, rate):
    """Count this request against `group` for its address; true once the address is past `rate`."""
    return is_ratelimited(request, group=group, key=_address, rate=rate, increment=True)


def too_many_requests(request):
    """The 429 page: what happened and when to try again, nothing written."""
    return render(request, "429.html", status=429)
