"""Shared-cache copies of a kabupaten's public catalogue pages, and forgetting them all at once.

Every cached public page (and file) of a kabupaten is keyed by the kabupaten's generation: a random token
held in the configured cache, which every app node and the worker share. `forget()` replaces the token, so
every copy made before is never read again, on any node, from the next request on; old copies expire by
their own timeout. A token that is lost (culled, a cache restart) is replaced by a new one: a lost token
can only cost a rebuild, never serve a stale page.

Order matters for "at once": a page reads the generation *before* it reads the database, and `forget()` runs
after the change commits (`transaction.on_commit`). A page that read the old token may still store a copy
under it, which no one reads again. The catalogue's reads go to the primary, not a lagging replica
(umkm_portal.routers).
"""

import hashlib
import uuid

from django.core.cache import cache
from django.db import transaction

TIMEOUT = 10 * 60  # a cached page's life; a certificate that expires at midnight leaves within it


def _key(kabupaten_code):
    return f"catalogue:generation:{kabupaten_code}"


def generation(kabupaten_code):
    """The kabupaten's current generation token (made on first use)."""
    token = cache.get(_key(kabupaten_code))
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(_key(kabupaten_code), token, timeout=None):
            token = cache.get(_key(kabupaten_code)) or token
    return token


def page_key(kabupaten_code, *parts, current=None):
    """A cache key for one public page or file of the kabupaten, in its current generation (`current`, when
    the caller has just read it)."""
    return ":".join(["catalogue", kabupaten_code, current or generation(kabupaten_code), *map(str, parts)])


def address_key(kabupaten_code, page, language, host, path, query="", current=None):
    """The key of one kept public page: the page's kind, its language and its address (the host, the path and
    the query parameters the page reads, as the page writes them), in the kabupaten's generation."""
    address = hashlib.sha256(f"{host}{path}?{query}".encode()).hexdigest()
    return page_key(kabupaten_code, page, language, address, current=current)


def forget(kabupaten_code):
    """Once the current transaction commits, make every cached copy of the kabupaten's pages unreadable."""
    transaction.on_commit(lambda: cache.set(_key(kabupaten_code), uuid.uuid4().hex, timeout=None))


def forget_business(business):
    """forget() for the kabupaten a business is in (its kecamatan code starts with the kabupaten's)."""
    forget(business.kecamatan_id[:5])
