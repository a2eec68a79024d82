"""Dashboard figures cached on the shared cache under the summary's generation.

Every write to a table the dashboards count marks the cells of its businesses (reports.tally's triggers);
the worker recounts them about a second after the commit and moves the generation in the same transaction
(`reports.tally.generation()`). Rendered figures are kept under the generation read before computing them,
and only when it has not moved meanwhile, so a cached view is never older than the summary. Figures
counted live (a period or a group filter) follow the same generation: they are as fresh as the tallied ones,
and until the worker has caught up the dashboard says so. What no mark covers (a kecamatan renamed in the
official list) shows within the TTL; loading official counts moves the generation itself.
"""

import hashlib

from django.core.cache import cache
from django.utils import timezone, translation

from reports.tally import generation

TTL_SECONDS = 600


def cached(user, params, compute):
    """`compute()` for this user and these filters, from the cache while the summary's generation holds."""
    current = generation()
    parts = [str(user.pk), translation.get_language() or "", timezone.localdate().isoformat(), str(current)]
    parts += [f"{key}={value}" for key, value in sorted(params.items())]
    key = "dashboard:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        if generation() == current:
            cache.set(key, value, TTL_SECONDS)
    return value
