"""The public catalogue's pages as the bench asks them (bench/run.py's catalogue rows, bench/interleave.py):
which listing they show, and how a page's kept copy is dropped so it is built again."""

from django.core.cache import cache
from django.test import RequestFactory

from programs.catalogue import kept_key
from programs.models import Listing


def sample_listing():
    """A public listing of Balongbendo (35.15.12) with a photo and a halal certificate, else its first one."""
    public = Listing.objects.public().filter(product__business__kecamatan="35.15.12")
    listed = public.filter(product__photos__isnull=False, product__business__documents__kind="halal").first()
    return listed or public.order_by("pk").first()


def forget_page(url):
    """A function that deletes the anonymous visitor's kept copy of the public page at `url` (Indonesian, in
    the kabupaten's current generation) and nothing else."""
    return lambda: cache.delete(kept_key(RequestFactory().get(url)))
