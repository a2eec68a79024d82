"""The sitemap of the public catalogue: each kabupaten's catalogue, every listed product and every business
with one, all from `Listing.objects.public()` (programs/catalogue.py serves them at /sitemap.xml)."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from programs.models import Listing


class CatalogueSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return list(
            Listing.objects.public()
            .order_by()
            .values_list("product__business__kecamatan__kabupaten", flat=True)
            .distinct()
            .order_by("product__business__kecamatan__kabupaten")
        )

    def location(self, item):
        return reverse("programs:catalogue", args=[item])


class ProductSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Listing.objects.public().order_by("product").values("product", "updated_at")

    def location(self, item):
        return reverse("programs:catalogue_product", args=[item["product"]])

    def lastmod(self, item):
        return item["updated_at"]


class BusinessSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return (
            Listing.objects.public()
            .order_by()
            .values("product__business")
            .annotate(updated_at=Max("updated_at"))
            .order_by("product__business")
        )

    def location(self, item):
        return reverse("programs:catalogue_business", args=[item["product__business"]])

    def lastmod(self, item):
        return item["updated_at"]


SITEMAPS = {"katalog": CatalogueSitemap, "produk": ProductSitemap, "usaha": BusinessSitemap}
