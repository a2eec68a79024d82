"""The programs' background tasks (Django's Tasks API), worked off by `manage.py run_worker`."""

from django.tasks import task

from programs import catalogue_entries, catalogue_files
from programs.models import CatalogueFile


@task()
def build_catalogue_file(file_id, attempt=1):
    """Build a printable catalogue or buyer-desk sheet (programs.catalogue_files.run_build); return its
    status ("dropped" when no one can ask for it any more)."""
    row = CatalogueFile.objects.filter(pk=file_id).first()
    if row is None:
        return "dropped"
    built = catalogue_files.run_build(row, attempt=attempt)
    return built.status if built else "dropped"


@task()
def remove_stale_catalogue_files():
    """Delete the catalogue files of old generations and days (scheduled hourly); return how many."""
    return catalogue_files.remove_stale()


@task()
def rebuild_catalogue_entries():
    """Recompute every public catalogue entry from Listing.objects.public() (scheduled daily, the safety net
    behind the writers that keep them: programs.catalogue_entries); return how many there are."""
    return catalogue_entries.rebuild()
