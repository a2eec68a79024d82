"""The jobs the workers start by themselves (umkm_portal.worker): on a clock, each slot once however many
workers run; or when there is work for them, one run at a time."""

import datetime

from umkm_portal.worker import Schedule

DAY = datetime.timedelta(days=1)
WIB = datetime.timedelta(hours=-7)  # a daily offset of 02:00 + WIB is 02:00 in Jakarta

SCHEDULE = [
    Schedule("purge_deleted", "registry.tasks.purge_deleted", every=DAY, offset=datetime.timedelta(hours=2) + WIB),
    Schedule("prune_tasks", "umkm_portal.tasks.prune", every=DAY, offset=datetime.timedelta(hours=3) + WIB),
]

# Task -> whether it has work. The dashboard summary catches up with writes within a heartbeat or two, in a
# worker, never in a page view.
WANTED = {"reports.tasks.refresh_tallies": "reports.tally.pending"}
