"""Business size class under PP 7/2021 art. 35, computed from the yearly figures, never typed.

The thresholds are dated reference data: a later rule gets a new version beside this one, and every
stored class names the version that computed it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

RULE_VERSION = "PP7/2021"


class SizeClass(models.TextChoices):
    MIKRO = "mikro", _("Mikro")
    KECIL = "kecil", _("Kecil")
    MENENGAH = "menengah", _("Menengah")
    BESAR = "besar", _("Besar")


_RANK = {SizeClass.MIKRO: 1, SizeClass.KECIL: 2, SizeClass.MENENGAH: 3, SizeClass.BESAR: 4}

# Upper bounds, inclusive, in Rupiah: capital excludes land and buildings.
_CAPITAL_LIMITS = [
    (1_000_000_000, SizeClass.MIKRO),
    (5_000_000_000, SizeClass.KECIL),
    (10_000_000_000, SizeClass.MENENGAH),
]
_REVENUE_LIMITS = [
    (2_000_000_000, SizeClass.MIKRO),
    (15_000_000_000, SizeClass.KECIL),
    (50_000_000_000, SizeClass.MENENGAH),
]


def _by_limits(amount, limits):
    for limit, size_class in limits:
        if amount <= limit:
            return size_class
    return SizeClass.BESAR


def compute_size_class(*, capital=None, revenue=None):
    """Return the PP 7/2021 class, or None without figures.

    A running business is classed by its yearly sales; capital decides only when no sales are recorded
    (art. 35: capital at founding, sales for businesses already running).
    """
    if revenue is not None:
        return _by_limits(revenue, _REVENUE_LIMITS)
    if capital is not None:
        return _by_limits(capital, _CAPITAL_LIMITS)
    return None


def rank(size_class):
    """Order of classes, for "naik kelas": mikro 1 < kecil 2 < menengah 3 < besar 4."""
    return _RANK.get(size_class, 0)
