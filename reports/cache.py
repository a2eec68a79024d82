"""Dashboard figures cached until the data they count changes.

Triggers (migration 0002) take a number from the sequence `reports_data_version` whenever a table
the dashboards count is written: once per statement (so a transaction sees its own writes) and once
more as it commits (so others see it as soon as it is visible to them). Figures are cached under
the version read before computing them, and only when the version has not moved meanwhile; a write
anywhere therefore makes the next dashboard view compute afresh. The TTL bounds the one race left
(a commit in the microseconds between its last version bump and becoming visible).
"""

import hashlib

from django.core.cache import cache
from django.db import connection
from django.utils import timezone, translation

TTL_SECONDS = 600
# Tables whose writes change a dashboard figure: registry members and their parts, program records.
COUNTED_TABLES = [
    "registry_business",
    "registry_business_groups",
    "registry_owner",
    "registry_product",
    "registry_productphoto",
    "registry_legaldocument",
    "registry_yearlyfigure",
    "registry_exportvalue",
    "registry_kecamatan",
    "programs_training",
    "programs_enrollment",
    "programs_curationsubmission",
    "programs_placement",
    "programs_bankreferral",
    "programs_exportfacilitation",
]


def data_version():
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value, is_called FROM reports_data_version")
        value, called = cursor.fetchone()
        return value if called else 0


def cached(user, params, compute):
    """`compute()` for this user and these filters, from the cache while the data is unchanged."""
    version = data_version()
    parts = [str(user.pk), translation.get_language() or "", timezone.localdate().isoformat(), str(version)]
    parts += [f"{key}={value}" for key, value in sorted(params.items())]
    key = "dashboard:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        if data_version() == version:
            cache.set(key, value, TTL_SECONDS)
    return value
