"""The jobs the workers start by themselves (umkm_portal.worker): on a clock, each slot once however many
workers run; or when there is work for them, one run at a time."""

import datetime

from umkm_portal.worker import Schedule

DAY = datetime.timedelta(days=1)


def wib(hours):
    """The offset of a daily (or weekly) slot that starts at `hours` o'clock in Jakarta (UTC+7)."""
    return datetime.timedelta(hours=hours - 7)


SCHEDULE = [
    Schedule("purge_deleted", "registry.tasks.purge_deleted", every=DAY, offset=wib(2)),
    Schedule("old_files", "registry.tasks.remove_old_files", every=DAY, offset=wib(2.5)),
    Schedule("prune_tasks", "umkm_portal.tasks.prune", every=DAY, offset=wib(3)),
    Schedule("sent_forms", "registry.tasks.forget_sent_forms", every=DAY, offset=wib(3.5)),
    # Weekly: on S3 the sweep lists every folder of photos and scans.
    Schedule("orphan_files", "registry.tasks.remove_orphan_files", every=7 * DAY, offset=wib(4)),
    # Printable catalogues and buyer-desk sheets no request can ask for any more (programs.catalogue_files).
    Schedule("stale_catalogue_files", "programs.tasks.remove_stale_catalogue_files", every=datetime.timedelta(hours=1)),
    # The public catalogue's entries recomputed from what the public may see (programs.catalogue_entries).
    Schedule("catalogue_entries", "programs.tasks.rebuild_catalogue_entries", every=DAY, offset=wib(4.5)),
]

# Task -> whether it has work, looked at every second by each worker. The dashboard summary catches up with
# writes about a second after their commit, in a worker, never in a page view.
WANTED = {"reports.tasks.refresh_tallies": "reports.tally.pending"}
